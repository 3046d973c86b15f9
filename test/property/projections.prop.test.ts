/**
 * Determinism property 4: projections rebuilt from zero equal projections built incrementally.
 * There is no projection module yet (src/projections is empty), so the projection here is the
 * instance summary a read model keeps: status, version, data, timestamps. It is built three ways:
 * live, one appended batch at a time from the host's `events:appended`, kept in a JSON store
 * between batches; by catching up on the global log (`readAll`) in pages of a generated size; and
 * rebuilt from zero over the whole stream at once. All three equal the summary of `fold(log)`, and
 * the host's own instance index agrees on what it records (status, timestamps, definition).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WorkflowEvent } from '../../src/domain/events.js';
import { applyDataPatches, fold } from '../../src/domain/evolve.js';
import type { Json } from '../../src/domain/json.js';
import type { InstanceState, WorkflowStatus } from '../../src/domain/state.js';
import { comparePositions, type LogPosition } from '../../src/log/position.js';
import { propertyParams, timeoutFor } from './support/config.js';
import { drive, HostEngine, INSTANCE_ID } from './support/engines.js';
import { buildScenario, scenarioArb } from './support/scenario.js';
import { eventsOf, expectSame, jsonCopy } from './support/checks.js';

interface Summary {
  instanceId: string;
  definitionId: string;
  definitionVersion: number;
  status: WorkflowStatus;
  version: number;
  data: Json;
  createdAt: number;
  completedAt?: number;
}

const EMPTY: Summary = { instanceId: '', definitionId: '', definitionVersion: 0, status: 'runnable', version: 0, data: null, createdAt: 0 };

/** The projection's reducer: one event, in place. Knows nothing of pointers. */
function project(s: Summary, e: WorkflowEvent): void {
  s.version++;
  switch (e.type) {
    case 'WorkflowStarted':
      Object.assign(s, { instanceId: e.instanceId, definitionId: e.definitionId, definitionVersion: e.definitionVersion, data: jsonCopy(e.data), createdAt: e.at, status: 'runnable' });
      return;
    case 'StepCompleted':
      if (e.patches) applyDataPatches(s, e.patches);
      return;
    case 'DataChanged':
      applyDataPatches(s, e.patches);
      return;
    case 'WorkflowSuspended':
      s.status = 'suspended';
      return;
    case 'WorkflowResumed':
      s.status = 'runnable';
      return;
    case 'WorkflowCompleted':
    case 'WorkflowTerminated':
    case 'WorkflowFailed':
      s.status = e.type === 'WorkflowCompleted' ? 'complete' : e.type === 'WorkflowTerminated' ? 'terminated' : 'failed';
      s.completedAt = e.at;
      return;
    default:
      return;
  }
}

function rebuild(events: readonly WorkflowEvent[]): Summary {
  const s = jsonCopy(EMPTY);
  for (const e of events) project(s, e);
  return s;
}

function summaryOf(st: InstanceState): Summary {
  return {
    instanceId: st.instanceId,
    definitionId: st.definitionId,
    definitionVersion: st.definitionVersion,
    status: st.status,
    version: st.version,
    data: st.data,
    createdAt: st.createdAt,
    ...(st.completedAt !== undefined ? { completedAt: st.completedAt } : {}),
  };
}

describe('property 4: projections', () => {
  it('the summary rebuilt from zero equals the one built batch by batch, page by page, and the fold', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb(), fc.integer({ min: 1, max: 7 }), async (sc, pageSize) => {
        const b = buildScenario(sc);
        const engine = new HostEngine(b);
        // Live: one batch at a time, stored as JSON between batches (as a read model would).
        let stored = JSON.stringify(EMPTY);
        engine.host.on('events:appended', ({ instanceId, events, version }) => {
          if (instanceId !== INSTANCE_ID) return;
          const s = JSON.parse(stored) as Summary;
          for (const e of events) project(s, e);
          expect(s.version).toBe(version);
          stored = JSON.stringify(s);
        });
        await engine.open();
        try {
          const { final } = await drive(engine, sc, b);
          const events = eventsOf(await engine.persistence.log.read(INSTANCE_ID));

          // Catch-up: the global log in pages, the position remembered between pages.
          const caught = jsonCopy(EMPTY);
          let position: LogPosition | undefined;
          for (let pages = 0; ; pages++) {
            if (pages > events.length + 1) expect.fail(`readAll still returns events after ${pages} pages of ${pageSize} (position ${position})`);
            const page = await engine.persistence.log.readAll(position, pageSize);
            if (page.length === 0) break;
            expect(page.length).toBeLessThanOrEqual(pageSize);
            expect(comparePositions(page[0]!.position, position)).toBeGreaterThan(0);
            for (const e of page) if (e.streamId === INSTANCE_ID) project(caught, e.event);
            position = page[page.length - 1]!.position;
          }

          const fromZero = rebuild(events);
          const expected = summaryOf(fold(undefined, events));
          expectSame(fromZero, expected, 'projection rebuilt from zero vs summary of the fold');
          expectSame(JSON.parse(stored), fromZero, 'live projection vs rebuilt');
          expectSame(caught, fromZero, 'caught-up projection vs rebuilt');
          expect(fromZero.status).toBe(final.status);

          // The host's own index (a projection it updates when the status changes).
          const indexed = await engine.persistence.instances.get(INSTANCE_ID);
          expect(indexed).toBeDefined();
          expect({
            status: indexed?.status,
            definitionId: indexed?.definitionId,
            definitionVersion: indexed?.definitionVersion,
            createdAt: indexed?.createdAt,
            completedAt: indexed?.completedAt,
          }).toEqual({
            status: fromZero.status,
            definitionId: fromZero.definitionId,
            definitionVersion: fromZero.definitionVersion,
            createdAt: fromZero.createdAt,
            completedAt: fromZero.completedAt,
          });
        } finally {
          await engine.close();
        }
      }),
      propertyParams(),
    );
  }, timeoutFor(50));
});
