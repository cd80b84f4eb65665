import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { buildDCGAN, buildCycleGAN, buildStyleGenerator } from './src/gan/index.js';
import { buildVAE, buildConvVAE } from './src/vae/index.js';
const builders: [string, (c: any) => any, (m: any) => number, any[]][] = [
  ['dcgan', buildDCGAN, (m) => m.generator.countParams() + m.discriminator.countParams(), [
    { imageSize: 16, channels: 2, latentDim: 5, generatorFilters: 3, discriminatorFilters: 4 },
    { imageSize: 28, channels: 1, latentDim: 5, generatorFilters: 3, discriminatorFilters: 4, numClasses: 3, discriminatorNormalization: 'layer' },
    { imageSize: 8, channels: 1, latentDim: 5, generatorFilters: 3, discriminatorFilters: 4, numClasses: 3, auxiliaryClassifier: true, discriminatorNormalization: 'none' }]],
  ['cyclegan', buildCycleGAN, (m) => m.generatorAB.countParams() * 2 + m.discriminatorA.countParams() * 2, [
    { imageSize: 16, channels: 2, residualBlocks: 2, generatorFilters: 3, discriminatorFilters: 2 },
    { imageSize: 8, channels: 1, residualBlocks: 0, generatorFilters: 2, discriminatorFilters: 2, discriminatorLayers: 3 }]],
  ['style', buildStyleGenerator, (m) => m.generator.countParams(), [
    { imageSize: 16, channels: 2, latentDim: 5, styleDim: 6, mappingLayers: 2, filters: [4, 3, 2] },
    { imageSize: 14, channels: 1, latentDim: 5, mappingLayers: 1, filters: 3, noise: false }]],
  ['vae', buildVAE, (m) => m.vae.countParams(), [
    { inputShape: [3, 4], latentDim: 2, hiddenUnits: [5, 3] },
    { inputShape: [7], latentDim: 2, hiddenUnits: [], numClasses: 3 }]],
  ['convvae', buildConvVAE, (m) => m.vae.countParams(), [
    { imageSize: 8, channels: 2, latentDim: 2, filters: [3, 4] },
    { imageSize: 12, channels: 1, latentDim: 3, filters: [2], kernelSize: 2, numClasses: 2 }]],
];
for (const [name, build, count, cfgs] of builders) for (const cfg of cfgs) {
  const m = build(cfg); const n = count(m);
  let msg = '';
  try { build({ ...cfg, maxParameters: 1 }); } catch (e) { msg = (e as Error).message; }
  const claimed = Number(/\((\d+) parameters\)/.exec(msg)?.[1]);
  console.log(name, n, claimed, n === claimed ? 'OK' : 'MISMATCH ' + msg);
  m.dispose();
}
