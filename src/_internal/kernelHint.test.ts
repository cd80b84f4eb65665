import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { hintingKernels, withKernelHint } from './kernelHint.js';

const MISSING = "Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'";

describe('withKernelHint', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('returns anything but the missing-wasm-kernel error unchanged, the same object', async () => {
    const other = new TypeError('something else');
    expect(withKernelHint(other)).toBe(other);
    expect(withKernelHint('a string')).toBe('a string');
    expect(withKernelHint(undefined)).toBe(undefined);
    // The tfjs message, but the current backend is not wasm: unchanged.
    expect(tf.getBackend()).toBe('cpu');
    const onCpu = new Error(MISSING);
    expect(withKernelHint(onCpu)).toBe(onCpu);
    await tf.setBackend('wasm');
    // On wasm, another backend's missing kernel or another message: unchanged.
    const webgl = new Error("Kernel 'Foo' not registered for backend 'webgl'");
    expect(withKernelHint(webgl)).toBe(webgl);
    await tf.setBackend('cpu');
  });

  it("on wasm, keeps tfjs's message and adds the fix, with the original as the cause", async () => {
    await tf.setBackend('wasm');
    const original = new Error(MISSING);
    const hinted = withKernelHint(original) as Error;
    await tf.setBackend('cpu');
    expect(hinted).not.toBe(original);
    expect(hinted).toBeInstanceOf(Error);
    expect(hinted.message).toMatch(
      /^Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'\. .*call registerWasmKernels\(\) from 'tfjs-generative\/wasm' once, before training on wasm\.$/,
    );
    expect(hinted.cause).toBe(original);
    expect(hinted.name).toBe('Error');
  });

  it('hintingKernels passes results through and rethrows through withKernelHint', async () => {
    await expect(hintingKernels(async () => 7)).resolves.toBe(7);
    const other = new Error('plain failure');
    await expect(hintingKernels(async () => Promise.reject(other))).rejects.toBe(other);
    await tf.setBackend('wasm');
    try {
      await expect(
        hintingKernels(async () => {
          throw new Error(MISSING);
        }),
      ).rejects.toThrow(/registerWasmKernels\(\)/);
    } finally {
      await tf.setBackend('cpu');
    }
  });
});
