/**
 * Public types shared by every layer of the library: the base layer
 * arguments and the weight initializers layers accept.
 */
import type * as tfl from '@tensorflow/tfjs-layers';

/**
 * The base arguments of every tfjs-layers layer (`name`, `trainable`,
 * `inputShape`, `batchInputShape`, `dtype`, …): tfjs-layers' `LayerArgs`.
 *
 * @category Layers
 */
export type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;

/**
 * A tfjs-layers weight initializer, e.g. `tf.initializers.glorotUniform({})`.
 *
 * @category Layers
 */
export type Initializer = ReturnType<typeof tfl.initializers.glorotUniform>;

/**
 * Initializer names the library's layers accept (tfjs-layers' own names).
 *
 * @category Layers
 */
export type InitializerName =
  | 'glorotUniform'
  | 'glorotNormal'
  | 'heUniform'
  | 'heNormal'
  | 'leCunUniform'
  | 'leCunNormal'
  | 'zeros'
  | 'ones';
