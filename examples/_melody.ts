/**
 * A generated melody for the WaveNet examples (Node's `examples/wavenet.ts`
 * and the web demo's audio panel): notes in turn, each the fundamental plus
 * two weaker harmonics, with 80-sample fades, so nothing is downloaded.
 */
export interface MelodyOptions {
  /** Samples per second. */
  readonly sampleRate: number;
  /** Length of the whole melody in seconds. */
  readonly seconds: number;
  /** Length of one note in seconds. */
  readonly noteSeconds: number;
  /** The notes' fundamentals in Hz, repeated in order. */
  readonly notes: readonly number[];
}

/** The melody as float samples in about [-0.8, 0.8]. */
export function melody({ sampleRate, seconds, noteSeconds, notes }: MelodyOptions): Float32Array<ArrayBuffer> {
  const out = new Float32Array(Math.round(sampleRate * seconds));
  const noteLength = Math.round(sampleRate * noteSeconds);
  for (let i = 0; i < out.length; i++) {
    const f = notes[Math.floor(i / noteLength) % notes.length]!;
    const t = i / sampleRate;
    const k = i % noteLength;
    const fade = Math.min(1, k / 80, (noteLength - k) / 80);
    out[i] = fade * (0.5 * Math.sin(2 * Math.PI * f * t) + 0.2 * Math.sin(4 * Math.PI * f * t) + 0.1 * Math.sin(6 * Math.PI * f * t));
  }
  return out;
}
