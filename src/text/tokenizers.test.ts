import { describe, expect, it } from 'vitest';
import { byteTokenizer } from './byteTokenizer.js';
import { charTokenizer } from './charTokenizer.js';
import { gpt2Tokenizer } from './gpt2Tokenizer.js';

describe('charTokenizer', () => {
  it('round-trips text, sorts its vocabulary by code point, counts emoji as one character', () => {
    const text = 'To be, or not to be 🙂 — ça va';
    const tok = charTokenizer(text);
    expect(tok.decode(tok.encode(text))).toBe(text);
    expect(tok.vocabulary).toEqual([...tok.vocabulary].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!));
    expect(tok.vocabSize).toBe(new Set(Array.from(text)).size);
    expect(tok.encode('🙂')).toHaveLength(1);
    const again = charTokenizer(tok.toJSON());
    expect(again.encode(text)).toEqual(tok.encode(text));
  });

  it('names unknown characters and bad ids', () => {
    const tok = charTokenizer('abc');
    expect(() => tok.encode('abz')).toThrow(/CharTokenizer\.encode: the character "z" \(U\+007A\) at position 2 is not in the vocabulary of 3 characters/);
    expect(() => tok.decode([0, 3])).toThrow(/invalid `ids`: expected integers in \[0, 3\), received "3 at index 1"/);
    expect(() => charTokenizer('')).toThrow(/charTokenizer: invalid `text`: expected a non-empty string/);
  });
});

describe('byteTokenizer', () => {
  it('round-trips any text through UTF-8 bytes, and decodes a stream split inside a character', () => {
    const tok = byteTokenizer();
    const text = 'héllo ✓ 🙂';
    const ids = tok.encode(text);
    expect(ids).toEqual(Array.from(Buffer.from(text, 'utf8')));
    expect(tok.decode(ids)).toBe(text);
    const stream = tok.streamDecoder();
    const pieces = ids.map((id) => stream.decode([id]));
    expect(pieces.join('') + stream.flush()).toBe(text);
    expect(pieces[1]).toBe(''); // first byte of "é" held until the second arrives
    expect(tok.decode([0xff])).toBe('\ufffd');
    expect(() => tok.decode([256])).toThrow(/ByteTokenizer\.decode: invalid `ids`: expected integers in \[0, 256\), received "256 at index 0"/);
  });
});

describe('charTokenizer on hostile input', () => {
  it('refuses lone surrogates, so every vocabulary it accepts round-trips through toJSON', () => {
    expect(() => charTokenizer('ab\uD800')).toThrow(/charTokenizer: invalid `text`: expected well-formed UTF-16 \(no lone surrogate\), received "U\+D800 at index 2"/);
    expect(() => charTokenizer('\uDC00x')).toThrow(/received "U\+DC00 at index 0"/);
    // The case that used to change: a lone high and a lone low surrogate joined into one character.
    expect(() => charTokenizer('\uDC01\uD801 ')).toThrow(/lone surrogate/);
    for (const text of ['hello', 'naïve 😀 日本語 \u{1F600}\u{1F601}', '\uD83D\uDE00']) {
      const tok = charTokenizer(text);
      expect(charTokenizer(tok.toJSON()).vocabulary).toEqual(tok.vocabulary);
    }
  });

  it('decode refuses ids that are not integers, and non-arrays, naming the call', () => {
    const tok = charTokenizer('abc');
    expect(() => tok.decode(['length'] as unknown as number[])).toThrow(/CharTokenizer.decode: invalid `ids`: expected integers in \[0, 3\), received "length at index 0"/);
    expect(() => tok.decode([1.5])).toThrow(/received "1.5 at index 0"/);
    expect(() => tok.decode(null as unknown as number[])).toThrow(/CharTokenizer.decode: invalid `ids`: expected an array of token ids, received null/);
    expect(tok.decode([0, 2])).toBe('ac');
    // Hostile array-likes fail at their first element, before any allocation for the claimed length.
    for (const decode of [tok.decode, byteTokenizer().decode, gpt2Tokenizer().decode]) {
      expect(() => decode({ length: 1e12 } as unknown as number[])).toThrow(/invalid `ids`: expected integers in \[0, \d+\), received "undefined at index 0"/);
      expect(() => decode({ length: -1 } as unknown as number[])).toThrow(/invalid `ids`: expected an array of token ids/);
      expect(() => decode([0, 10n] as unknown as number[])).toThrow(/received "10n at index 1"/);
      expect(() => decode(null as unknown as number[])).toThrow(/invalid `ids`: expected an array of token ids, received null/);
    }
  });
});
