/** Types of tfjs-layers that its public entry does not export by name. */
import type * as tfl from '@tensorflow/tfjs-layers';

/**
 * The base arguments of every tfjs-layers layer (`name`, `trainable`,
 * `inputShape`, `batchInputShape`, `dtype`, …): tfjs-layers' `LayerArgs`.
 *
 * @category Layers
 */
export type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;

/** Keyword arguments of `Layer.call`. @hidden */
export type Kwargs = Parameters<tfl.layers.Layer['call']>[1];

/** A shape as tfjs-layers writes it (`null` for unknown sizes). */
export type Shape = tfl.Shape;
