// The page that test/browser/browser.test.ts bundles (with esbuild, from the
// built package resolved by name) and opens in Chromium. It exposes
// `window.harness`: `init` picks a backend, `run` runs one case and reports
// what it measured; the test process compares and asserts.
//
// Every case records, around the library's own calls (`lib(() => …)`):
// - synchronous reads of data on the GPU (the backend's `readSync`, what
//   `dataSync()` and `arraySync()` end in; on webgl/webgpu each one stalls the
//   page until the GPU is done), with the stack of the first few;
// - `AddN` kernels of 8 or more inputs (on SwiftShader's WebGPU adapter they
//   return zeros: more storage buffers than the default limit of 8);
// and, for the whole case, `tf.memory().numTensors` before and after.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgl';
import * as wasmBackend from '@tensorflow/tfjs-backend-wasm';
import {
  buildDCGAN,
  buildTransformerLM,
  encodePNG,
  encodeWav,
  generate,
  imageGrid,
  loadModel,
  multiHeadAttention,
  sampleGAN,
  saveModel,
  trainGAN,
  trainLanguageModel,
} from 'tfjs-generative';
import { registerWasmKernels } from 'tfjs-generative/wasm';
import { attentionAndGradients, families, values, type FamilyName, type Lib } from './_families.js';

/** A tensor's values and shape, as they cross between the test process and the page. */
export interface TensorData {
  values: number[];
  shape: number[];
}

/** What `harness.init` reports. */
export interface InitInfo {
  ok: boolean;
  backend: string;
  crossOriginIsolated: boolean;
  wasmThreads: number | null;
  kitRegistered: boolean | null;
  /** Why the backend did not start (an app shows this instead of running on a fallback). */
  error: string | null;
  /**
   * After a failed start, what the next op did: tfjs retries its
   * highest-priority backend; if that one starts asynchronously (webgpu,
   * wasm) the op throws, otherwise it runs there (webgl, cpu), silently.
   */
  nextOp: string | null;
}

/** What every case reports besides its own results. */
export interface Measured {
  tensorsBefore: number;
  tensorsAfter: number;
  /** `numTensors` after each named step of the case, to locate a leak. */
  trace: [string, number][];
  readSyncCalls: number;
  readSyncStacks: string[];
  addNCalls: number;
  addNMaxInputs: number;
}

let depth = 0;
let readSyncCalls = 0;
let readSyncStacks: string[] = [];
let addNCalls = 0;
let addNMaxInputs = 0;
let hooked = false;

/** Runs a library call with the counters armed. */
async function lib<T>(fn: () => T | Promise<T>): Promise<T> {
  depth += 1;
  try {
    return await fn();
  } finally {
    depth -= 1;
  }
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  const backend = tf.backend() as tf.KernelBackend & { readSync: (dataId: object) => unknown };
  const readSync = backend.readSync.bind(backend);
  let inside = 0; // webgl's readSync calls itself for slices and complex values: count the outer call
  // Only a read of data that lives on the GPU stalls: webgl (`texData`) and
  // webgpu (`tensorMap`) keep small uploaded values on the CPU, and read those
  // synchronously on purpose (kernels forwarded to the CPU).
  const stored = backend as unknown as { texData?: Map<object, { values?: unknown }>; tensorMap?: Map<object, { values?: unknown }> };
  const gpuData = stored.texData ?? stored.tensorMap; // absent on wasm: nothing there stalls
  const onGPU = (dataId: object): boolean => gpuData !== undefined && gpuData.get(dataId)?.values == null;
  backend.readSync = (dataId: object) => {
    if (depth > 0 && inside === 0 && onGPU(dataId)) {
      readSyncCalls += 1;
      if (readSyncStacks.length < 8) readSyncStacks.push(new Error('readSync').stack ?? '');
    }
    inside += 1;
    try {
      return readSync(dataId);
    } finally {
      inside -= 1;
    }
  };
  const engine = tf.engine();
  const runKernel = engine.runKernel.bind(engine);
  engine.runKernel = ((name: string, inputs: tf.NamedTensorMap, attrs?: tf.NamedAttrMap) => {
    if (name === 'AddN' && depth > 0) {
      addNCalls += 1;
      addNMaxInputs = Math.max(addNMaxInputs, Object.keys(inputs).length);
    }
    return runKernel(name, inputs, attrs);
  }) as typeof engine.runKernel;
}

