/**
 * Generation benchmarks (issue 18), one sample at a time, milliseconds per
 * sample side by side with PyTorch:
 *
 *   npx tsx bench/generation.ts            # standalone
 *   npx tsx bench/generation.ts --quick    # fewer samples
 *
 * or `generationBench()` from bench/run.ts. WaveNet 2 × 10 layers (dilations
 * 1 … 512, kernel 2), 64 residual / 256 skip channels, 256 classes, random
 * weights, one stream: the wasm decode engine and the tfjs path (plain typed
 * arrays) against PyTorch's cached per-layer queue loop
 * (bench/torch_wavenet_generation.py, /usr/bin/python3, 2 torch threads);
 * then the engine's throughput at 1, 2, 4 and 8 streams, and its step alone
 * (no sampling) in GFLOP/s and GB/s of weights, also on a model whose weights
 * fit in the L2 cache: the bounds docs/generation.md discusses.
 *
 * Lines comparing with PyTorch read `NAME: tfjs-generative X ms, torch Y ms,
 * ratio R` (X, Y wall-clock milliseconds per sample). Each figure is also
 * given in process CPU time, steadier than wall time on a shared machine.
 */
import '@tensorflow/tfjs-backend-cpu';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { buildWaveNet, generateAudio, type GenerateAudioOptions, type WaveNetConfig } from 'tfjs-generative';
import { waveNetEngine } from '../src/_internal/decode/waveNetEngine.js';
import { waveNetArrays, waveNetParts } from '../src/audio/waveNetParts.js';

/** One measured rate. */
export interface GenerationFigure {
  name: string;
  /** Wall-clock milliseconds per sample (per sample of all streams together). */
  ms: number;
  /** Process CPU milliseconds per sample. */
  cpuMs: number;
  /** PyTorch's wall-clock and CPU milliseconds per sample, where measured. */
  torch?: { ms: number; cpuMs: number };
}

/** Options of {@link generationBench}. */
export interface GenerationBenchOptions {
  /** Fewer samples (a quick look, noisier). */
  quick?: boolean;
  /** Where lines go; defaults to stdout. */
  log?: (line: string) => void;
}

const WAVENET: WaveNetConfig = { residualChannels: 64, skipChannels: 256, dilations: { layersPerCycle: 10, cycles: 2 }, seed: 1 };
const SMALL: WaveNetConfig = { residualChannels: 32, skipChannels: 64, quantizationLevels: 64, dilations: { layersPerCycle: 10, cycles: 2 }, seed: 1 };

