/**
 * Determinism property 3: resuming is idempotent. For the replayed state of an instance that has
 * ended or is waiting (for an event, a timer, or a resume), nothing is left to decide at that time:
 * - a new host over the same stores, told to work on the instance, appends nothing;
 * - no pointer is runnable and no published event is deliverable to a waiting pointer;
 * - `Resume` is rejected unless the instance is suspended, and a second `Resume` after one is;
 * - `decide` is a function: the same command on the same state gives the same decision, and leaves
 *   the state as it was.
 */
import fc from 'fast-check';
import { either as E } from 'fp-ts';
import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/domain/commands.js';
import { decide } from '../../src/domain/decide.js';
import { fold } from '../../src/domain/evolve.js';
import { nextDueAt, runnablePointers, waitingPointers } from '../../src/domain/queries.js';
import { isTerminal } from '../../src/domain/state.js';
import { WorkflowHost } from '../../src/runtime/host.js';
import { propertyParams, timeoutFor } from './support/config.js';
import { drive, HostEngine, INSTANCE_ID } from './support/engines.js';
import { buildScenario, scenarioArb } from './support/scenario.js';
import { eventsOf, expectSame, unexpectedHostErrors } from './support/checks.js';

describe('property 3: resume is idempotent', () => {
  it('a finished or waiting instance gets no new events from a second host, and decisions on its replayed state add none', async () => {
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(scenarioArb(), async (sc) => {
        const b = buildScenario(sc);
        const { definition } = b.built;
        const first = await new HostEngine(b).open();
        await drive(first, sc, b);
        await first.close();
        const { persistence, clock } = first;
        const before = await persistence.log.read(INSTANCE_ID);
        const events = eventsOf(before);
        const state = fold(undefined, events);
        const now = clock.now();
        seen.set(state.status, (seen.get(state.status) ?? 0) + 1);

        // Nothing is due now: no runnable pointer, no deliverable event.
        expect(runnablePointers(state, now)).toEqual([]);
        const due = nextDueAt(state, now);
        if (due !== undefined) expect(due).toBeGreaterThan(now);
        for (const p of waitingPointers(state)) {
          const consumed = new Set(Object.keys(state.consumed).filter((k) => k.startsWith(`${p.stepId}:`)).map((k) => k.slice(`${p.stepId}:`.length)));
          expect(await persistence.events.find(p.eventName ?? '', p.eventKey ?? '', p.eventAsOf ?? 0, consumed, 1)).toEqual([]);
        }

        // A second host, told to look at the instance now, appends nothing.
        const second = new WorkflowHost({ persistence, clock, hostId: 'host-b', pollInterval: 1000 });
        second.registerWorkflow(b.built);
        const errors: { error: unknown; where: string }[] = [];
        second.on('host:error', (e) => errors.push(e));
        await second.start();
        try {
          await persistence.queue.enqueue([{ instanceId: INSTANCE_ID, dueAt: now }]);
          await second.drain({ timeoutMs: 20_000 });
          expectSame(await persistence.log.read(INSTANCE_ID), before, 'log after a second host looked at the instance');
          expectSame(await second.getWorkflow(INSTANCE_ID), state, 'state held by the second host');
          expect(unexpectedHostErrors(errors)).toEqual([]);
        } finally {
          await second.stop();
        }

        // Resume only a suspended instance, and only once.
        const resume = decide(definition, state, { type: 'Resume' }, { now });
        if (state.status !== 'suspended') {
          expect(E.isLeft(resume)).toBe(true);
        } else {
          if (E.isLeft(resume)) throw resume.left;
          expect(resume.right.events[0]?.type).toBe('WorkflowResumed');
          expectSame(resume.right.state, fold(state, resume.right.events), 'decision state vs fold of its events');
          expect(E.isLeft(decide(definition, resume.right.state, { type: 'Resume' }, { now }))).toBe(true);
        }

        // decide is a function of (definition, state, command, now) and does not touch the state.
        const commands: Command[] = [{ type: 'Resume' }, { type: 'Suspend', reason: 'test' }, { type: 'Terminate', reason: 'test' }];
        for (const c of commands) {
          const r1 = decide(definition, state, c, { now });
          const r2 = decide(definition, state, c, { now });
          expectSame(r1, r2, `decide(${c.type}) twice`);
          if (E.isRight(r1)) expectSame(r1.right.state, fold(state, r1.right.events), `decide(${c.type}) state vs fold of its events`);
          else expect(r1.left.code).toMatch(/^INVALID_/);
          if (isTerminal(state.status)) expect(E.isLeft(r1)).toBe(true);
        }
        expectSame(state, fold(undefined, events), 'replayed state after decisions');
      }),
      propertyParams(),
    );
    expect(seen.size).toBeGreaterThan(1);
  }, timeoutFor(60));
});
