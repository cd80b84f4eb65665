// Every test file starts on the cpu backend; backend-matrix tests switch explicitly.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';

await tf.setBackend('cpu');
