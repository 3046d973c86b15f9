import { describe, expect, it } from 'vitest';
import { TailBuffer } from './tail-buffer.js';

describe('TailBuffer', () => {
  it('keeps everything under the limit', () => {
    const t = new TailBuffer(10);
    t.push(Buffer.from('hello'));
    expect(t.toString()).toBe('hello');
    expect(t.truncated).toBe(false);
  });
  it('keeps the last bytes and says how many were dropped', () => {
    const t = new TailBuffer(4);
    for (let i = 0; i < 100; i++) t.push(Buffer.from('ab'));
    expect(t.totalBytes).toBe(200);
    expect(t.toString()).toBe('[wfe: output truncated, first 196 of 200 bytes dropped]\nabab');
  });
  it('does not decode half a character at the cut', () => {
    const t = new TailBuffer(5);
    t.push(Buffer.from('ééé')); // 6 bytes: the cut lands inside the first é
    expect(t.toString()).toMatch(/dropped]\néé$/);
  });
});
