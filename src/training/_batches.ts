/**
 * Turns the data forms every training loop accepts (a tensor of examples, an
 * array of batches or examples, a sync or async iterable of batches) into one
 * stream of batches per epoch.
 *
 * Legend: N examples, B batch.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describeValue, invalidField, ValueError } from '../_internal/errors.js';
import { shuffledIndices, type SeedSource } from '../_internal/random.js';
import { formatShape } from '../_internal/validate.js';

/** @hidden */
export interface Batch {
  readonly x: tf.Tensor;
  /** The labels of `x`'s examples `[B]`, when the source was given `labels`. */
  readonly labels?: tf.Tensor;
  /** Whether the loop must dispose `x` (and `labels`) after use. */
  readonly owned: boolean;
}

/** @hidden */
export interface BatchSource {
  /** The user's name of the data (`data`, `data.a`, `dataA`…), for error messages. */
  readonly field: string;
  /** A fresh pass over the data. */
  epoch(): AsyncIterable<Batch>;
  /** Frees tensors the source made itself (stacked examples). */
  dispose(): void;
}

/** @hidden */
export interface BatchSourceOptions {
  /** Batch size used to cut a tensor of examples. */
  batchSize: number;
  /** Rank of one example (without the batch dimension). */
  exampleRank: number;
  /** Shuffle a tensor of examples each epoch. */
  shuffle: boolean;
  rng: SeedSource;
  /**
   * Labels `[N]` paired with a tensor of examples `[N, …]`: each batch then
   * carries the labels of its examples (same order, same shuffle). Only with
   * a tensor `data`.
   */
  labels?: tf.Tensor;
}

/**
 * Validates `data` and returns a source of batches. Throws a ValueError naming
 * `fn` and `field` (the user's name of the data) for data of the wrong form or
 * rank, and, while iterating, for an iterable's item that is not a tensor.
 * @hidden
 */
export function batchSource(fn: string, field: string, data: unknown, options: BatchSourceOptions): BatchSource {
  const { exampleRank, labels } = options;
  if (labels !== undefined && !(data instanceof tf.Tensor)) {
    throw new ValueError(`${fn}: invalid \`${field}\`: with labels, expected a tensor of examples [N, …], received ${describeValue(data)}.`);
  }
  if (data instanceof tf.Tensor) {
    if (data.rank !== exampleRank + 1) {
      throw new ValueError(
        `${fn}: invalid \`${field}\`: expected a tensor of examples of rank ${exampleRank + 1} ([N, …]), received shape ${formatShape(data.shape)}.`,
      );
    }
    if (labels !== undefined && (labels.rank !== 1 || labels.shape[0] !== data.shape[0])) {
      throw new ValueError(
        `${fn}: invalid \`labels\` shape: expected [${data.shape[0]}] (one label per example of \`${field}\` ${formatShape(data.shape)}), received ${formatShape(labels.shape)}.`,
      );
    }
    return tensorSource(fn, field, data, options, () => {});
  }
  if (Array.isArray(data)) {
    if (data.length === 0) throw new ValueError(`${fn}: invalid \`${field}\`: the array is empty.`);
    const first = data[0] as unknown;
    if (!(first instanceof tf.Tensor)) {
      throw new ValueError(`${fn}: invalid \`${field}\`: expected an array of tf.Tensors, received an array of ${describeValue(first)}.`);
    }
    const rank = first.rank;
    for (const [i, t] of data.entries()) {
      if (!(t instanceof tf.Tensor) || t.rank !== rank) {
        throw new ValueError(
          `${fn}: invalid \`${field}[${i}]\`: every tensor in the array must have rank ${rank} like ${field}[0], received ${t instanceof tf.Tensor ? `shape ${formatShape(t.shape)}` : describeValue(t)}.`,
        );
      }
    }
    if (rank === exampleRank) {
      // Single examples: stack them once and treat them as a tensor of examples.
      const stacked = tf.stack(data as tf.Tensor[]); // [N, …]
      return tensorSource(fn, field, stacked, options, () => stacked.dispose());
    }
    if (rank !== exampleRank + 1) {
      throw new ValueError(
        `${fn}: invalid \`${field}\`: expected an array of batches of rank ${exampleRank + 1} or of examples of rank ${exampleRank}, received tensors of shape ${formatShape(first.shape)}.`,
      );
    }
    const batches = data as readonly tf.Tensor[];
    return { field, epoch: () => fromSync(fn, field, batches, false), dispose: () => {} };
  }
  if (isAsyncIterable(data)) {
    return { field, epoch: () => fromAsync(fn, field, data), dispose: () => {} };
  }
  if (isIterable(data)) {
    return { field, epoch: () => fromSync(fn, field, data, true), dispose: () => {} };
  }
  throw new ValueError(
    `${fn}: invalid \`${field}\`: expected a tf.Tensor, an array of tf.Tensors or an (async) iterable of batches, received ${describeValue(data)}.`,
  );
}

