/**
 * Replay re-runs no user code, so a step's recorded patches must reproduce exactly what its body
 * left in the data: for every successful execution of a generated step, applying the patches of its
 * `completed` execution to the data it ran against gives the body's own result (arrays grown,
 * shrunk, changed in place, nested objects, deleted keys).
 */
import fc from 'fast-check';
import { current, isDraft } from 'immer';
import { describe, expect, it } from 'vitest';
import { applyDataPatches } from '../../src/domain/evolve.js';
import type { Json } from '../../src/domain/json.js';
import { findPointer } from '../../src/domain/state.js';
import { propertyParams, timeoutFor } from './support/config.js';
import { runPure } from './support/engines.js';
import { buildScenario, scenarioArb } from './support/scenario.js';
import { expectSame } from './support/checks.js';

describe('recorded data patches', () => {
  it('reproduce what each step body left in the data', async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb(), async (sc) => {
        const computed = new Map<string, Json>();
        const b = buildScenario(sc, {
          observe: (ctx) => {
            const data = ctx.data as unknown;
            computed.set(`${ctx.pointerId}/${ctx.attempt}`, structuredClone(isDraft(data) ? current(data) : data) as Json);
          },
        });
        const checks: { key: string; replayed: Json; computed: Json | undefined }[] = [];
        await runPure(b, sc, (state, pointerId, attempt, x) => {
          const p = findPointer(state, pointerId);
          if (x.kind !== 'completed' || !p || b.built.definition.steps[p.stepId]?.kind !== 'task') return;
          const copy = { data: structuredClone(state.data) as Json };
          applyDataPatches(copy, x.patches ?? []);
          // Compared now: a pointer whose result a pass could not record (a sibling suspended the
          // workflow) runs again later with the same attempt number.
          const key = `${pointerId}/${attempt}`;
          checks.push({ key, replayed: copy.data, computed: computed.get(key) });
          computed.delete(key);
        });
        for (const c of checks) {
          expect(c.computed, `body result of ${c.key} recorded`).toBeDefined();
          expectSame(c.replayed, c.computed, `data from the patches of execution ${c.key}`);
          compared++;
        }
      }),
      propertyParams(),
    );
    expect(compared).toBeGreaterThan(0);
  }, timeoutFor(30));
});
