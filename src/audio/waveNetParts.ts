/**
 * The parts of a buildWaveNet model, found by layer name, read into plain
 * arrays for sample-by-sample generation.
 *
 * Legend: Q classes, R residual channels, S skip channels, K taps, G conditioning size.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { TokenEmbedding } from '../layers/TokenEmbedding.js';
import { WAVENET_LAYER_NAMES } from './buildWaveNet.js';
import { WaveNetBlock } from './WaveNetBlock.js';

/** @hidden */
export interface WaveNetParts {
  embedding: TokenEmbedding;
  blocks: WaveNetBlock[];
  /** The head's hidden 1×1 layer (`S` → `S`). */
  headHidden: tfl.layers.Layer;
  /** The head's output 1×1 layer (`S` → `Q` logits). */
  headLogits: tfl.layers.Layer;
  conditioningDim: number | null;
  quantizationLevels: number;
  receptiveField: number;
}

/** The parts, or `null` when `model` was not built by buildWaveNet. @hidden */
export function waveNetParts(model: tfl.LayersModel): WaveNetParts | null {
  const byName = new Map(model.layers.map((l) => [l.name, l]));
  const embedding = byName.get(WAVENET_LAYER_NAMES.embedding);
  const headHidden = byName.get(WAVENET_LAYER_NAMES.headHidden);
  const headLogits = byName.get(WAVENET_LAYER_NAMES.headLogits);
  if (!(embedding instanceof TokenEmbedding) || headHidden === undefined || headLogits === undefined) return null;
  const blocks: WaveNetBlock[] = [];
  for (let i = 0; ; i++) {
    const block = byName.get(WAVENET_LAYER_NAMES.block(i));
    if (block === undefined) break;
    if (!(block instanceof WaveNetBlock)) return null;
    blocks.push(block);
  }
  if (blocks.length === 0) return null;
  const receptiveField = blocks.reduce((a, b) => a + (b.kernelSize - 1) * b.dilationRate, 0) + 1;
  return { embedding, blocks, headHidden, headLogits, conditioningDim: blocks[0]!.conditioningDim, quantizationLevels: embedding.vocabSize, receptiveField };
}

/** One block's weights as arrays. @hidden */
export interface BlockArrays {
  kernelSize: number;
  dilation: number;
  dilatedKernel: Float32Array; // [K, R, 2R]
  dilatedBias: Float32Array; // [2R] (conditioning projection added)
  residualKernel: Float32Array; // [R, R]
  residualBias: Float32Array; // [R]
  skipKernel: Float32Array; // [R, S]
  skipBias: Float32Array; // [S]
}

/** @hidden */
export interface WaveNetArrays {
  q: number;
  r: number;
  s: number;
  embedding: Float32Array; // [Q, R]
  blocks: BlockArrays[];
  head1Kernel: Float32Array; // [S, S]
  head1Bias: Float32Array; // [S]
  head2Kernel: Float32Array; // [S, Q]
  head2Bias: Float32Array; // [Q]
}

/** Reads every weight (awaiting the backend, so WebGPU works); folds the conditioning into the biases. @hidden */
export async function waveNetArrays(parts: WaveNetParts, conditioning: Float32Array | null): Promise<WaveNetArrays> {
  const read = async (t: { data(): Promise<unknown> }) => Float32Array.from((await t.data()) as Float32Array);
  const [embedding] = await Promise.all(parts.embedding.getWeights().map(read));
  const q = parts.quantizationLevels;
  const r = embedding!.length / q;
  const blocks: BlockArrays[] = [];
  for (const block of parts.blocks) {
    const ws = await Promise.all(block.getWeights().map(read));
    const hasConditioning = block.conditioningDim !== null;
    const [dilatedKernel, dilatedBias] = [ws[0]!, ws[1]!];
    const rest = ws.slice(hasConditioning ? 3 : 2);
    if (hasConditioning && conditioning !== null) {
      const ck = ws[2]!; // [G, 2R]
      const g = conditioning.length;
      for (let o = 0; o < 2 * r; o++) {
        let acc = 0;
        for (let i = 0; i < g; i++) acc += conditioning[i]! * ck[i * 2 * r + o]!;
        dilatedBias[o]! += acc;
      }
    }
    blocks.push({
      kernelSize: block.kernelSize,
      dilation: block.dilationRate,
      dilatedKernel,
      dilatedBias,
      residualKernel: rest[0]!,
      residualBias: rest[1]!,
      skipKernel: rest[2]!,
      skipBias: rest[3]!,
    });
  }
  const [head1Kernel, head1Bias] = await Promise.all(parts.headHidden.getWeights().map(read));
  const [head2Kernel, head2Bias] = await Promise.all(parts.headLogits.getWeights().map(read));
  const s = head1Bias!.length;
  return { q, r, s, embedding: embedding!, blocks, head1Kernel: head1Kernel!, head1Bias: head1Bias!, head2Kernel: head2Kernel!, head2Bias: head2Bias! };
}

// μ-law companding on single values, for the loops that work on plain arrays
// (training windows, sample-by-sample generation). The tensor versions are
// muLawEncode / muLawDecode; tests check the two agree.

/** Class `⌊(F(x) + 1)/2 · μ + ½⌋` of `x` clipped to [-1, 1], `F(x) = sign(x) ln(1 + μ|x|) / ln(1 + μ)`. @hidden */
export function muLawEncodeValue(x: number, mu: number): number {
  const v = Math.max(-1, Math.min(1, x));
  const f = (Math.sign(v) * Math.log1p(mu * Math.abs(v))) / Math.log1p(mu);
  return Math.floor(((f + 1) / 2) * mu + 0.5);
}

/** Waveform value of class `q`: `y = 2q/μ - 1`, `sign(y) ((1 + μ)^|y| - 1) / μ`. @hidden */
export function muLawDecodeValue(q: number, mu: number): number {
  const y = (2 * q) / mu - 1;
  return (Math.sign(y) * ((1 + mu) ** Math.abs(y) - 1)) / mu;
}
