// Panel (b): a character-level transformer learns a short text in the page.
// It trains in rounds; after each round it writes a line, streamed token by
// token through `generate`'s `onToken`, with the sampling controls' values.
import * as tf from '@tensorflow/tfjs-core';
import { buildTransformerLM } from 'tfjs-generative/attention';
import { generate } from 'tfjs-generative/sampling';
import { charTokenizer } from 'tfjs-generative/text';
import { trainLanguageModel } from 'tfjs-generative/training';
import { corpus, corpusSource } from '../data.js';
import { byId, plotLines, Runner, showError, smooth } from '../ui.js';

const ROUNDS = 40;
const STEPS_PER_ROUND = 20;
const CONTEXT = 48;
const LINE = 64;
const LINES_KEPT = 8;

/** The sampling controls' current values. */
function samplingOptions(): { temperature: number; topK?: number; topP?: number } {
  const temperature = Number(byId<HTMLInputElement>('text-temperature').value);
  const topK = Number(byId<HTMLInputElement>('text-top-k').value);
  const topP = Number(byId<HTMLInputElement>('text-top-p').value);
  return { temperature, ...(topK > 0 ? { topK } : {}), ...(topP < 1 ? { topP } : {}) };
}

/** Shows each range input's value beside it. */
function echoControls(): void {
  for (const id of ['text-temperature', 'text-top-k', 'text-top-p']) {
    const input = byId<HTMLInputElement>(id);
    const echo = byId(`${id}-value`);
    const show = () => (echo.textContent = id === 'text-top-k' && input.value === '0' ? 'off' : id === 'text-top-p' && input.value === '1' ? 'off' : input.value);
    input.addEventListener('input', show);
    show();
  }
}

export function mountTextPanel(): void {
  const status = byId('text-stats');
  const chart = byId<HTMLCanvasElement>('text-chart');
  const output = byId('text-output');
  const progress = byId<HTMLProgressElement>('text-progress');
  byId('text-source').textContent = corpusSource;
  echoControls();
  new Runner(byId<HTMLButtonElement>('text-start'), async (runner) => {
    const tokenizer = charTokenizer(corpus);
    const ids = tokenizer.encode(corpus);
    const model = buildTransformerLM({ vocabSize: tokenizer.vocabSize, contextLength: CONTEXT, modelDim: 48, numHeads: 4, numLayers: 2, seed: 1 });
    const optimizer = tf.train.adam(4e-3); // one optimizer for every round: its state carries over
    const bits: number[] = [];
    const total = ROUNDS * STEPS_PER_ROUND;
    let tokens = 0;
    try {
      for (let round = 0; round < ROUNDS; round++) {
        await trainLanguageModel(model, ids, {
          steps: STEPS_PER_ROUND,
          batchSize: 16,
          optimizer,
          seed: 1 + round, // a different run of windows each round
          onStep: async ({ bitsPerToken }) => {
            bits.push(bitsPerToken);
            progress.value = bits.length / total;
            status.textContent = `step ${bits.length}/${total} · ${bitsPerToken.toFixed(3)} bits/char (uniform: ${Math.log2(tokenizer.vocabSize).toFixed(2)}) · ${tokens} characters written`;
            plotLines(chart, [{ label: 'bits per char', color: '#2ca02c', values: smooth(bits) }]);
            await runner.checkpoint();
          },
        });
        // A line starting from a random place of the text, streamed as it is drawn.
        const start = Math.floor(Math.random() * (ids.length - 8));
        const prompt = ids.slice(start, start + 8);
        const line = document.createElement('p');
        const promptSpan = document.createElement('span');
        promptSpan.className = 'prompt';
        promptSpan.textContent = tokenizer.decode(prompt).replace(/\n/g, '⏎');
        const drawn = document.createElement('span');
        line.append(`after ${bits.length} steps: `, promptSpan, drawn);
        output.prepend(line);
        while (output.childElementCount > LINES_KEPT) output.lastElementChild!.remove();
        await generate(model, prompt, {
          maxNewTokens: LINE,
          ...samplingOptions(),
          onToken: async (token) => {
            drawn.textContent += tokenizer.decode([token]).replace(/\n/g, '⏎');
            tokens += 1;
            output.dataset.tokens = String(tokens);
            status.textContent = status.textContent!.replace(/\d+ characters written/, `${tokens} characters written`);
            await runner.checkpoint();
          },
        });
      }
    } finally {
      model.dispose();
      optimizer.dispose();
    }
  }, showError(status));
}
