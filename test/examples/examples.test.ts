import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main as pizza } from '../../examples/pizza.js';
import { run as quickstart } from '../../examples/quickstart.js';

describe('examples', () => {
  it('the pizza order completes on embedded SQLite, with the quality check retried once', async () => {
    const state = await pizza({ sqlitePath: ':memory:', print: false });
    expect(state.status).toBe('complete');
    expect(state.data).toMatchObject({ delivered: true, box: 'large box', toppings: ['sauce', 'cheese', 'vegetables'], baked: ['margherita', 'funghi'], qualityChecks: 1, survey: true, ovenReady: true });
  });

  it('the quickstart completes', async () => {
    const state = await quickstart(':memory:');
    expect(state.status).toBe('complete');
    expect(state.data).toEqual({ email: 'ada@example.com', attempts: 1, welcomed: true });
  });

  it('the README shows the quickstart exactly as tested', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const block = readme.split('<!-- snippet: examples/quickstart.ts -->')[1]?.split('```ts\n')[1]?.split('```')[0];
    expect(block).toBe(readFileSync(new URL('../../examples/quickstart.ts', import.meta.url), 'utf8'));
  });
});
