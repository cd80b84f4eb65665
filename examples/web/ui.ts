// What the four panels share: a start / pause / resume control, and drawing
// pictures, curves and waveforms on canvases. No tensors here.
import type { RGBAImage } from 'tfjs-generative/io';

/** An element of the page by id, of the type expected. */
export function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`demo: no element #${id}`);
  return element as T;
}

/**
 * One panel's run: a button that reads Start, then Pause / Resume while the
 * work runs, then its `doneLabel`. The work calls `checkpoint()` between steps:
 * it waits while paused, and otherwise for the next animation frame, so the
 * page repaints and stays responsive between steps.
 */
export class Runner {
  private paused = false;
  private running = false;
  private resume: (() => void) | undefined;

  constructor(
    private readonly button: HTMLButtonElement,
    private readonly work: (runner: Runner) => Promise<void>,
    private readonly onError: (error: unknown) => void,
    private readonly doneLabel = 'Done',
  ) {
    button.textContent = 'Start';
    button.addEventListener('click', () => this.click());
  }

  /** Whether the work is running and not paused. */
  get active(): boolean {
    return this.running && !this.paused;
  }

  private click(): void {
    if (!this.running) {
      this.running = true;
      this.paused = false;
      this.button.textContent = 'Pause';
      this.work(this)
        .catch(this.onError)
        .finally(() => {
          this.running = false;
          this.button.textContent = this.doneLabel;
          this.button.disabled = this.doneLabel === 'Done';
        });
      return;
    }
    this.paused = !this.paused;
    this.button.textContent = this.paused ? 'Resume' : 'Pause';
    if (!this.paused) {
      this.resume?.();
      this.resume = undefined;
    }
  }

  /** Waits while paused, then for the next frame. */
  async checkpoint(): Promise<void> {
    while (this.paused) await new Promise<void>((resolve) => (this.resume = resolve));
    await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
  }
}

/** Draws an RGBA picture on `canvas`, scaled to fill it with square pixels. */
export function drawPicture(canvas: HTMLCanvasElement, picture: RGBAImage): void {
  const scratch = document.createElement('canvas');
  scratch.width = picture.width;
  scratch.height = picture.height;
  const pixels = new Uint8ClampedArray(picture.data); // a copy, in an ArrayBuffer of its own
  scratch.getContext('2d')!.putImageData(new ImageData(pixels, picture.width, picture.height), 0, 0);
  const context = canvas.getContext('2d')!;
  context.imageSmoothingEnabled = false;
  context.clearRect(0, 0, canvas.width, canvas.height);
  context.drawImage(scratch, 0, 0, canvas.width, canvas.height);
}

/** A named series of a line chart. */
export interface Series {
  label: string;
  color: string;
  values: readonly number[];
}

/** Plots `series` against their index, on a shared vertical scale, with a legend. */
export function plotLines(canvas: HTMLCanvasElement, series: readonly Series[]): void {
  const context = canvas.getContext('2d')!;
  const { width, height } = canvas;
  context.fillStyle = '#fff';
  context.fillRect(0, 0, width, height);
  const all = series.flatMap((s) => s.values.filter(Number.isFinite));
  const length = Math.max(2, ...series.map((s) => s.values.length));
  if (all.length === 0) return;
  let low = Math.min(...all);
  let high = Math.max(...all);
  if (high - low < 1e-6) [low, high] = [low - 1, high + 1];
  const pad = 18;
  const x = (i: number) => pad + ((width - 2 * pad) * i) / (length - 1);
  const y = (v: number) => height - pad - ((height - 2 * pad) * (v - low)) / (high - low);
  context.strokeStyle = '#ccc';
  context.strokeRect(pad, pad, width - 2 * pad, height - 2 * pad);
  context.font = '11px system-ui, sans-serif';
  context.fillStyle = '#555';
  context.fillText(high.toFixed(2), 2, pad - 4);
  context.fillText(low.toFixed(2), 2, height - 4);
  series.forEach((s, k) => {
    context.strokeStyle = s.color;
    context.lineWidth = 1.5;
    context.beginPath();
    s.values.forEach((v, i) => (i === 0 ? context.moveTo(x(i), y(v)) : context.lineTo(x(i), y(v))));
    context.stroke();
    const label = { x: width - pad - 94, y: pad + 4 + 14 * k };
    context.fillStyle = 'rgba(255, 255, 255, 0.85)';
    context.fillRect(label.x - 2, label.y, 92, 14);
    context.fillStyle = s.color;
    context.fillText(s.label, label.x, label.y + 11);
  });
}

/** Draws a waveform in [-1, 1]: for each column, the range of the samples it covers. */
export function drawWave(canvas: HTMLCanvasElement, samples: ArrayLike<number>, color: string, clear = true): void {
  const context = canvas.getContext('2d')!;
  const { width, height } = canvas;
  if (clear) {
    context.fillStyle = '#fff';
    context.fillRect(0, 0, width, height);
    context.strokeStyle = '#ddd';
    context.beginPath();
    context.moveTo(0, height / 2);
    context.lineTo(width, height / 2);
    context.stroke();
  }
  if (samples.length === 0) return;
  context.strokeStyle = color;
  context.beginPath();
  for (let column = 0; column < width; column++) {
    const from = Math.floor((column * samples.length) / width);
    const to = Math.max(from + 1, Math.floor(((column + 1) * samples.length) / width));
    let low = Infinity;
    let high = -Infinity;
    for (let i = from; i < to && i < samples.length; i++) {
      low = Math.min(low, samples[i]!);
      high = Math.max(high, samples[i]!);
    }
    if (low === Infinity) break;
    context.moveTo(column + 0.5, ((1 - high) * height) / 2);
    context.lineTo(column + 0.5, ((1 - low) * height) / 2 + 1);
  }
  context.stroke();
}

/** A moving average of the last `window` values, one output per input. */
export function smooth(values: readonly number[], window = 10): number[] {
  const out: number[] = [];
  let sum = 0;
  values.forEach((v, i) => {
    sum += v;
    if (i >= window) sum -= values[i - window]!;
    out.push(sum / Math.min(i + 1, window));
  });
  return out;
}

/** Shows an error in a panel's status line, and on the console. */
export function showError(status: HTMLElement): (error: unknown) => void {
  return (error) => {
    console.error(error);
    status.textContent = `error: ${error instanceof Error ? error.message : String(error)}`;
    status.classList.add('error');
  };
}
