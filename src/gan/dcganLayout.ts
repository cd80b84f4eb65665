/**
 * A named contract, read by io/importWeights.ts and io/exportWeights.ts:
 * pytorch/examples' DCGAN (`dcgan/main.py`, Radford et al. 2015) checkpoint
 * names for the networks buildDCGAN builds.
 *
 * netG is `main = Sequential(ConvTranspose2d, BatchNorm2d, ReLU, …, ConvTranspose2d, Tanh)`:
 * transposed convolution j at `main.{3j}`, its batch norm at `main.{3j+1}`.
 * netD is `main = Sequential(Conv2d, LeakyReLU, Conv2d, BatchNorm2d, LeakyReLU, …, Conv2d, Sigmoid)`:
 * convolution 0 at `main.0`, convolution i ≥ 1 at `main.{3i-1}` with its batch
 * norm at `main.{3i}`. Kernels: ConvTranspose2d `[in, out, kh, kw]` and Conv2d
 * `[out, in, kh, kw]` both become tfjs' `[kh, kw, ·, ·]` by the permutation
 * (2, 3, 1, 0). Batch norm: weight, bias, running_mean, running_var ↔ gamma,
 * beta, moving_mean, moving_variance; `num_batches_tracked` (which tfjs does not
 * keep) is ignored on import and written as 0 on export.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ValueError } from '../_internal/errors.js';
import { variablesOf, type WeightPair } from '../_internal/weightPairs.js';

const TO_TORCH = [3, 2, 0, 1];
const FROM_TORCH = [2, 3, 1, 0];

/** Which network of a buildDCGAN pair `model` is, by its layer names, or `null`. @hidden */
export function dcganRole(model: tfl.LayersModel): 'generator' | 'discriminator' | null {
  const names = new Set(model.layers.map((l) => l.name));
  if (names.has('g_project') && names.has('g_output')) return 'generator';
  if (names.has('d_conv0') && names.has('d_output')) return 'discriminator';
  return null;
}

/**
 * The pairs of a buildDCGAN generator or discriminator with pytorch/examples'
 * `main.{i}.*` names. Refuses what pytorch/examples' networks cannot hold
 * (conditional inputs, a class head, layer norm or no norm in the critic).
 * @hidden
 */
export function dcganPairs(fn: string, model: tfl.LayersModel): WeightPair[] {
  const role = dcganRole(model);
  if (role === null) throw new ValueError(`${fn}: invalid \`model\`: expected a generator or discriminator built by buildDCGAN.`);
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new ValueError(`${fn}: pytorch/examples' DCGAN has no label input or class head; this ${role} is conditional.`);
  }
  const names = model.layers.map((l) => l.name);
  const pairs: WeightPair[] = [];
  const kernel = (name: string, layer: string): void => {
    pairs.push({
      name,
      variable: variablesOf(model, layer).get('kernel')!,
      toModel: (t) => tf.transpose(t, FROM_TORCH),
      fromModel: (v) => tf.transpose(v, TO_TORCH),
    });
  };
  const norm = (index: number, layer: string): void => {
    const vars = variablesOf(model, layer);
    const same = (t: tf.Tensor): tf.Tensor => t;
    for (const [torch, tfjs] of [['weight', 'gamma'], ['bias', 'beta'], ['running_mean', 'moving_mean'], ['running_var', 'moving_variance']] as const) {
      pairs.push({ name: `main.${index}.${torch}`, variable: vars.get(tfjs)!, toModel: same, fromModel: same });
    }
  };
  if (role === 'generator') {
    const deconvs = names.filter((n) => /^g_deconv\d+$/.test(n)).length;
    const convs = ['g_project', ...Array.from({ length: deconvs }, (_, i) => `g_deconv${i + 1}`), 'g_output'];
    convs.forEach((layer, j) => {
      kernel(`main.${3 * j}.weight`, layer);
      if (layer !== 'g_output') norm(3 * j + 1, `g_bn${j}`);
    });
  } else {
    const convs = names.filter((n) => /^d_conv\d+$/.test(n)).length;
    if (names.some((n) => /^d_ln\d+$/.test(n)) || (convs > 1 && !names.includes('d_bn1'))) {
      throw new ValueError(`${fn}: pytorch/examples' discriminator uses batch norm; this one was built with another \`discriminatorNormalization\`.`);
    }
    kernel('main.0.weight', 'd_conv0');
    for (let i = 1; i < convs; i++) {
      kernel(`main.${3 * i - 1}.weight`, `d_conv${i}`);
      norm(3 * i, `d_bn${i}`);
    }
    kernel(`main.${3 * convs - 1}.weight`, 'd_output');
  }
  return pairs;
}

/** The `num_batches_tracked` names of the pairs' batch norms (written as 0 on export). @hidden */
export function dcganCounterNames(pairs: readonly WeightPair[]): string[] {
  return pairs.filter((p) => p.name.endsWith('.running_var')).map((p) => p.name.replace(/running_var$/, 'num_batches_tracked'));
}
