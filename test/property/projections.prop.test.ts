/**
 * Determinism property 4: projections rebuilt from zero equal projections built incrementally, on
 * the real built-in projections (instance index, step rows, counters). Each is built four ways:
 * by the host itself (the index is written inline with every append), by the runner catching up on
 * the global log in pages of a generated size, one event at a time, and from zero in one page. All
 * agree, the index equals the summary of `fold(log)`, and `verifyProjection` finds no drift in the
 * host's index.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fold } from '../../src/domain/evolve.js';
import { builtInProjections } from '../../src/projections/catalog.js';
import { summarizeInstance } from '../../src/projections/instance-summary.js';
import { applyChanges, catchUp } from '../../src/projections/runner.js';
import { memorySink } from '../../src/projections/sinks.js';
import { StreamStates } from '../../src/projections/stream-states.js';
import { verifyProjection } from '../../src/projections/verify.js';
import { propertyParams, timeoutFor } from './support/config.js';
import { drive, HostEngine, INSTANCE_ID } from './support/engines.js';
import { buildScenario, scenarioArb } from './support/scenario.js';
import { eventsOf, expectSame } from './support/checks.js';

describe('property 4: projections', () => {
  it('every built-in projection rebuilt from zero equals it built page by page, event by event, and live', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb(), fc.integer({ min: 1, max: 7 }), async (sc, pageSize) => {
        const b = buildScenario(sc);
        const engine = new HostEngine(b);
        await engine.open();
        try {
          await drive(engine, sc, b);
          const p = engine.persistence;
          const now = () => engine.now();
          const lookup = (id: string, v: number) => (id === b.built.definition.id && v === b.built.definition.version ? b.built.definition : undefined);
          const stored = await p.log.read(INSTANCE_ID);
          for (const bound of builtInProjections(p, lookup)) {
            const { projection } = bound;
            const paged = memorySink<unknown>('paged');
            const pagedRun = await catchUp({ projection, sink: paged, log: p.log, now, pageSize });
            expect(pagedRun.events).toBe((await p.log.readAll(undefined, 100_000)).length);
            const whole = memorySink<unknown>('whole');
            await catchUp({ projection, sink: whole, log: p.log, now, pageSize: 100_000 });
            // One event at a time, through the same StreamStates the runner uses.
            const states = new StreamStates(p.log);
            const single = memorySink<unknown>('single');
            for (const e of stored) {
              const writes = await applyChanges(projection, single, [await states.change(e.streamId, [e])]);
              for (const w of writes) w.doc === null ? single.docs.delete(w.key) : single.docs.set(w.key, w.doc);
            }
            expectSame(Object.fromEntries(paged.docs), Object.fromEntries(whole.docs), `${projection.name}: paged vs whole`);
            expectSame(Object.fromEntries(single.docs), Object.fromEntries(whole.docs), `${projection.name}: event by event vs whole`);
          }
          // The host's own index row: written inline, equal to the summary of the fold.
          const final = fold(undefined, eventsOf(stored));
          expectSame(await p.instances.get(INSTANCE_ID), summarizeInstance(final, lookup), 'index row vs summary of the fold');
          const [instances] = builtInProjections(p, lookup);
          const report = await verifyProjection(instances!.projection, instances!.sink(), p.log, now);
          expect(report.drifted).toEqual([]);
        } finally {
          await engine.close();
        }
      }),
      propertyParams(),
    );
  }, timeoutFor(50));
});
