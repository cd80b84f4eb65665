/// <reference types="vite/client" />

// Made by vite.config.ts's demo-data plugin.
declare module 'virtual:demo-data' {
  /** Number of digits packed. */
  export const digitCount: number;
  /** `digitCount · 784` pixel bytes (classes interleaved 0–9), zlib-compressed, base64. */
  export const digitsZlibBase64: string;
  /** The character model's training text. */
  export const corpus: string;
  /** Where the text comes from. */
  export const corpusSource: string;
}
