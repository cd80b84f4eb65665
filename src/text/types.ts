/**
 * A tokenizer: text to token ids and back.
 *
 * @category Text
 */
export interface Tokenizer {
  /** Number of distinct tokens `V`; ids are in `[0, V)`. */
  readonly vocabSize: number;
  /** Token ids of `text`. */
  encode(text: string): number[];
  /** Text of token ids. */
  decode(ids: ArrayLike<number>): string;
}
