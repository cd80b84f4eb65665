// Every test file starts on the cpu backend. The wasm backend is registered too,
// for the backend-matrix suites (test/backends.ts); the library itself never
// imports or selects a backend.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';

await tf.setBackend('cpu');
