/**
 * Side-effect entry: importing `tfjs-generative/register` registers the
 * library's custom layer classes with tfjs-layers, for code that loads models
 * with `tf.loadLayersModel` directly. The only file of the package with a side
 * effect.
 *
 * @module register
 */
import { registerLayers } from './io/registerLayers.js';

registerLayers();
