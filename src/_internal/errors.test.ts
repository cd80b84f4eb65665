import { describe, expect, it } from 'vitest';
import { describeValue, invalidField } from './errors.js';

describe('describeValue', () => {
  it('describes anything without throwing, in bounded length', () => {
    const circular: Record<string, unknown> = { a: 1 };
    circular['self'] = circular;
    const loop: unknown[] = [1];
    loop.push(loop);
    expect(describeValue(circular)).toBe('an object that cannot be written as JSON (circular, or holding a BigInt)');
    expect(describeValue({ n: 10n })).toBe('an object that cannot be written as JSON (circular, or holding a BigInt)');
    expect(describeValue(loop)).toBe('[1, [1, [… 2 items]]]');
    expect(describeValue(Symbol('s'))).toBe('Symbol(s)');
    expect(describeValue(Array.from({ length: 1000 }, (_, i) => i))).toBe('[0, 1, 2, 3, 4, 5, 6, 7, … 992 more]');
    expect(describeValue('x'.repeat(1000)).length).toBeLessThan(210);
    expect(describeValue({ big: 'y'.repeat(1000) }).length).toBeLessThan(210);
    expect(describeValue([1, 'a', null])).toBe('[1, "a", null]');
    expect(describeValue(new Map())).toBe('a Map');
    expect(invalidField('f', 'x', 'a number', circular).message).toBe('f: invalid `x`: expected a number, received an object that cannot be written as JSON (circular, or holding a BigInt).');
  });
});
