import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { loadModel } from './loadModel.js';
import { registerLayers } from './registerLayers.js';
import { saveModel } from './saveModel.js';

/** A user's custom layer: multiplies by a constant from its config. */
class TimesK extends tfl.layers.Layer {
  static readonly className = 'TestTimesK';
  readonly k: number;
  constructor(args: { k: number; name?: string }) {
    super(args.name === undefined ? {} : { name: args.name });
    this.k = args.k;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.mul(Array.isArray(inputs) ? inputs[0]! : inputs, this.k);
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), k: this.k };
  }
}

describe('registerLayers', () => {
  it('makes a custom layer loadable, and is idempotent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'register-'));
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [3] }), new TimesK({ k: 3 })] });
    await saveModel(model, dir);
    await expect(loadModel(dir)).rejects.toThrow(/Unknown layer: TestTimesK/);
    registerLayers([TimesK]);
    registerLayers([TimesK]);
    const loaded = await loadModel(dir);
    expect(loaded.layers[1]!.getClassName()).toBe('TestTimesK');
    const x = tf.ones([1, 3]);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b]);
    model.dispose();
    loaded.dispose();
    rmSync(dir, { recursive: true });
  });
});
