import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BACKENDS, expectNoLeaks, useBackend } from '../../test/backends.js';
import { buildStyleGenerator } from './buildStyleGenerator.js';
import { meanStyle, styleMix } from './styleMix.js';

const values = (t: tf.Tensor) => Array.from(t.dataSync());
const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

describe.each(BACKENDS)('styleMix on %s', (backend) => {
  useBackend(backend);

  it('takes styles < crossover from A and the rest from B', () => {
    const sg = buildStyleGenerator({ imageSize: 28, channels: 1, latentDim: 8, mappingLayers: 2, filters: 8, seed: 3 });
    // Move the fresh weights (zero noise strengths, unit style biases) so every style matters.
    for (const w of sg.generator.trainableWeights) w.write(tf.tidy(() => tf.add(w.read(), tf.randomNormal(w.shape as number[], 0, 0.3, 'float32', 4))));
    const a = tf.randomNormal([3, 8], 0, 1, 'float32', 1);
    const b = tf.randomNormal([3, 8], 0, 1, 'float32', 2);
    const imagesA = sg.generator.predict(a) as tf.Tensor;
    const imagesB = sg.generator.predict(b) as tf.Tensor;
    expect(values(styleMix(sg, a, b, { crossover: sg.numStyles }))).toEqual(values(imagesA));
    expect(values(styleMix(sg, a, b, { crossover: 0 }))).toEqual(values(imagesB));
    // Mixed at 2: neither A nor B; equal to the synthesis of [wA, wA, wB, wB, wB, wB].
    const mixed = styleMix(sg, a, b, { crossover: 2 });
    expect(maxDiff(mixed, imagesA)).toBeGreaterThan(1e-3);
    expect(maxDiff(mixed, imagesB)).toBeGreaterThan(1e-3);
    const expected = tf.tidy(() => {
      const wA = tf.expandDims(sg.mapping.predict(a) as tf.Tensor, 1);
      const wB = tf.expandDims(sg.mapping.predict(b) as tf.Tensor, 1);
      return sg.synthesis.predict(tf.concat([wA, wA, wB, wB, wB, wB], 1)) as tf.Tensor;
    });
    expect(maxDiff(mixed, expected)).toBeLessThan(1e-6);
    expectNoLeaks(() => styleMix(sg, a, b, { crossover: 3 }));
    tf.dispose([a, b, imagesA, imagesB, mixed, expected]);
    sg.dispose();
  });

  it('truncates towards the mean style: ψ = 0 gives one image for every latent, ψ = 1 the plain one', () => {
    const sg = buildStyleGenerator({ imageSize: 8, channels: 1, latentDim: 8, mappingLayers: 2, filters: 4, seed: 5 });
    const a = tf.randomNormal([2, 8], 0, 1, 'float32', 1);
    const b = tf.randomNormal([2, 8], 0, 1, 'float32', 2);
    const wBar = meanStyle(sg, { samples: 64, seed: 1 });
    expect(wBar.shape).toEqual([1, 8]);
    const collapsed = styleMix(sg, a, b, { crossover: 1, truncation: 0, meanStyle: wBar });
    const [first, second] = tf.split(collapsed, 2, 0);
    expect(maxDiff(first!, second!)).toBeLessThan(1e-6);
    expect(values(styleMix(sg, a, b, { crossover: 1, truncation: 1 }))).toEqual(values(styleMix(sg, a, b, { crossover: 1 })));
    expectNoLeaks(() => styleMix(sg, a, b, { crossover: 1, truncation: 0.5 })); // computes and frees its own mean
    tf.dispose([a, b, wBar, collapsed]);
    sg.dispose();
  });
});

describe('styleMix', () => {
  it('rejects mismatched latents and bad options, naming them', () => {
    const sg = buildStyleGenerator({ imageSize: 8, channels: 1, latentDim: 4, mappingLayers: 1, filters: 2, seed: 1 });
    const a = tf.zeros([2, 4]);
    expect(() => styleMix(sg, a, tf.zeros([3, 4]), { crossover: 1 })).toThrow(/styleMix: `latentsA` \[2,4\] and `latentsB` \[3,4\] must hold the same number of latents/);
    expect(() => styleMix(sg, a, tf.zeros([2, 5]), { crossover: 1 })).toThrow(/styleMix: invalid `latentsB` shape: expected \[null, 4\], received \[2, 5\]/);
    expect(() => styleMix(sg, a, a, { crossover: 5 })).toThrow(/styleMix: invalid `crossover`: expected an integer in \[0, 4\], received 5/);
    expect(() => styleMix(sg, a, a, { crossover: 1, truncation: Number.NaN })).toThrow(/invalid `truncation`: expected a finite number/);
    expect(() => styleMix(sg, a, a, { crossover: 1, meanStyle: tf.zeros([4]) })).toThrow(/invalid `meanStyle` shape: expected \[1, 4\], received \[4\]/);
    expect(() => styleMix(sg, a, a, { crossover: 1, psi: 0.5 } as never)).toThrow(/unknown options field `psi`/);
    expect(() => styleMix({} as never, a, a, { crossover: 1 })).toThrow(/styleMix: invalid `styleGenerator`/);
    sg.dispose();
  });
});
