// Registration of the library's custom layer classes for (de)serialization.
// Nothing registers at module load (that would defeat tree shaking); call
// registerLayers(), or import 'tfjs-generative/register' once.
import * as tf from '@tensorflow/tfjs-core';
import { LayerNorm } from '../layers/LayerNorm.js';
import { MultiHeadAttention } from '../attention/MultiHeadAttention.js';
import { PositionEmbedding } from '../attention/PositionEmbedding.js';
import { TokenEmbedding } from '../layers/TokenEmbedding.js';
import { TransformerBlock } from '../attention/TransformerBlock.js';
import { CausalConv1D } from '../audio/CausalConv1D.js';
import { WaveNetBlock } from '../audio/WaveNetBlock.js';
import { ConstantInput } from '../gan/ConstantInput.js';
import { InstanceNormalization } from '../gan/InstanceNormalization.js';
import { ModulatedConv2D } from '../gan/ModulatedConv2D.js';
import { NoiseInjection } from '../gan/NoiseInjection.js';
import { PixelNormalization } from '../gan/PixelNormalization.js';
import { SpectralNormalization } from '../gan/SpectralNormalization.js';
import { GaussianSample } from '../vae/GaussianSample.js';

/**
 * A class that tfjs-layers can (de)serialize: it has a static `className`.
 *
 * @category IO
 */
export type SerializableLayerClass = Parameters<typeof tf.serialization.registerClass>[0];

/**
 * The library's own layer classes. Each capability that adds a custom layer
 * lists it here, so that loading a saved model finds it; the layer leak test
 * (`test/layerLeaks.test.ts`) asserts that each has a case.
 * @hidden
 */
export const LIBRARY_LAYERS: readonly SerializableLayerClass[] = [
  LayerNorm,
  MultiHeadAttention,
  PositionEmbedding,
  TokenEmbedding,
  TransformerBlock,
  CausalConv1D,
  WaveNetBlock,
  SpectralNormalization,
  InstanceNormalization,
  ModulatedConv2D,
  NoiseInjection,
  PixelNormalization,
  ConstantInput,
  GaussianSample,
];

const registered = new Set<SerializableLayerClass>();

/**
 * Registers the library's custom layer classes (and any `extra` classes of
 * yours) with tfjs-layers, so that `tf.loadLayersModel` can rebuild models
 * that use them. TensorFlow.js 4.22's `loadLayersModel` ignores
 * `customObjects` (tfjs#8179), so registration is the way.
 *
 * Idempotent. {@link loadModel} calls it for you; importing
 * `tfjs-generative/register` calls it once as a side effect.
 *
 * @param extra - More layer classes to register, each with a static `className`.
 *
 * @example
 * ```ts
 * import { registerLayers } from 'tfjs-generative';
 * registerLayers();
 * console.log('custom layers registered');
 * ```
 *
 * @category IO
 */
export function registerLayers(extra: readonly SerializableLayerClass[] = []): void {
  for (const cls of [...LIBRARY_LAYERS, ...extra]) {
    if (registered.has(cls)) continue;
    tf.serialization.registerClass(cls);
    registered.add(cls);
  }
}