function tensorSource(
  fn: string,
  field: string,
  examples: tf.Tensor,
  { batchSize, shuffle, rng, labels }: BatchSourceOptions,
  disposeSource: () => void,
): BatchSource {
  const n = examples.shape[0]!;
  if (n < batchSize) {
    disposeSource();
    throw new ValueError(
      `${fn}: invalid \`batchSize\`: expected at most the number of examples (${n}), received ${batchSize}.`,
    );
  }
  // The last incomplete batch is dropped: a tiny batch would distort batch norm.
  const batchesPerEpoch = Math.floor(n / batchSize);
  return {
    field,
    async *epoch() {
      const order = shuffle ? shuffledIndices(n, rng) : null;
      for (let b = 0; b < batchesPerEpoch; b++) {
        const start = b * batchSize;
        const take = (t: tf.Tensor): tf.Tensor =>
          order === null
            ? tf.slice(t, start, batchSize) // [B, …]
            : tf.tidy(() => tf.gather(t, tf.tensor1d(order.subarray(start, start + batchSize), 'int32'))); // [B, …]
        yield labels === undefined ? { x: take(examples), owned: true } : { x: take(examples), labels: take(labels), owned: true };
      }
    },
    dispose: disposeSource,
  };
}

async function* fromSync(fn: string, field: string, items: Iterable<unknown>, owned: boolean): AsyncGenerator<Batch> {
  for (const x of items) yield { x: checkBatchTensor(fn, field, x), owned };
}

async function* fromAsync(fn: string, field: string, items: AsyncIterable<unknown>): AsyncGenerator<Batch> {
  for await (const x of items) yield { x: checkBatchTensor(fn, field, x), owned: true };
}

function checkBatchTensor(fn: string, field: string, x: unknown): tf.Tensor {
  if (!(x instanceof tf.Tensor)) throw invalidField(fn, field, 'each batch to be a tf.Tensor', x);
  return x;
}

/** Disposes a batch the loop owns (its examples and labels). @hidden */
export function releaseBatch(batch: Batch): void {
  if (batch.owned) tf.dispose([batch.x, ...(batch.labels === undefined ? [] : [batch.labels])]);
}

/** One batch of each of two sources. @hidden */
export interface BatchPair {
  readonly a: Batch;
  readonly b: Batch;
}

/** Two sources drawn together; close it once, after the last epoch. @hidden */
export interface PairedSources {
  /** The first source's field: an epoch is a pass over it. */
  readonly field: string;
  epoch(): AsyncIterable<BatchPair>;
  /** Ends the second source's pending pass and disposes both sources. */
  close(): Promise<void>;
}

/**
 * Pairs each batch of `first` with the next batch of `second`, which is drawn
 * in its own order and restarted when it runs out (unpaired domains, as in
 * CycleGAN). An epoch is a pass over `first`; it ends early when `second`, a
 * one-shot iterable, runs dry. Throws when `second` yields no batch at all.
 * @hidden
 */
export function pairedSources(fn: string, first: BatchSource, second: BatchSource): PairedSources {
  let iterator: AsyncIterator<Batch> | null = null;
  let drawn = 0;
  const next = async (): Promise<Batch | null> => {
    for (let attempt = 0; attempt < 2; attempt++) {
      iterator ??= second.epoch()[Symbol.asyncIterator]();
      const r = await iterator.next();
      if (r.done !== true) {
        drawn++;
        return r.value;
      }
      iterator = null;
    }
    if (drawn === 0) throw new ValueError(`${fn}: invalid \`${second.field}\`: it yielded no batches.`);
    return null; // a one-shot iterable ran dry
  };
  return {
    field: first.field,
    async *epoch(): AsyncGenerator<BatchPair> {
      for await (const a of first.epoch()) {
        let b: Batch | null;
        try {
          b = await next();
        } catch (error) {
          releaseBatch(a);
          throw error;
        }
        if (b === null) {
          releaseBatch(a);
          return;
        }
        yield { a, b };
      }
    },
    async close() {
      try {
        await (iterator as AsyncIterator<Batch> | null)?.return?.();
      } finally {
        first.dispose();
        second.dispose();
      }
    },
  };
}

function isAsyncIterable(x: unknown): x is AsyncIterable<unknown> {
  return x !== null && typeof x === 'object' && Symbol.asyncIterator in x;
}

function isIterable(x: unknown): x is Iterable<unknown> {
  return x !== null && typeof x === 'object' && Symbol.iterator in x;
}
