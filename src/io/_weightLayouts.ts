/** The layouts importWeights and exportWeights know, and the one-tensor-per-variable ones' pairs. */
import { dcganCounterNames, dcganPairs } from '../gan/dcganLayout.js';
import { vaePairs } from '../vae/vaeLayout.js';
import { waveNetPairs } from '../audio/waveNetLayout.js';
import type { WeightLayout } from './importWeights.js';

/** @hidden */
export const WEIGHT_LAYOUTS: readonly WeightLayout[] = ['gpt2', 'nanogpt', 'dcgan', 'vae', 'wavenet'];

/**
 * The layouts that are one tensor per variable: their pairs, and the names a
 * checkpoint may carry that hold no weights here (read as nothing, written as 0).
 * @hidden
 */
export const PAIR_LAYOUTS = {
  dcgan: { pairs: dcganPairs, counters: dcganCounterNames },
  vae: { pairs: vaePairs, counters: (): string[] => [] },
  wavenet: { pairs: waveNetPairs, counters: (): string[] => [] },
} as const;

/** Whether a layout is one tensor per variable (every layout but GPT-2's and nanoGPT's fused ones). @hidden */
export function isPairLayout(layout: WeightLayout): layout is keyof typeof PAIR_LAYOUTS {
  return Object.hasOwn(PAIR_LAYOUTS, layout);
}
