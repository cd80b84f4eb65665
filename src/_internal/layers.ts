/**
 * The foundation of the library's layers: types of tfjs-layers that its public
 * entry does not export by name. The public `LayerArgs` lives in `layers/types.ts`.
 */
import type * as tfl from '@tensorflow/tfjs-layers';

export type { LayerArgs } from '../layers/types.js';

/** Keyword arguments of `Layer.call`. @hidden */
export type Kwargs = Parameters<tfl.layers.Layer['call']>[1];

/** A shape as tfjs-layers writes it (`null` for unknown sizes). @hidden */
export type Shape = tfl.Shape;
