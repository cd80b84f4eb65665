/**
 * WaveNet audio: the `CausalConv1D` and `WaveNetBlock` layers, `buildWaveNet`
 * and `receptiveField`, fast generation with `generateAudio`, μ-law and
 * uniform quantization, training windows (`audioWindows`) and WAV files
 * (`encodeWav`, `decodeWav`).
 *
 * ```ts
 * import { buildWaveNet, encodeWav, generateAudio } from 'tfjs-generative/audio';
 * ```
 *
 * Train with `trainWaveNet` (`tfjs-generative/training`). Guide: "Audio and
 * WaveNet". Everything here is also exported from `tfjs-generative`.
 *
 * @module tfjs-generative/audio
 */
export { audioWindows, type AudioWindowsOptions } from './audioWindows.js';
export { buildWaveNet, receptiveField, type WaveNetConfig, type WaveNetDilationCycles, type WaveNetDilations } from './buildWaveNet.js';
export { CausalConv1D, causalConv1d, type CausalConv1DArgs } from './CausalConv1D.js';
export { decodeWav, type DecodedWav } from './decodeWav.js';
export { encodeWav, type EncodeWavOptions } from './encodeWav.js';
export { AUDIO_CHUNK, generateAudio, MAX_AUDIO_SAMPLES, type GenerateAudioOptions, type GenerateAudioResult } from './generateAudio.js';
export { muLawDecode, muLawEncode, type MuLawOptions } from './muLawEncode.js';
export { dequantize, quantize, type QuantizeOptions } from './quantize.js';
export { WaveNetBlock, waveNetBlock, type WaveNetBlockArgs } from './WaveNetBlock.js';
export { NonFiniteLossError, NotImplementedError, ValueError } from '../errors.js';
export type { StopReason } from '../training/types.js';
export type { YieldMode } from '../_internal/yieldControl.js';
