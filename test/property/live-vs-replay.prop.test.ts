/**
 * Determinism property 1: the state the runtime held equals the fold of its log.
 * For generated definitions and generated step outcomes, the host's state (its cache, which is the
 * state `decide` returned) at every round and at the end equals `fold(undefined, log)` and equals the
 * log folded one event at a time with `evolve`. The host reports exactly the events it stored, and a
 * reference loop over `runPointer` + `decide` writes the same log (so the host loses no work).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EMPTY_STATE, evolve, fold } from '../../src/domain/evolve.js';
import type { WorkflowEvent } from '../../src/domain/events.js';
import type { InstanceState } from '../../src/domain/state.js';
import { propertyParams, timeoutFor } from './support/config.js';
import { drive, HostEngine, INSTANCE_ID, runPure } from './support/engines.js';
import { buildScenario, scenarioArb } from './support/scenario.js';
import { eventsOf, expectGapless, expectSame, jsonCopy, unexpectedHostErrors } from './support/checks.js';

describe('property 1: live run vs replay', () => {
  it('the state the host held equals fold(log) and evolve event by event', async () => {
    let ended = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb(), async (sc) => {
        const b = buildScenario(sc);
        const engine = await new HostEngine(b).open();
        const checkpoints: InstanceState[] = [];
        try {
          const { final } = await drive(engine, sc, b, (s) => {
            checkpoints.push(s);
          });
          const stored = await engine.history();
          expectGapless(stored);
          const events = eventsOf(stored);
          expect(final.version).toBe(events.length);

          const replayed = fold(undefined, events);
          expect(final).toStrictEqual(replayed);
          let stepwise = EMPTY_STATE;
          for (const e of events) stepwise = evolve(stepwise, e);
          expect(stepwise).toStrictEqual(replayed);

          for (const live of checkpoints) expect(live).toStrictEqual(fold(undefined, events.slice(0, live.version)));

          // What the host said it appended is what the log holds.
          expect(jsonCopy(engine.appended.flat())).toStrictEqual(events);
          expect(unexpectedHostErrors(engine.errors)).toEqual([]);

          // A reference loop over the same pieces writes the same log.
          const pure = await runPure(b, sc);
          expect(pure.engine.events).toEqual(jsonCopy(events));
          expect(pure.result.final).toStrictEqual(replayed);
          if (final.status !== 'runnable') ended++;
        } finally {
          await engine.close();
        }
      }),
      propertyParams(),
    );
    expect(ended).toBeGreaterThan(0);
  }, timeoutFor(60));

  it('instances run side by side on one host (group commit) each equal the fold of their own log, and one another', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb(), fc.integer({ min: 2, max: 3 }), async (sc, instances) => {
        const b = buildScenario(sc);
        const engine = await new HostEngine(b, { instances }).open();
        try {
          await drive(engine, sc, b);
          const logs: WorkflowEvent[][] = [];
          for (const id of engine.instanceIds) {
            const stored = await engine.persistence.log.read(id);
            expectGapless(stored);
            const events = eventsOf(stored);
            expectSame(await engine.host.getWorkflow(id), fold(undefined, events), `state of ${id} vs fold of its log`);
            logs.push(events.map((e) => (e.type === 'WorkflowStarted' ? { ...e, instanceId: INSTANCE_ID } : e)));
          }
          for (let i = 1; i < logs.length; i++) expectSame(logs[i], logs[0], `log of ${engine.instanceIds[i]} vs log of ${INSTANCE_ID}`);
          expect(unexpectedHostErrors(engine.errors)).toEqual([]);
        } finally {
          await engine.close();
        }
      }),
      propertyParams(),
    );
  }, timeoutFor(60));
});
