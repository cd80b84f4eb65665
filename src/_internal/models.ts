/**
 * Freeing models that share layers: a builder's result (an encoder, a decoder
 * and the model that chains them; a style generator and its two halves)
 * holds the same weights in several models.
 */
import type * as tfl from '@tensorflow/tfjs-layers';

/**
 * Frees the weights of `models` (and of the models nested in them), each
 * distinct weight exactly once, however the models share layers.
 *
 * tfjs-layers' own `LayersModel.dispose()` counts references per layer and
 * per container: with nested and shared models the order of the calls decides
 * what is freed, and a second call on a freed model throws. Freeing the
 * distinct weights needs neither the order nor tfjs-layers' private counters.
 * After it the models cannot run; do not call their own `dispose()` too. An
 * optimizer that `model.compile` made from a name is not freed: the library's
 * builders never compile.
 *
 * @param models - The models to free; a model may also appear nested in another.
 * @returns The number of weights freed.
 * @hidden
 */
export function disposeModels(...models: tfl.LayersModel[]): number {
  const distinct = new Set<tfl.LayerVariable>();
  for (const model of models) for (const weight of model.weights) distinct.add(weight);
  for (const weight of distinct) weight.dispose();
  return distinct.size;
}

/**
 * A `dispose()` for a builder's result: frees `models` with
 * {@link disposeModels} on the first call and does nothing on later ones.
 * @hidden
 */
export function disposerOf(...models: tfl.LayersModel[]): () => void {
  let disposed = false;
  return () => {
    if (disposed) return;
    disposed = true;
    disposeModels(...models);
  };
}

/**
 * Adds a `dispose()` that frees `models` (see {@link disposerOf}) to a
 * builder's result, as a non-enumerable property: spreading the result into
 * a trainer's options (`trainCycleGAN({ ...cycleGAN, dataA, dataB })`), which
 * rejects unknown fields, keeps working.
 * @hidden
 */
export function withDispose<T extends object>(result: T, ...models: tfl.LayersModel[]): T & { dispose(): void } {
  return Object.defineProperty(result, 'dispose', { value: disposerOf(...models), enumerable: false, writable: false, configurable: false }) as T & {
    dispose(): void;
  };
}

/**
 * Makes `model.dispose()` free the layers that the model applies more than
 * once (a language model's token table, used for the input and, tied, for the
 * output). tfjs-layers counts each application as a reference, and the
 * model's `dispose()` releases one, so such a layer's weights would outlive
 * the model. Only for models whose layers no other model shares (a builder's
 * fresh model, a model just loaded).
 *
 * @returns `model`, whose `dispose()` now releases every application.
 * @hidden
 */
export function disposeRepeatedLayersWithModel(model: tfl.LayersModel): tfl.LayersModel {
  const repeated = model.layers.filter((layer) => layer.inboundNodes.length > 1);
  if (repeated.length === 0) return model;
  const dispose = model.dispose.bind(model);
  model.dispose = () => {
    const result = dispose();
    if (result.refCountAfterDispose === 0) {
      for (const layer of repeated) {
        for (let extra = layer.inboundNodes.length - 1; extra > 0; extra--) {
          result.numDisposedVariables += layer.dispose().numDisposedVariables;
        }
      }
    }
    return result;
  };
  return model;
}
