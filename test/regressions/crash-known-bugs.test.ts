/**
 * Engine bugs the crash property found, kept as shrunk counterexamples in
 * test/fixtures/golden-logs/ and fixed since: each is now a regression test. The plain "reproduces"
 * test beside each checks that the reproduction still crashes where it claims (and that the run
 * without a crash behaves), so the fix test cannot pass for a wrong reason.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { crashRun, type CrashMode } from '../property/support/crash.js';
import { INSTANCE_ID } from '../property/support/engines.js';
import type { Scenario } from '../property/support/scenario.js';

interface CrashFixture {
  readonly description: string;
  readonly scenario: Scenario;
  readonly crash: { readonly mode: CrashMode; readonly survive: number };
  readonly withoutCrash: { readonly status: string; readonly events: readonly string[] };
}

function fixture(name: string): CrashFixture {
  return JSON.parse(readFileSync(new URL(`../fixtures/golden-logs/${name}`, import.meta.url), 'utf8')) as CrashFixture;
}

async function reproduce(f: CrashFixture) {
  const r = await crashRun(f.scenario, 0, f.crash.mode, { survive: f.crash.survive });
  const indexed = await r.engine.current.persistence.instances.get(INSTANCE_ID);
  return { ...r, indexed };
}

describe('crash right after an append that records a wait (crash-after-event-awaited.json)', () => {
  const f = fixture('crash-after-event-awaited.json');

  it('reproduces: the host dies right after the EventAwaited append', async () => {
    const r = await reproduce(f);
    expect(r.crash.dead).toBe(true);
    expect(r.expected.final.status).toBe(f.withoutCrash.status);
    expect(r.reference.appended[f.crash.survive - 1]?.map((e) => e.type)).toContain('EventAwaited');
    expect(r.stored.map((e) => e.event.type)).toContain('EventAwaited');
  });

  // WAS A BUG (runtime), fixed: the host re-subscribes every waiting pointer it loads.
  // the subscription of a wait is made after the append, by the host that appended.
  // If that host dies in between, no later host re-subscribes the waiting pointer when it claims
  // the instance, so an event published afterwards finds no subscriber, nobody enqueues the
  // instance, and it waits forever. A host could subscribe every waiting pointer it loads (it
  // already looks for deliverable events then), or publishEvent could find waits from the log side.
  it('a new host still delivers an event published after the crash', async () => {
    const r = await reproduce(f);
    expect(r.actual.final.status).toBe('complete');
    expect(r.actual.final.data).toEqual(r.expected.final.data);
  });
});

describe('crash right after the terminal append (crash-after-terminal-append.json)', () => {
  const f = fixture('crash-after-terminal-append.json');

  it('reproduces: the host dies right after the WorkflowCompleted append', async () => {
    const r = await reproduce(f);
    expect(r.crash.dead).toBe(true);
    expect(r.actual.final.status).toBe('complete');
    expect(r.reference.appended[f.crash.survive - 1]?.map((e) => e.type)).toContain('WorkflowCompleted');
  });

  // WAS A BUG (runtime), fixed: process() runs the end-of-life work (index, hooks, child notice) for a terminal instance.
  // `process()` returns at once for a terminal instance
  // (`if (!state || isTerminal(state.status)) return undefined;`), so what `afterAppend` would have
  // done after the terminal append is never done by the host that takes over: the instance index
  // keeps the old status, `workflow:completed` hooks and post-workflow middleware never run, and a
  // child workflow never publishes CHILD_ENDED_EVENT, so its parent waits forever.
  it('the instance index ends up with the final status', async () => {
    const r = await reproduce(f);
    expect(r.indexed?.status).toBe('complete');
  });
});

describe('crash right after a resume is appended (crash-after-resume-append.json)', () => {
  const f = fixture('crash-after-resume-append.json');

  it('reproduces: the host dies right after the WorkflowResumed append', async () => {
    const r = await reproduce(f);
    expect(r.crash.dead).toBe(true);
    expect(r.expected.final.status).toBe(f.withoutCrash.status);
    expect(r.reference.appended[f.crash.survive - 1]?.map((e) => e.type)).toEqual(['WorkflowResumed']);
    expect(r.stored.map((e) => e.event.type)).toContain('WorkflowResumed');
  });

  // WAS A BUG (runtime), fixed: command() enqueues before it appends.
  // `WorkflowHost.command()` appends the command's events and only then enqueues the
  // instance (`await this.enqueuer!.add(...)` after `commit`). A suspended instance has no queue
  // entry (its last claim released it with no due time), so when the process dies between the two,
  // the resumed instance is runnable and nobody ever works on it again. `startWorkflow` already does
  // it the safe way round ("Queue first"); `command()` could enqueue before committing.
  it('a resumed instance is worked on after the crash', async () => {
    const r = await reproduce(f);
    expect(r.actual.final.status).toBe('complete');
  });
});

describe('crash right after the first append (crash-after-start-append.json)', () => {
  const f = fixture('crash-after-start-append.json');

  it('reproduces: the host dies right after the WorkflowStarted append; without a crash the index lists the instance', async () => {
    const r = await reproduce(f);
    expect(r.crash.dead).toBe(true);
    expect(r.reference.appended[f.crash.survive - 1]?.map((e) => e.type)).toContain('WorkflowStarted');
    expect(r.actual.final.status).toBe(f.withoutCrash.status);
    expect((await r.reference.persistence.instances.get(INSTANCE_ID))?.status).toBe('runnable');
  });

  // WAS A BUG (runtime), fixed: the host that loads an instance puts its index row right when the row
  // disagrees with the log (the host that appended the status change may have died before writing it).
  it('the instance index lists the running instance after the crash', async () => {
    const r = await reproduce(f);
    expect(r.indexed?.status).toBe('runnable');
  });
});
