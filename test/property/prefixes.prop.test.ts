/**
 * Determinism property 6: every prefix of a valid log folds without error (time travel lands
 * anywhere). For every k, `fold(undefined, events[0..k])` does not throw, has version k, equals the
 * prefix folded one event at a time and the prefix as read back from the log; the queries the host
 * asks of a state answer on it; and every prefix that ends a batch is the state `decide` returned.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EMPTY_STATE, evolve, fold } from '../../src/domain/evolve.js';
import { nextDueAt, runnablePointers, waitingPointers } from '../../src/domain/queries.js';
import { activeIds, activePointers, allPointers, isTerminal } from '../../src/domain/state.js';
import { propertyParams, timeoutFor } from './support/config.js';
import { INSTANCE_ID, runPure } from './support/engines.js';
import { buildScenario, scenarioArb } from './support/scenario.js';
import { eventsOf, expectSame } from './support/checks.js';

describe('property 6: every prefix folds', () => {
  it('every prefix of a generated log folds without throwing, to the state at that version', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb(), async (sc) => {
        const { engine } = await runPure(buildScenario(sc), sc);
        const events = engine.events;
        const read = eventsOf(await engine.log.read(INSTANCE_ID));
        const batchEnds = new Set<number>();
        let n = 0;
        for (const batch of engine.batches) batchEnds.add((n += batch.length));

        let stepwise = EMPTY_STATE;
        for (let k = 0; k <= events.length; k++) {
          if (k > 0) stepwise = evolve(stepwise, events[k - 1]!);
          const s = fold(undefined, events.slice(0, k));
          expect(s.version).toBe(k);
          expectSame(s, stepwise, `fold vs evolve at version ${k}`);
          if (batchEnds.has(k)) expectSame(fold(undefined, read.slice(0, k)), s, `stored prefix at version ${k}`);

          // The host's questions have answers at any version.
          const now = s.createdAt;
          runnablePointers(s, now);
          waitingPointers(s);
          nextDueAt(s, now);
          const active = activePointers(s);
          expect(active.every((p) => p.active)).toBe(true);
          expect([...allPointers(s)].filter((p) => p.active).map((p) => p.id)).toEqual(activeIds(s));
          expect(s.activeCount).toBe(activeIds(s).length);
          if (isTerminal(s.status)) expect(active).toEqual([]);
        }
      }),
      propertyParams(),
    );
  }, timeoutFor(30));
});