async function measured<T extends object>(body: (mark: (step: string) => void) => Promise<T>): Promise<T & Measured> {
  readSyncCalls = 0;
  readSyncStacks = [];
  addNCalls = 0;
  addNMaxInputs = 0;
  const trace: [string, number][] = [];
  const tensorsBefore = tf.memory().numTensors;
  const result = await body((step) => trace.push([step, tf.memory().numTensors]));
  return { ...result, tensorsBefore, tensorsAfter: tf.memory().numTensors, trace, readSyncCalls, readSyncStacks, addNCalls, addNMaxInputs };
}

const cases = {
  /** DCGAN train steps, seeded samples, an IndexedDB save and load, the same samples again. */
  async dcgan(payload: { url: string }) {
    return measured(async (mark) => {
      const gan = await lib(() => buildDCGAN({ imageSize: 8, channels: 1, latentDim: 8, generatorFilters: 8, discriminatorFilters: 8, seed: 1 }));
      mark('built');
      const data = tf.randomUniform([32, 8, 8, 1], -1, 1, 'float32', 1);
      const trained = await lib(() => trainGAN(gan, data, { batchSize: 8, steps: 2, seed: 1 }));
      data.dispose();
      mark('trained');
      const before = await values(await lib(() => sampleGAN(gan.generator, 4, { seed: 3 })));
      mark('sampled');
      await lib(() => saveModel(gan.generator, payload.url));
      mark('saved');
      const loaded = await lib(() => loadModel(payload.url));
      mark('loaded');
      const after = await values(await lib(() => sampleGAN(loaded, 4, { seed: 3 })));
      mark('sampled again');
      gan.generator.dispose();
      gan.discriminator.dispose();
      loaded.dispose();
      mark('disposed');
      return { steps: trained.steps, generatorLoss: trained.history.generatorLoss, discriminatorLoss: trained.history.discriminatorLoss, before, after };
    });
  },

  /** A MultiHeadAttention holding the given weights: its output, and its input and weight gradients on `x`. */
  async mha(payload: { x: TensorData; weights: TensorData[]; numHeads: number; keyDim: number }) {
    return measured(async (mark) => {
      const layer = multiHeadAttention({ numHeads: payload.numHeads, keyDim: payload.keyDim, seed: 1 });
      const x = tf.tensor(payload.x.values, payload.x.shape);
      tf.dispose(layer.apply([x, x], { useCausalMask: true }) as tf.Tensor); // builds the weights
      const weights = payload.weights.map((w) => tf.tensor(w.values, w.shape));
      layer.setWeights(weights);
      tf.dispose(weights);
      mark('built');
      const result = await attentionAndGradients(lib, layer, x);
      mark('ran');
      x.dispose();
      layer.dispose();
      return result;
    });
  },

  /** One of the model families of `_families.ts`. */
  async family(payload: { name: FamilyName }) {
    const family = families[payload.name] as (lib: Lib, mark: (step: string) => void) => Promise<object>;
    return measured((mark) => family(lib, mark));
  },

  /**
   * A small transformer LM: training steps, then greedy, seeded and top-k /
   * top-p generation with and without the cache (generate draws on the CPU
   * after an async read: no synchronous read, counted as every case's).
   */
  async lm(payload: { tokens: number[] }) {
    return measured(async (mark) => {
      const lm = await lib(() => buildTransformerLM({ vocabSize: 12, contextLength: 16, modelDim: 16, numHeads: 2, numLayers: 1, seed: 1 }));
      const { history } = await lib(() => trainLanguageModel(lm, payload.tokens, { steps: 3, batchSize: 4, seed: 1 }));
      mark('trained');
      const prompt = [1, 2, 3];
      const run = async (useCache: boolean, sampling: { temperature: number; topK?: number; topP?: number; seed?: number }) =>
        (await lib(() => generate(lm, prompt, { maxNewTokens: 10, useCache, ...sampling }))).tokens;
      const greedy = { temperature: 0 };
      const sampled = { temperature: 1, seed: 7 };
      const topK = { temperature: 1, topK: 6, topP: 0.9, seed: 7 };
      const greedyCached = await run(true, greedy);
      const greedyPlain = await run(false, greedy);
      const sampledCached = await run(true, sampled);
      const sampledPlain = await run(false, sampled);
      const topKCached = await run(true, topK);
      const topKPlain = await run(false, topK);
      mark('generated');
      lm.dispose();
      return { loss: history.loss, greedyCached, greedyPlain, sampledCached, sampledPlain, topKCached, topKPlain };
    });
  },

  /** The instruments themselves: an AddN of 8 tensors and a `dataSync()` of GPU data, inside `lib`, are counted. */
  async instruments() {
    const result = await measured(async () => {
      const parts = Array.from({ length: 8 }, () => tf.ones([4]));
      const sum = await lib(() => tf.addN(parts));
      const doubled = tf.mul(sum, 2); // computed on the backend, not yet read
      const synced = await lib(() => Array.from(doubled.dataSync()));
      const seven = tf.addN(parts.slice(0, 7)); // outside lib: not counted
      const sumOfSeven = Array.from(await seven.data());
      tf.dispose([...parts, sum, doubled, seven]);
      return { synced, sumOfSeven };
    });
    return result;
  },

  /** A PNG of a sample grid and a WAV of a tone, as Blobs, decoded back by the browser. */
  async media() {
    return measured(async (mark) => {
      const images = tf.tidy(() => tf.sub(tf.mul(tf.reshape(tf.linspace(0, 1, 2 * 6 * 5), [2, 6, 5, 1]), 2), 1)) // [2, 6, 5, 1] in [-1, 1];
      const grid = await lib(() => imageGrid(images, { columns: 2, padding: 1 }));
      images.dispose();
      const png = new Blob([await lib(() => encodePNG(grid))], { type: 'image/png' });
      const bitmap = await createImageBitmap(png);
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const context = canvas.getContext('2d')!;
      context.drawImage(bitmap, 0, 0);
      const decoded = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
      let pngMaxDiff = 0;
      for (let i = 0; i < grid.data.length; i += 1) pngMaxDiff = Math.max(pngMaxDiff, Math.abs(decoded[i]! - grid.data[i]!));
      mark('png');
      const rate = 8000;
      const tone = Float32Array.from({ length: 800 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / rate));
      const wav = new Blob([await lib(() => encodeWav(tone, { sampleRate: rate }))], { type: 'audio/wav' });
      const audio = await new OfflineAudioContext(1, 1, rate).decodeAudioData(await wav.arrayBuffer());
      const channel = audio.getChannelData(0);
      let wavMaxDiff = 0;
      for (let i = 0; i < tone.length; i += 1) wavMaxDiff = Math.max(wavMaxDiff, Math.abs(channel[i]! - tone[i]!));
      mark('wav');
      return {
        png: { type: png.type, bytes: png.size, width: bitmap.width, height: bitmap.height, gridWidth: grid.width, gridHeight: grid.height, maxDiff: pngMaxDiff },
        wav: { type: wav.type, bytes: wav.size, sampleRate: audio.sampleRate, length: audio.length, channels: audio.numberOfChannels, maxDiff: wavMaxDiff },
      };
    });
  },
};

