import { describe, expect, it } from 'vitest';
import { gpt2Tokenizer } from './gpt2Tokenizer.js';

describe('gpt2Tokenizer', () => {
  const tok = gpt2Tokenizer();

  it('gives the reference ids of published examples', () => {
    // Hugging Face's GPT2Tokenizer documentation example, and the ids of "Hello world".
    expect(tok.encode('Hello, my dog is cute')).toEqual([15496, 11, 616, 3290, 318, 13779]);
    expect(tok.encode('Hello world')).toEqual([15496, 995]);
    expect(tok.vocabSize).toBe(50257);
    expect(tok.endOfText).toBe(50256);
    expect(tok.decode([tok.endOfText])).toBe('<|endoftext|>');
  });

  it.each(['', ' ', 'naïve café 😀 日本語', '  two  spaces\n\ttab', 'a<|endoftext|>b', "it's 1,234.5 — ok?"])('round-trips %j', (text) => {
    expect(tok.decode(tok.encode(text))).toBe(text);
  });

  it('encodes <|endoftext|> written in the text as ordinary text, not as the special token', () => {
    expect(tok.encode('<|endoftext|>')).not.toContain(tok.endOfText);
  });

  it('streams characters that span tokens without emitting a replacement character', () => {
    const text = 'emoji 😀🎉 and 日本語 end';
    const ids = tok.encode(text);
    const stream = tok.streamDecoder();
    const pieces = ids.map((id) => stream.decode([id]));
    pieces.push(stream.flush());
    expect(pieces.join('')).toBe(text);
    expect(pieces.some((p) => p.includes('\uFFFD'))).toBe(false);
    // The emoji is split across tokens, so some call must have held text back.
    expect(pieces.some((p) => p === '')).toBe(true);
  });

  it('refuses ids outside the vocabulary and non-strings, naming the call', () => {
    expect(() => tok.decode([50257])).toThrow(/GPT2Tokenizer.decode: invalid `ids`: expected integers in \[0, 50257\), received "50257 at index 0"/);
    expect(() => tok.decode([1.5])).toThrow(/GPT2Tokenizer.decode: invalid `ids`/);
    expect(() => tok.encode(5 as unknown as string)).toThrow(/GPT2Tokenizer.encode: invalid `text`: expected a string, received 5/);
    expect(() => tok.streamDecoder().decode([-1])).toThrow(/GPT2Tokenizer.streamDecoder: invalid `ids`/);
  });

  it('streams a long list of ids in one call (no spread onto the call stack)', () => {
    const ids = new Array<number>(300_000).fill(tok.encode(' a')[0]!);
    const stream = tok.streamDecoder();
    expect(stream.decode(ids)).toBe(' a'.repeat(300_000));
    expect(stream.flush()).toBe('');
  });
});
