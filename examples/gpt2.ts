/**
 * GPT-2 in Node from a Hugging Face checkpoint: loads `model.safetensors`
 * tensor by tensor, tokenizes the prompt with GPT-2's tokenizer and streams
 * the sampled continuation.
 *
 *   npx tsx examples/gpt2.ts --weights path/to/model.safetensors --prompt "The meaning of life is"
 *   npx tsx examples/gpt2.ts --help
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { openAsBlob } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { generate, gpt2Tokenizer, loadGPT2, openSafetensors, ValueError } from 'tfjs-generative';
import { backendNote, backendOption, setupBackend } from './_backend.js';
import { cli, run } from './_cli.js';

const args = cli({
  summary:
    'Runs GPT-2 from a Hugging Face checkpoint: reads the model.safetensors file tensor by tensor (openSafetensors), ' +
    'builds the model with loadGPT2 (sizes from the tensors, heads = width / 64 unless --heads), encodes the prompt ' +
    'with gpt2Tokenizer and streams the continuation token by token as generate samples it, with its key/value cache.',
  options: {
    weights: { kind: 'text', placeholder: 'FILE', help: 'the model.safetensors of a GPT-2 checkpoint (required)' },
    prompt: { kind: 'text', default: 'The meaning of life is', help: 'the text to continue' },
    tokens: { kind: 'count', default: 40, help: 'tokens to generate' },
    temperature: { kind: 'number', default: 0.8, help: 'sampling temperature; 0 is greedy' },
    'top-k': { kind: 'count', default: 40, help: 'keep only the k most likely tokens at each step' },
    'top-p': { kind: 'positive', default: 1, help: 'nucleus sampling mass in (0, 1]' },
    heads: { kind: 'count', help: 'attention heads, when the width is not 64 per head (GPT-2 small, medium, large and XL all are)' },
    seed: { kind: 'int', default: 1, help: 'seed of the draws' },
    backend: backendOption,
  },
  writes: ['nothing: it prints the prompt, the continuation as it comes, and the speed.'],
  time:
    'about 15 s to load GPT-2 small and about 0.8 s a token after that, on wasm with 2 threads: measured on ' +
    "2026-12-01 on the project's 2-core machine (busy with other work) with a random-weight checkpoint of GPT-2 " +
    "small's shape (124M parameters, 498 MB), since that machine cannot download the real one.",
  notes: [
    'Weights: this script downloads nothing. Get model.safetensors yourself from a GPT-2 model repository on the Hugging ' +
      'Face Hub (openai-community/gpt2, gpt2-medium, gpt2-large, gpt2-xl: the "Files" tab, or git lfs), or write one from ' +
      'PyTorch with safetensors.torch.save_file(model.state_dict(), path). exportGPT2 writes one from a model trained here.',
    backendNote,
  ],
});

run(async () => {
  if (args.weights === undefined) throw new ValueError('gpt2.ts: --weights is required: the model.safetensors file of a GPT-2 checkpoint (see --help).');
  const backend = await setupBackend(args.backend);
  const started = performance.now();
  const file = await openSafetensors(await openAsBlob(args.weights));
  const tensors = await file.readAll();
  const model = loadGPT2(tensors, args.heads === undefined ? {} : { numHeads: args.heads });
  tf.dispose(Object.values(tensors));
  const params = model.countParams();
  process.stdout.write(`backend: ${backend}, GPT-2 with ${params.toLocaleString('en')} parameters, loaded in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);

  const tokenizer = gpt2Tokenizer();
  const prompt = tokenizer.encode(args.prompt);
  const stream = tokenizer.streamDecoder();
  process.stdout.write(args.prompt);
  const begin = performance.now();
  const { tokens, stopReason } = await generate(model, prompt, {
    maxNewTokens: args.tokens,
    temperature: args.temperature,
    topK: args['top-k'],
    topP: args['top-p'],
    seed: args.seed,
    stopTokens: [tokenizer.endOfText],
    onToken: (token) => {
      process.stdout.write(stream.decode([token]));
    },
  });
  process.stdout.write(`${stream.flush()}\n`);
  const seconds = (performance.now() - begin) / 1000;
  process.stdout.write(`${tokens.length} tokens in ${seconds.toFixed(1)} s (${(tokens.length / seconds).toFixed(1)} tokens/s), stop: ${stopReason}\n`);
  model.dispose();
});
