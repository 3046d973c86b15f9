import { describe, expect, it } from 'vitest';
import { copyJson, findNonJson, type Json } from './json.js';

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

describe('findNonJson', () => {
  it('says where a value stops being JSON, also deep down and past the fast check', () => {
    expect(findNonJson({ a: [1, { b: undefined, c: 'x' }] })).toBeUndefined();
    expect(findNonJson({ a: [1, { at: new Date(0) }] })).toBe('$.a[1].at (a Date instance)');
    expect(findNonJson({ n: Number.NaN })).toBe('$.n (NaN)');
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = { back: cyclic };
    expect(findNonJson(cyclic)).toBe('$.self.back (a cycle)');
    let deep: unknown = 1;
    for (let i = 0; i < 600; i++) deep = [deep];
    expect(findNonJson(deep)).toBeUndefined();
    expect(findNonJson({ f: () => 1 })).toBe('$.f (a function)');
  });
});
