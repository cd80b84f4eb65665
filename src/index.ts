/**
 * tfjs-generative: the generative-model primitives TensorFlow.js lacks.
 *
 * Every capability is also its own subpath (`tfjs-generative/gan`,
 * `tfjs-generative/losses`, …); this entry re-exports them all. Importing
 * it has no side effects: custom layer classes are registered by
 * {@link registerLayers} (called by {@link loadModel}) or by importing
 * `tfjs-generative/register`.
 *
 * @packageDocumentation
 */
export { NonFiniteLossError, NotImplementedError, ValueError } from './errors.js';
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
