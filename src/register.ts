/**
 * Side-effect entry: importing it registers the library's custom layer
 * classes with tfjs-layers, for code that loads models with
 * `tf.loadLayersModel` directly. It exports nothing and is the only file of
 * the package with a side effect (the one `sideEffects` lists).
 *
 * ```ts
 * import 'tfjs-generative/register';
 * ```
 *
 * `loadModel` (`tfjs-generative/io`) needs no such import: it calls
 * `registerLayers()` itself.
 *
 * @module tfjs-generative/register
 */import { registerLayers } from './io/registerLayers.js';

registerLayers();
