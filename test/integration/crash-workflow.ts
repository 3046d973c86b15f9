import { appendFileSync } from 'node:fs';
import { workflow } from '../../src/domain/builder.js';

export type CrashData = { n: number; items: number[]; done: string[] };

/**
 * A workflow for the crash test: sequential steps, parallel branches, a forEach and a short delay.
 * Every step execution appends `idempotencyKey` to `sideEffects`, so the test can count executions.
 */
export function crashWorkflow(sideEffects: string) {
  const effect = (label: string) => async (ctx: { idempotencyKey: string; data: CrashData }) => {
    await new Promise((r) => setTimeout(r, 2));
    appendFileSync(sideEffects, `${ctx.idempotencyKey} ${label}\n`);
    ctx.data.done.push(label);
  };
  return workflow<CrashData>('crashy', 1)
    .startWith(effect('first'), 'first')
    .parallel()
    .do((b) => b.startWith(effect('left'), 'left').then(effect('left-2'), 'left-2'))
    .do((b) => b.startWith(effect('right'), 'right'))
    .join()
    .forEach((d) => d.items, (b) => b.startWith(effect('item'), 'item'))
    .delay(20)
    .then(effect('last'), 'last')
    .build();
}
