/**
 * The foundation of the library's layers: the base layer arguments every
 * layer passes to tfjs-layers, the split of a layer's own arguments from them,
 * and types of tfjs-layers that its public entry does not export by name. The
 * public `LayerArgs` lives in `layers/types.ts`.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { checkConfigObject, checkKnownKeys } from './config.js';
import type { LayerArgs } from '../layers/types.js';

export type { LayerArgs } from '../layers/types.js';

/** Keyword arguments of `Layer.call`. @hidden */
export type Kwargs = Parameters<tfl.layers.Layer['call']>[1];

/** A shape as tfjs-layers writes it (`null` for unknown sizes). @hidden */
export type Shape = tfl.Shape;

/**
 * The keys of tfjs-layers' base `LayerArgs`, which every layer of the library
 * accepts and hands to `tfl.layers.Layer`. `inputDType` is tfjs-layers'
 * legacy alias of `dtype`: its `LayerArgs` type still accepts it, so the
 * layers accept it too rather than reject what the type allows.
 * @hidden
 */
export const LAYER_ARG_KEYS = [
  'name',
  'trainable',
  'inputShape',
  'batchInputShape',
  'batchSize',
  'dtype',
  'weights',
  'inputDType',
] as const satisfies readonly (keyof LayerArgs)[];

/** The key tfjs-layers' deserializer adds to every layer config it rebuilds. */
const DESERIALIZER_KEY = 'customObjects';

/**
 * A layer's arguments split into its own (`own`, still to be validated by the
 * layer) and the base arguments for `super` (`base`).
 * @hidden
 */
export interface SplitLayerArgs<A, K extends keyof A> {
  own: Pick<A, K>;
  base: LayerArgs;
}

/**
 * Checks that a layer's `args` is an object whose keys are the layer's own
 * (`ownKeys`) or the base layer keys ({@link LAYER_ARG_KEYS}), naming an
 * unknown key and the allowed ones, and splits it into the layer's own
 * arguments and the base arguments to pass to `super`.
 *
 * `customObjects` is dropped without a check: tfjs-layers' deserializer adds
 * it to every config it hands to `fromConfig` (and so to the constructor)
 * when it loads a saved model.
 *
 * @param fn - The layer's name, for messages.
 * @param args - The constructor's argument.
 * @param ownKeys - The keys the layer adds to `LayerArgs`.
 * @returns `{ own, base }`.
 * @hidden
 */
export function splitLayerArgs<A extends object, K extends keyof A & string>(
  fn: string,
  args: A,
  ownKeys: readonly K[],
): SplitLayerArgs<A, K> {
  checkConfigObject(fn, args, 'args');
  const { [DESERIALIZER_KEY]: _dropped, ...given } = args as Record<string, unknown>;
  checkKnownKeys(fn, given, [...ownKeys, ...LAYER_ARG_KEYS], 'args');
  const own: Partial<Pick<A, K>> = {};
  const base: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(given)) {
    if ((ownKeys as readonly string[]).includes(key)) own[key as K] = value as A[K];
    else base[key] = value;
  }
  return { own: own as Pick<A, K>, base: base as LayerArgs };
}
