import { afterAll, describe, expect, it } from 'vitest';
import { workflow } from './builder.js';
import { decide } from './decide.js';
import { EMPTY_STATE, fold } from './evolve.js';
import type { WorkflowEvent } from './events.js';
import type { ExecutionPointer, InstanceState } from './state.js';
import { copyPointer, copyState, freezeStates } from './state-writer.js';

// `Required<…>`: adding a field to the type without adding it here (and to the copy) fails to compile.
const everyPointerField: Required<ExecutionPointer> = {
  id: 3, stepId: 1, status: 'waitingForEvent', active: true, scope: [1, 0], predecessorId: 2, item: { a: 1 }, hasItem: true,
  sleepUntil: 10, retryCount: 1, attempt: 2, eventName: 'e', eventKey: 'k', eventAsOf: 5, eventTimeoutAt: 20, eventData: [1],
  eventId: 'ev', activity: { name: 'act', parameters: null }, open: 4, persistenceData: { index: 1 }, outcome: 'o', compensates: 1,
  chainId: 2, error: { type: 'Error', message: 'x' }, startedAt: 7, endedAt: 8, endSeq: 9, handler: true,
};
const everyStateField: Required<InstanceState> = {
  instanceId: 'i', definitionId: 'd', definitionVersion: 2, definitionHash: 'h', reference: 'r', status: 'suspended', data: { x: 1 },
  createdAt: 1, completedAt: 3, updatedAt: 2, version: 5, pointerChunks: [[everyPointerField]], pointerCount: 4, activeInChunk: [1],
  activeCount: 1, consumed: { '1:ev': true }, parentInstanceId: 'p', chains: {}, nextChainId: 3, failing: { type: 'Error', message: 'y' },
  forkedFrom: { instanceId: 'f', version: 2 }, suspendReason: 'why',
};

describe('StateWriter copies', () => {
  it('copyPointer and copyState keep every field (and add none)', () => {
    expect(copyPointer(everyPointerField)).toStrictEqual(everyPointerField);
    expect(copyState(everyStateField)).toStrictEqual(everyStateField);
    const minimal: ExecutionPointer = { id: 0, stepId: 0, status: 'pending', active: true, scope: [], retryCount: 0, attempt: 0, open: 0 };
    expect(copyPointer(minimal)).toStrictEqual(minimal);
  });
});

describe('fold never writes the state it folds onto, and hands out frozen states', () => {
  const wf = workflow<{ n: number }>('w').startWith(() => undefined, 'a').then(() => undefined, 'b').build();
  const ctx = { now: 1 };
  const start = decide(wf.definition, EMPTY_STATE, { type: 'Start', instanceId: 'x', data: { n: 1 } }, ctx);
  if (start._tag === 'Left') throw start.left;
  const s1 = start.right.state;

  it('a later fold leaves the earlier state as it was', () => {
    const before = JSON.stringify(s1);
    const events: WorkflowEvent[] = [
      { type: 'StepStarted', pointerId: 0, attempt: 1, v: 1, at: 2 },
      { type: 'StepCompleted', pointerId: 0, patches: [{ op: 'replace', path: ['n'], value: 2 }], v: 1, at: 2 },
      { type: 'StepsActivated', pointers: [{ id: 1, stepId: 1, scope: [], predecessorId: 0 }], v: 1, at: 2 },
    ];
    const s2 = fold(s1, events);
    expect(JSON.stringify(s1)).toBe(before);
    expect(s2.data).toEqual({ n: 2 });
    expect(s2.pointerChunks[0]?.[0]?.status).toBe('complete');
    expect(s1.pointerChunks[0]?.[0]?.status).toBe('pending');
  });

  it('with freezeStates(true) (the test suite\'s setting) a write to a state handed out throws', () => {
    const p = s1.pointerChunks[0]?.[0] as { status: string };
    expect(() => {
      p.status = 'complete';
    }).toThrow(TypeError);
    expect(() => {
      (s1 as { version: number }).version = 9;
    }).toThrow(TypeError);
    expect(() => {
      (s1.activeInChunk as number[])[0] = 0;
    }).toThrow(TypeError);
  });
});

describe('freezeStates', () => {
  afterAll(() => freezeStates(true));
  const events: WorkflowEvent[] = [
    { type: 'WorkflowStarted', instanceId: 'x', definitionId: 'd', definitionVersion: 1, data: { a: [1] }, v: 1, at: 1 },
    { type: 'StepsActivated', pointers: [{ id: 0, stepId: 0, scope: [] }], v: 1, at: 1 },
  ];
  const more: WorkflowEvent[] = [{ type: 'StepStarted', pointerId: 0, attempt: 1, v: 1, at: 2 }];

  it('changes whether states are frozen, not what they hold', () => {
    freezeStates(false);
    const loose = fold(fold(undefined, events), more);
    freezeStates(true);
    const frozen = fold(fold(undefined, events), more);
    expect(loose).toStrictEqual(frozen);
    expect(Object.isFrozen(loose)).toBe(false);
    expect(Object.isFrozen(frozen)).toBe(true);
    expect(Object.isFrozen(frozen.pointerChunks[0]?.[0])).toBe(true);
  });
});

describe('data patches on the live path (copy-on-write)', () => {
  const base = fold(undefined, [
    { type: 'WorkflowStarted', instanceId: 'x', definitionId: 'd', definitionVersion: 1, data: { a: { b: [1, 2] }, keep: { k: 1 } }, v: 1, at: 1 },
  ]);
  it('copies only the path it writes: the earlier state keeps its data, untouched parts are shared', () => {
    const next = fold(base, [
      { type: 'DataChanged', reason: 'r', patches: [{ op: 'add', path: ['a', 'b', '-'], value: 3 }, { op: 'replace', path: ['a', 'c'], value: { d: 1 } }], v: 1, at: 2 },
    ]);
    expect(base.data).toEqual({ a: { b: [1, 2] }, keep: { k: 1 } });
    expect(next.data).toEqual({ a: { b: [1, 2, 3], c: { d: 1 } }, keep: { k: 1 } });
    expect((next.data as { keep: object }).keep).toBe((base.data as { keep: object }).keep);
  });
  it('never follows or writes a prototype: a __proto__ path is dropped, a __proto__ key is a member', () => {
    const next = fold(base, [
      { type: 'DataChanged', reason: 'r', patches: [{ op: 'replace', path: ['__proto__', 'polluted'], value: true }, { op: 'add', path: ['__proto__'], value: { x: 1 } }], v: 1, at: 2 },
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(next.data)).toBe(Object.prototype);
    expect(Object.keys(next.data as object)).toContain('__proto__');
  });
});
