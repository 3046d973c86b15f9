import { describe, expect, it } from 'vitest';
import { createMemoryPersistence } from '../adapters/memory/index.js';
import { workflow } from '../domain/builder.js';
import { decide } from '../domain/decide.js';
import { EMPTY_STATE, fold } from '../domain/evolve.js';
import type { InstanceState } from '../domain/state.js';
import { either as E } from 'fp-ts';
import type { EventLog } from '../ports/event-log.js';
import { InstanceLoader } from './instance-loader.js';

const wf = workflow<{ n: number }>('race').startWith(() => {}).then(() => {}).build();

/** A log whose reads wait until `release()` is called (to interleave a load with a commit). */
function gatedLog(log: EventLog): { log: EventLog; hold(): void; release(): void } {
  let gate: Promise<void> | undefined;
  let open: (() => void) | undefined;
  return {
    log: { ...log, read: async (...args: Parameters<EventLog['read']>) => { const r = await log.read(...args); await gate; return r; } },
    hold: () => void (gate = new Promise((r) => (open = r))),
    release: () => open?.(),
  };
}

describe('InstanceLoader, a load racing a commit of the same instance', () => {
  it('checks a tail against the head of the state it folds onto, and never puts back an older state', async () => {
    const p = createMemoryPersistence();
    const started = decide(wf.definition, EMPTY_STATE, { type: 'Start', instanceId: 'i', data: { n: 0 } }, { now: 1 });
    if (E.isLeft(started)) throw started.left;
    const [first] = await p.log.appendBatch([{ streamId: 'i', expectedVersion: 0, events: started.right.events }]);
    const gated = gatedLog(p.log);
    const loader = new InstanceLoader(gated.log, p.snapshots);
    const v2 = (await loader.load('i'))!;
    expect(v2.version).toBe(2);
    // A load reads the tail (nothing new yet) and waits; meanwhile this host commits version 3.
    gated.hold();
    const loading = loader.load('i');
    const step = decide(wf.definition, v2, { type: 'Execute', pointerId: 0, attempt: 1, startedAt: 2, execution: { kind: 'completed' } }, { now: 2 });
    if (E.isLeft(step)) throw step.left;
    const [second] = await p.log.appendBatch([{ streamId: 'i', expectedVersion: 2, events: step.right.events }]);
    if (!second?.ok || !first?.ok) throw new Error('append failed');
    loader.remember(step.right.state as InstanceState, second.lastHash);
    gated.release();
    expect((await loading)!.version).toBe(2); // what it read before the commit
    // The next load starts from the committed state and its head: no false CORRUPT_LOG.
    const next = (await loader.load('i'))!;
    expect(next.version).toBe(step.right.state.version);
    expect(next).toEqual(fold(undefined, (await p.log.read('i')).map((e) => e.event)));
  });
});
