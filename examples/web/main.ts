// The web demo's entry: picks the best backend this browser has (webgpu, then
// webgl, then wasm; a GPU backend only on hardware: a software renderer such
// as SwiftShader is slower than wasm; `?backend=NAME` forces one), shows
// which, and wires the four panels. Each panel trains a tiny model in the
// page when its Start button is pressed.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
// The backend's binaries, served (and in a build, copied) by Vite from node_modules.
import wasmPlain from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.wasm?url';
import { registerWasmKernels } from 'tfjs-generative/wasm';
import { mountAudioPanel } from './panels/audio.js';
import { mountGANPanel } from './panels/gan.js';
import { mountTextPanel } from './panels/text.js';
import { mountVAEPanel } from './panels/vae.js';
import { byId } from './ui.js';

const PREFERENCE = ['webgpu', 'webgl', 'wasm'] as const;

/** Software renderers: WebGL or WebGPU emulated on the CPU, far slower here than wasm. */
const SOFTWARE = /swiftshader|llvmpipe|softpipe|software/i;

interface GPUAdapterLike {
  isFallbackAdapter?: boolean;
  info?: { vendor?: string; architecture?: string; description?: string };
}

/** Why the GPU backend `name` is not worth starting here, or `undefined` if it is. */
async function gpuProblem(name: string): Promise<string | undefined> {
  if (name === 'webgpu') {
    const gpu = (navigator as { gpu?: { requestAdapter(): Promise<GPUAdapterLike | null> } }).gpu;
    const adapter = await gpu?.requestAdapter().catch(() => null);
    if (adapter == null) return 'no WebGPU adapter';
    const { vendor = '', architecture = '', description = '' } = adapter.info ?? {};
    if (adapter.isFallbackAdapter === true || SOFTWARE.test(`${vendor} ${architecture} ${description}`)) return 'WebGPU is a software renderer here';
    return undefined;
  }
  if (name === 'webgl') {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (gl === null) return 'no WebGL 2';
    const debug = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(debug === null ? gl.RENDERER : debug.UNMASKED_RENDERER_WEBGL));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return SOFTWARE.test(renderer) ? 'WebGL is a software renderer here' : undefined;
  }
  return undefined;
}

/**
 * Starts the first backend of `candidates` that works here, skipping GPU
 * backends without hardware unless `forced`; returns its name and what was
 * skipped.
 */
async function pickBackend(candidates: readonly string[], forced: boolean): Promise<{ name: string; skipped: string[] }> {
  const skipped: string[] = [];
  for (const name of candidates) {
    if (!forced) {
      const problem = await gpuProblem(name);
      if (problem !== undefined) {
        skipped.push(problem);
        continue;
      }
    }
    if (name === 'wasm') {
      wasm.setWasmPaths({
        'tfjs-backend-wasm.wasm': wasmPlain,
        'tfjs-backend-wasm-simd.wasm': wasmSimd,
        'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded, // setWasmPaths wants all three; unused with 1 thread
      });
      // The library's kernels for the wasm backend, on the single-threaded SIMD
      // build: the threaded build's worker fails once minified by a bundler (it
      // names the Emscripten factory, which minification renames).
      registerWasmKernels({ threads: 1, wasm });
    }
    try {
      if (await tf.setBackend(name)) return { name, skipped };
    } catch {
      // Not available here: try the next one.
    }
    skipped.push(`${name} did not start`);
  }
  throw new Error(`none of the backends ${candidates.join(', ')} started (${skipped.join('; ')})`);
}

function describeBackend(name: string): string {
  if (name === 'wasm') {
    const threads = wasm.getThreadsCount();
    return `wasm (${threads} thread${threads === 1 ? '' : 's'})`;
  }
  return name;
}

async function main(): Promise<void> {
  const forced = new URLSearchParams(location.search).get('backend');
  const label = byId('backend');
  label.textContent = 'starting…';
  const { name, skipped } = await pickBackend(forced === null ? PREFERENCE : [forced], forced !== null);
  label.textContent = describeBackend(name);
  byId('backend-note').textContent =
    forced === null ? (skipped.length > 0 ? `(${skipped.join('; ')})` : '') : '(chosen with ?backend=)';
  mountGANPanel();
  mountTextPanel();
  mountAudioPanel();
  mountVAEPanel();
  document.body.dataset.ready = name;
}

main().catch((error: unknown) => {
  console.error(error);
  byId('backend').textContent = `failed: ${error instanceof Error ? error.message : String(error)}`;
});
