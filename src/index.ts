/**
 * tfjs-generative: generative-model primitives for TensorFlow.js (GANs, VAEs,
 * attention and transformer language models, WaveNet audio) with their
 * losses, training loops, sampling and save/load.
 *
 * ```ts
 * import { buildDCGAN, sampleGAN, trainGAN } from 'tfjs-generative';
 * ```
 *
 * This entry re-exports every capability; each is also its own subpath, whose
 * page lists what it holds:
 *
 * | subpath | holds |
 * | --- | --- |
 * | `tfjs-generative/attention` | attention, transformer blocks, the GPT-style language model |
 * | `tfjs-generative/gan` | DCGAN, CycleGAN, StyleGAN-style generator, their layers, `sampleGAN` |
 * | `tfjs-generative/vae` | dense and convolutional VAEs, the IWAE bound, latent tools |
 * | `tfjs-generative/audio` | WaveNet, causal convolutions, fast generation, μ-law, WAV files |
 * | `tfjs-generative/layers` | generic layers: `LayerNorm`, `TokenEmbedding`, `LayerArgs` |
 * | `tfjs-generative/losses` | GAN, CycleGAN, language-model and VAE losses |
 * | `tfjs-generative/training` | `trainGAN`, `trainCycleGAN`, `trainVAE`, `trainLanguageModel`, `trainWaveNet` |
 * | `tfjs-generative/sampling` | `sampleLogits`, `generate`, `interpolateLatents` |
 * | `tfjs-generative/text` | character and byte tokenizers |
 * | `tfjs-generative/io` | `saveModel`, `loadModel`, `registerLayers`, safetensors files, `imageGrid`, `encodePNG` |
 * | `tfjs-generative/wasm` | `registerWasmKernels` (only here, not in this entry) |
 * | `tfjs-generative/register` | side effect only: registers the layer classes |
 *
 * The error classes (`ValueError`, `NotImplementedError`,
 * `NonFiniteLossError`) are exported from this entry and from every subpath.
 * Importing this entry has no side effects and picks no backend: custom layer
 * classes are registered by `registerLayers` (which `loadModel` calls) or by
 * importing `tfjs-generative/register`.
 *
 * @module tfjs-generative
 */export { NonFiniteLossError, NotImplementedError, ValueError } from './errors.js';
export * from './layers/index.js';
export * from './attention/index.js';
export * from './audio/index.js';
export * from './gan/index.js';
export * from './io/index.js';
export * from './losses/index.js';
export * from './sampling/index.js';
export * from './text/index.js';
export * from './training/index.js';
export * from './vae/index.js';
