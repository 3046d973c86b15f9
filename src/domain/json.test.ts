import { describe, expect, it } from 'vitest';
import { copyJson, type Json } from './json.js';

describe('copyJson', () => {
  it('copies nested objects and arrays: equal, and sharing no object with the original', () => {
    const v: Json = { a: [1, { b: 'x', c: null }], d: { e: [[true]] } };
    const c = copyJson(v) as { a: [number, { b: string }]; d: { e: boolean[][] } };
    expect(c).toStrictEqual(v);
    const o = v as { a: [number, { b: string }]; d: { e: boolean[][] } };
    expect(c.a).not.toBe(o.a);
    expect(c.a[1]).not.toBe(o.a[1]);
    expect(c.d.e[0]).not.toBe(o.d.e[0]);
  });

  it('keeps a "__proto__" key (as JSON.parse makes it) as a plain member, not a prototype', () => {
    const v = JSON.parse('{"__proto__": {"polluted": true}, "k": 1}') as Json;
    const c = copyJson(v) as Record<string, unknown>;
    expect(Object.getPrototypeOf(c)).toBe(Object.prototype);
    expect(c.polluted).toBeUndefined();
    expect(Object.keys(c)).toEqual(['__proto__', 'k']);
    expect(JSON.stringify(c)).toBe(JSON.stringify(v));
  });

  it('returns scalars as they are', () => {
    for (const v of [null, 0, 'a', false] as Json[]) expect(copyJson(v)).toBe(v);
  });
});
