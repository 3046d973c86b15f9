/** The workflows the benchmarks run: no-op steps, so that what is measured is the engine. */
import { workflow } from '../../src/domain/builder.js';

export type LoopData = { items: number[]; i: number; n: number };

const noop = (): void => {};

/** Three no-op steps in a row. */
export const threeStep = workflow<{ order: number }>('bench-3step')
  .startWith(noop, 'one')
  .then(noop, 'two')
  .then(noop, 'three')
  .build();

/** A no-op step, a parallel forEach over `items` with a no-op body, a no-op step. */
export const forEachParallel = workflow<LoopData>('bench-foreach')
  .startWith(noop, 'before')
  .forEach((d) => d.items, (b) => b.startWith(noop, 'body'))
  .then(noop, 'after')
  .build();

/** The same with `sequential: true`. */
export const forEachSequential = workflow<LoopData>('bench-foreach-seq')
  .startWith(noop, 'before')
  .forEach((d) => d.items, (b) => b.startWith(noop, 'body'), { sequential: true })
  .then(noop, 'after')
  .build();

/** A no-op step, a while loop of `n` iterations whose body counts, a no-op step. */
export const whileLoop = workflow<LoopData>('bench-while')
  .startWith(noop, 'before')
  .whileDo((d) => d.i < d.n, (b) => b.startWith((ctx) => {
    ctx.data.i += 1;
  }, 'body'))
  .then(noop, 'after')
  .build();

export const loopData = (n: number): LoopData => ({ items: Array.from({ length: n }, (_, i) => i), i: 0, n });
