/**
 * Determinism property 2: a snapshot is as good as the log it replaces.
 * `fold(fold(undefined, events[0..k]), events[k..])` equals `fold(undefined, events)` for every k,
 * also when the snapshot went through JSON (as every snapshot store keeps it) at every append; and a new host whose
 * loader starts from the snapshots the first host saved holds the same state as the fold of the log.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evolve, fold } from '../../src/domain/evolve.js';
import type { InstanceState } from '../../src/domain/state.js';
import { propertyParams, timeoutFor } from './support/config.js';
import { drive, HostEngine, INSTANCE_ID, runPure } from './support/engines.js';
import { buildScenario, scenarioArb } from './support/scenario.js';
import { eventsOf, expectSame, jsonCopy } from './support/checks.js';
import { WorkflowHost } from '../../src/runtime/host.js';

describe('property 2: snapshots', () => {
  it('fold(snapshot at k, tail) equals fold(all) for every k, and through JSON at every append', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb(), async (sc) => {
        const { engine } = await runPure(buildScenario(sc), sc);
        const events = engine.events;
        const all = fold(undefined, events);
        // Stores hold snapshots as JSON, taken after an append: check those at every batch end.
        const batchEnds = new Set<number>();
        let n = 0;
        for (const batch of engine.batches) batchEnds.add((n += batch.length));
        for (let k = 0; k <= events.length; k++) {
          const snapshot = fold(undefined, events.slice(0, k));
          const tail = events.slice(k);
          expectSame(fold(snapshot, tail), all, `fold(snapshot at ${k}, tail)`);
          if (batchEnds.has(k)) expectSame(fold(jsonCopy(snapshot) as InstanceState, tail), all, `fold(JSON snapshot at ${k}, tail)`);
        }
        // Snapshots taken from incrementally evolved states (what a host keeps in memory) too.
        let s = fold(undefined, []);
        for (let k = 0; k < events.length; k++) {
          s = evolve(s, events[k]!);
          if (k % 5 === 0) expectSame(fold(s, events.slice(k + 1)), all, `fold(evolved state at ${k + 1}, tail)`);
        }
      }),
      propertyParams(),
    );
  }, timeoutFor(40));

  it('a host that loads from the snapshot store holds the state the log folds into', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb(), fc.integer({ min: 1, max: 6 }), async (sc, snapshotEvery) => {
        const b = buildScenario(sc);
        const first = await new HostEngine(b, { host: { snapshotEvery } }).open();
        await drive(first, sc, b);
        await first.close();
        const events = eventsOf(await first.persistence.log.read(INSTANCE_ID));
        const snapshot = await first.persistence.snapshots.load(INSTANCE_ID);
        if (events.length >= snapshotEvery) expect(snapshot).toBeDefined();

        const second = new WorkflowHost({ persistence: first.persistence, clock: first.clock, hostId: 'host-b' });
        second.registerWorkflow(b.built);
        await second.start();
        try {
          const loaded = await second.getWorkflow(INSTANCE_ID);
          expectSame(loaded, fold(undefined, events), 'state loaded from snapshot + tail');
        } finally {
          await second.stop();
        }
      }),
      propertyParams(),
    );
  }, timeoutFor(50));
});
