/** Default initializers of the attention layers. */
import * as tfl from '@tensorflow/tfjs-layers';
import type { Initializer } from '../_internal/initializers.js';

/** N(0, 0.02), GPT-2's initializer for embeddings and kernels. @hidden */
export function normal002(seed: number | undefined): Initializer {
  return tfl.initializers.randomNormal(seed === undefined ? { mean: 0, stddev: 0.02 } : { mean: 0, stddev: 0.02, seed });
}
