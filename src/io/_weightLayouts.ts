/** The layouts importWeights and exportWeights know, and the one-tensor-per-variable ones' pairs. */
import { dcganCounterNames, dcganPairs } from '../gan/dcganLayout.js';
import { vaePairs } from '../vae/vaeLayout.js';
import type { WeightLayout } from './importWeights.js';

/** @hidden */
export const WEIGHT_LAYOUTS: readonly WeightLayout[] = ['gpt2', 'nanogpt', 'dcgan', 'vae'];

/**
 * The layouts that are one tensor per variable: their pairs, and the names a
 * checkpoint may carry that hold no weights here (read as nothing, written as 0).
 * @hidden
 */
export const PAIR_LAYOUTS = {
  dcgan: { pairs: dcganPairs, counters: dcganCounterNames },
  vae: { pairs: vaePairs, counters: (): string[] => [] },
} as const;