/** The case names `harness.run` takes. */
export type CaseName = keyof typeof cases;

const harness = {
  /** Starts `backend` (for wasm: binaries from this server, the library's kernels, `threads`). */
  async init(backend: string, options: { threads?: number } = {}): Promise<InitInfo> {
    let kitRegistered: boolean | null = null;
    if (backend === 'wasm') {
      wasmBackend.setWasmPaths(`${location.origin}/wasm/`);
      kitRegistered = registerWasmKernels({ threads: options.threads ?? 1, wasm: wasmBackend });
    }
    const ok = await tf.setBackend(backend);
    if (ok) hook();
    let error: string | null = null;
    let nextOp: string | null = null;
    const reported = tf.getBackend(); // still the requested name after a failure
    if (!ok) {
      // What an app must do: check the result and say why, instead of letting
      // the next op fail obscurely or run elsewhere. tfjs keeps the failed
      // name in getBackend(); see `nextOp`.
      const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
      const why =
        backend !== 'webgpu' ? 'its initialisation failed'
        : gpu === undefined ? 'navigator.gpu is missing (WebGPU is off in this browser)'
        : (await gpu.requestAdapter()) == null ? 'navigator.gpu.requestAdapter() found no adapter'
        : 'its initialisation failed';
      error = `tf.setBackend('${backend}') resolved false: ${why}`;
      try {
        tf.dispose(tf.add(tf.scalar(1), tf.scalar(1)));
        nextOp = `ran on ${tf.getBackend()}`;
      } catch (e) {
        nextOp = `threw: ${(e as Error).message}`;
      }
    }
    return {
      ok,
      error,
      nextOp,
      backend: reported,
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
      wasmThreads: ok && backend === 'wasm' ? wasmBackend.getThreadsCount() : null,
      kitRegistered,
    };
  },
  /** Runs one case. */
  run(name: CaseName, payload: unknown): Promise<unknown> {
    return (cases[name] as (p: unknown) => Promise<unknown>)(payload);
  },
};

(globalThis as unknown as { harness: typeof harness }).harness = harness;