/** `name=value` figures a PyTorch script prints, or null where torch is missing. */
export function torchFigures(script: string, ...args: string[]): Record<string, number> | null {
  if (!existsSync('/usr/bin/python3')) return null;
  try {
    const out = execFileSync('/usr/bin/python3', [script, ...args], { env: { ...process.env, OPENBLAS_NUM_THREADS: '1' }, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    return Object.fromEntries([...out.matchAll(/^(\w+)=([\d.]+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
  } catch {
    return null; // no torch here
  }
}

/**
 * Runs `fn` for two seconds: V8 first runs WebAssembly from its baseline
 * compiler (Liftoff) and tiers hot functions up to TurboFan on a background
 * thread, which on a loaded machine can take a second or more.
 */
async function warmUp(fn: () => unknown): Promise<void> {
  const t0 = performance.now();
  while (performance.now() - t0 < 2000) await fn();
}

/** Wall and CPU milliseconds per sample of `samples` samples over all streams. */
async function perSample(net: ReturnType<typeof buildWaveNet>, options: GenerateAudioOptions, samples: number): Promise<{ ms: number; cpuMs: number }> {
  await warmUp(() => generateAudio(net, { ...options, length: 100 }));
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await generateAudio(net, options);
  const cpu = process.cpuUsage(c0);
  return { ms: (performance.now() - t0) / samples, cpuMs: (cpu.user + cpu.system) / 1000 / samples };
}

/** CPU milliseconds of one engine step for `streams` streams (logits, no sampling), over `steps` steps. */
async function engineRate(net: ReturnType<typeof buildWaveNet>, streams: number, steps: number): Promise<number> {
  const engine = await waveNetEngine(await waveNetArrays(waveNetParts(net)!, null), streams);
  const classes = new Int32Array(streams).fill(128 % waveNetParts(net)!.quantizationLevels);
  await warmUp(() => {
    for (let i = 0; i < 50; i++) engine.step(classes, true);
  });
  const c0 = process.cpuUsage();
  for (let i = 0; i < steps; i++) engine.step(classes, true);
  const cpu = process.cpuUsage(c0);
  return (cpu.user + cpu.system) / 1000 / steps;
}

const rate = (ms: number) => `${(1000 / ms).toFixed(0)} samples/s`;

/**
 * Runs the generation benchmarks, printing one line per figure; returns them.
 * Uses the cpu backend for reading weights (both engines compute outside tfjs).
 */
export async function generationBench(options: GenerationBenchOptions = {}): Promise<GenerationFigure[]> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const quick = options.quick ?? false;
  const previous = tf.getBackend() as string | undefined;
  await tf.setBackend('cpu');
  const figures: GenerationFigure[] = [];
  const net = buildWaveNet(WAVENET);
  try {
    const samples = quick ? 1000 : 4000;
    const torchRun = torchFigures('bench/torch_wavenet_generation.py', String(quick ? 500 : 2000));
    const torch = torchRun === null ? undefined : { ms: torchRun['ms_per_sample']!, cpuMs: torchRun['cpu_ms_per_sample']! };
    for (const engine of ['wasm', 'tfjs'] as const) {
      const length = engine === 'wasm' ? samples : samples / 4;
      const t = await perSample(net, { length, seed: 1, engine }, length);
      const name = `wavenet generation (2 × 10, 64 / 256, one stream, ${engine === 'wasm' ? 'wasm engine' : 'tfjs path'})`;
      figures.push({ name, ...t, ...(torch === undefined ? {} : { torch }) });
      log(torch === undefined ? `${name}: tfjs-generative ${t.ms.toFixed(3)} ms, torch not available` : `${name}: tfjs-generative ${t.ms.toFixed(3)} ms, torch ${torch.ms.toFixed(3)} ms, ratio ${(t.ms / torch.ms).toFixed(2)}`);
      log(`  ${rate(t.ms)} (CPU time: ${t.cpuMs.toFixed(3)} ms, ${rate(t.cpuMs)}${torch === undefined ? '' : `; torch ${torch.cpuMs.toFixed(3)} ms, ratio ${(t.cpuMs / torch.cpuMs).toFixed(2)}`})`);
    }
    let one = 0;
    for (const streams of [1, 2, 4, 8]) {
      const length = Math.round(samples / streams);
      const t = await perSample(net, { length, seeds: Array.from({ length: streams }, (_, i) => i + 1), engine: 'wasm' }, length * streams);
      if (streams === 1) one = t.cpuMs;
      figures.push({ name: `wavenet generation, ${streams} streams (wasm engine)`, ...t });
      log(`wavenet generation, ${streams} stream${streams === 1 ? '' : 's'} (wasm engine): ${rate(t.ms)} in all (CPU time: ${rate(t.cpuMs)}, ${(one / t.cpuMs).toFixed(2)}× one stream)`);
    }
    // The engine's step alone (no sampling), CPU time: what bounds it.
    const big = await engineRate(net, 1, samples);
    const big8 = await engineRate(net, 8, samples / 8);
    const small = buildWaveNet(SMALL);
    const alone = await engineRate(small, 1, samples);
    small.dispose();
    const gflops = (weights: number, ms: number) => ((2 * weights) / ms / 1e6).toFixed(2);
    log(`wavenet engine step alone, 2 × 10, 64 / 256 (${((WEIGHTS_BIG * 4) / 1e6).toFixed(2)} MB of weights a step): one stream ${big.toFixed(3)} ms CPU, ${gflops(WEIGHTS_BIG, big)} GFLOP/s, ${((WEIGHTS_BIG * 4) / big / 1e6).toFixed(1)} GB/s of weights; 8 streams ${(big8 / 8).toFixed(3)} ms CPU a sample, ${gflops(WEIGHTS_BIG, big8 / 8)} GFLOP/s`);
    log(`wavenet engine step alone, 2 × 10, 32 / 64, Q 64 (${((WEIGHTS_SMALL * 4) / 1e6).toFixed(2)} MB of weights, L2-resident): ${alone.toFixed(3)} ms CPU, ${gflops(WEIGHTS_SMALL, alone)} GFLOP/s`);
  } finally {
    net.dispose();
    if (previous !== undefined) await tf.setBackend(previous);
  }
  return figures;
}

/** Multiply-adds (= weights) per sample: 20 × (K·R·2R + R·R + R·S) + S·S + S·Q. */
const weightsOf = (r: number, s: number, q: number) => 20 * (2 * r * 2 * r + r * r + r * s) + s * s + s * q;
const WEIGHTS_BIG = weightsOf(64, 256, 256);
const WEIGHTS_SMALL = weightsOf(32, 64, 64);

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`node ${process.version}, ${new Date().toISOString()}\n`);
  await generationBench({ quick: process.argv.includes('--quick') });
}
