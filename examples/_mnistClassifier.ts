/**
 * A small MNIST classifier, used by the examples to measure whether generated
 * images are digits. It is trained once on the train split and cached under
 * `out/mnist-classifier-<kind>/`; later runs load it.
 *
 * Legend: N examples, 28×28×1 images in [-1, 1].
 */
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { loadModel, saveModel } from 'tfjs-generative';
import type { Mnist } from './_mnist.js';

/** `'cnn'` needs convolution gradients (cpu, or wasm with the kit); `'mlp'` trains anywhere. */
export type ClassifierKind = 'cnn' | 'mlp';

export interface ClassifierReport {
  model: tfl.LayersModel;
  /** Held-out accuracy on the test split, in [0, 1]. */
  testAccuracy: number;
  /** Whether it was loaded from the cache. */
  cached: boolean;
}

function build(kind: ClassifierKind): tfl.LayersModel {
  const seed = (s: number) => tfl.initializers.heNormal({ seed: s });
  const layers: tfl.layers.Layer[] =
    kind === 'cnn'
      ? [
          tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 5, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: seed(1) }), // [N, 14, 14, 32]
          tfl.layers.conv2d({ filters: 64, kernelSize: 5, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: seed(2) }), // [N, 7, 7, 64]
          tfl.layers.flatten(), // [N, 3136]
          tfl.layers.dropout({ rate: 0.3, seed: 3 }),
          tfl.layers.dense({ units: 128, activation: 'relu', kernelInitializer: seed(4) }),
          tfl.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: seed(5) }),
        ]
      : [
          tfl.layers.flatten({ inputShape: [28, 28, 1] }), // [N, 784]
          tfl.layers.dense({ units: 512, activation: 'relu', kernelInitializer: seed(1) }),
          tfl.layers.dropout({ rate: 0.3, seed: 2 }),
          tfl.layers.dense({ units: 256, activation: 'relu', kernelInitializer: seed(3) }),
          tfl.layers.dropout({ rate: 0.3, seed: 4 }),
          tfl.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: seed(5) }),
        ];
  const model = tfl.sequential({ layers });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** Accuracy of `model` on a split, in [0, 1]. */
export async function accuracy(model: tfl.LayersModel, images: tf.Tensor, labels: tf.Tensor): Promise<number> {
  const correct = tf.tidy(() => {
    const predicted = tf.argMax(model.predict(images, { batchSize: 256 }) as tf.Tensor, -1);
    return tf.sum(tf.cast(tf.equal(predicted, tf.cast(labels, 'int32')), 'float32'));
  });
  const n = (await correct.data())[0]!;
  correct.dispose();
  return n / images.shape[0]!;
}

/** Loads the cached classifier, or trains and caches it. */
export async function mnistClassifier(
  mnist: Mnist,
  { kind, outDir, epochs = 10, log = console.log }: { kind: ClassifierKind; outDir: string; epochs?: number; log?: (line: string) => void },
): Promise<ClassifierReport> {
  const dir = `${outDir}/mnist-classifier-${kind}`;
  let model: tfl.LayersModel;
  let cached = false;
  if (existsSync(`${dir}/model.json`)) {
    model = await loadModel(dir);
    cached = true;
  } else {
    model = build(kind);
    log(`training the ${kind} MNIST classifier (${epochs} epochs on ${mnist.train.images.shape[0]} digits)…`);
    const t0 = performance.now();
    // tfjs-layers' sparse categorical cross-entropy wants float labels.
    const labels = tf.cast(mnist.train.labels, 'float32');
    // Each epoch sees the digits shifted by up to 2 pixels (one random shift per
    // chunk of 250): 8,499 digits alone overfit (99% train, 96% held out).
    let seed = 1;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let epoch = 0; epoch < epochs; epoch++) {
      const shifted = tf.tidy(() => {
        const padded = tf.pad(mnist.train.images, [[0, 0], [2, 2], [2, 2], [0, 0]], -1); // [N, 32, 32, 1]
        const n = mnist.train.images.shape[0]!;
        const chunks: tf.Tensor[] = [];
        for (let start = 0; start < n; start += 250) {
          const size = Math.min(250, n - start);
          chunks.push(tf.slice(padded, [start, Math.floor(rand() * 5), Math.floor(rand() * 5), 0], [size, 28, 28, 1]));
        }
        return tf.concat(chunks); // [N, 28, 28, 1]
      });
      const history = await model.fit(shifted, labels, { epochs: 1, batchSize: 64, shuffle: true, verbose: 0 });
      shifted.dispose();
      const loss = history.history.loss?.[0] as number;
      const acc = history.history.acc?.[0] as number;
      log(`  classifier epoch ${epoch + 1}/${epochs}: loss ${loss.toFixed(4)}, accuracy ${acc.toFixed(4)}`);
    }
    labels.dispose();
    log(`  trained in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await saveModel(model, dir);
  }
  const testAccuracy = await accuracy(model, mnist.test.images, mnist.test.labels);
  return { model, testAccuracy, cached };
}

/**
 * Classifies generated images: the share classified with confidence above
 * `threshold`, and how many images each class received among those.
 */
export async function digitReport(
  classifier: tfl.LayersModel,
  images: tf.Tensor,
  threshold = 0.9,
): Promise<{ confidentShare: number; classCounts: number[]; classesPresent: number }> {
  const probs = tf.tidy(() => classifier.predict(images, { batchSize: 256 }) as tf.Tensor2D);
  const values = await probs.data();
  probs.dispose();
  const n = images.shape[0]!;
  const classCounts = new Array<number>(10).fill(0);
  let confident = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < 10; c++) if (values[i * 10 + c]! > values[i * 10 + best]!) best = c;
    if (values[i * 10 + best]! > threshold) {
      confident++;
      classCounts[best]!++;
    }
  }
  return { confidentShare: confident / n, classCounts, classesPresent: classCounts.filter((c) => c > 0).length };
}
