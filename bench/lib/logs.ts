/**
 * Event logs shaped exactly as the engine writes them (checked against a real host by
 * `compareWithEngine`), generated without running the engine so that large logs cost nothing to
 * make. A log is a list of commits: the events the host appends together.
 */
import type { Command, Execution } from '../../src/domain/commands.js';
import type { NewPointer, WorkflowEvent } from '../../src/domain/events.js';
import type { Json } from '../../src/domain/json.js';

export type Commits = WorkflowEvent[][];

const T0 = 1_704_067_200_000;

function started(instanceId: string, definitionId: string, data: Json, at: number): WorkflowEvent {
  return { type: 'WorkflowStarted', instanceId, definitionId, definitionVersion: 1, data, v: 1, at };
}
const activated = (pointers: NewPointer[], at: number): WorkflowEvent => ({ type: 'StepsActivated', pointers, v: 1, at });
const stepStarted = (pointerId: number, attempt: number, at: number): WorkflowEvent => ({ type: 'StepStarted', v: 1, at, pointerId, attempt });
const stepCompleted = (pointerId: number, at: number, patches?: { op: 'replace'; path: string[]; value: Json }[]): WorkflowEvent =>
  patches ? { type: 'StepCompleted', pointerId, patches, v: 1, at } : { type: 'StepCompleted', pointerId, v: 1, at };

/** `bench-3step`: 11 events in 4 commits. */
export function threeStepLog(instanceId: string, order = 1, at = T0): Commits {
  return [
    [started(instanceId, 'bench-3step', { order }, at), activated([{ id: 0, stepId: 0, scope: [] }], at)],
    [stepStarted(0, 1, at + 1), stepCompleted(0, at + 1), activated([{ id: 1, stepId: 1, scope: [], predecessorId: 0 }], at + 1)],
    [stepStarted(1, 1, at + 2), stepCompleted(1, at + 2), activated([{ id: 2, stepId: 2, scope: [], predecessorId: 1 }], at + 2)],
    [stepStarted(2, 1, at + 3), stepCompleted(2, at + 3), { type: 'WorkflowCompleted', v: 1, at: at + 3 }],
  ];
}

/** `bench-foreach` over n items: all n branches are active at once (2n + 13 events). */
export function forEachLog(instanceId: string, n: number, at = T0): Commits {
  const items = Array.from({ length: n }, (_, i) => i);
  const branches: NewPointer[] = items.map((item, i) => ({ id: 2 + i, stepId: 2, scope: [1], hasItem: true, item }));
  const run: WorkflowEvent[] = [];
  for (const b of branches) run.push(stepStarted(b.id, 1, at + 3), stepCompleted(b.id, at + 3));
  const after = 2 + n;
  return [
    [started(instanceId, 'bench-foreach', { items, i: 0, n }, at), activated([{ id: 0, stepId: 0, scope: [] }], at)],
    [stepStarted(0, 1, at + 1), stepCompleted(0, at + 1), activated([{ id: 1, stepId: 1, scope: [], predecessorId: 0 }], at + 1)],
    [stepStarted(1, 1, at + 2), { type: 'BranchesStarted', pointerId: 1, pointers: branches, v: 1, at: at + 2 }],
    [...run, { type: 'BranchCompleted', pointerId: 1, v: 1, at: at + 3 }, stepCompleted(1, at + 3), activated([{ id: after, stepId: 3, scope: [], predecessorId: 1 }], at + 3)],
    [stepStarted(after, 1, at + 4), stepCompleted(after, at + 4), { type: 'WorkflowCompleted', v: 1, at: at + 4 }],
  ];
}

/**
 * `bench-while` with n iterations: one pointer per iteration, each ended before the next starts
 * (5 events per iteration in 2 commits; 5n + 11 events).
 */
export function whileLog(instanceId: string, n: number, at = T0): Commits {
  const commits: Commits = [
    [started(instanceId, 'bench-while', { items: [], i: 0, n }, at), activated([{ id: 0, stepId: 0, scope: [] }], at)],
    [stepStarted(0, 1, at), stepCompleted(0, at), activated([{ id: 1, stepId: 1, scope: [], predecessorId: 0 }], at)],
  ];
  for (let k = 0; k < n; k++) {
    const id = 2 + k;
    const t = at + 1 + k;
    commits.push([stepStarted(1, k + 1, t), { type: 'BranchesStarted', pointerId: 1, pointers: [{ id, stepId: 2, scope: [1] }], v: 1, at: t }]);
    commits.push([stepStarted(id, 1, t), stepCompleted(id, t, [{ op: 'replace', path: ['i'], value: k + 1 }]), { type: 'BranchCompleted', pointerId: 1, v: 1, at: t }]);
  }
  const t = at + 1 + n;
  const after = 2 + n;
  commits.push([stepStarted(1, n + 1, t), stepCompleted(1, t), activated([{ id: after, stepId: 3, scope: [], predecessorId: 1 }], t)]);
  commits.push([stepStarted(after, 1, t), stepCompleted(after, t), { type: 'WorkflowCompleted', v: 1, at: t }]);
  return commits;
}

export const flat = (commits: Commits): WorkflowEvent[] => commits.flat();
export const eventCount = (commits: Commits): number => commits.reduce((a, c) => a + c.length, 0);

/** A fresh deep copy (as if just read and parsed from a store). */
export function copyOf(commits: Commits, instanceId: string): Commits {
  const c = JSON.parse(JSON.stringify(commits)) as Commits;
  const first = c[0]![0] as { instanceId: string };
  first.instanceId = instanceId;
  return c;
}

/** Event content without times and ids, to compare a generated log with one the engine wrote. */
function shape(commits: readonly (readonly WorkflowEvent[])[]): string {
  return JSON.stringify(commits, (k, v: unknown) => {
    if (k === 'at' || k === 'instanceId') return undefined;
    // Key order is not content.
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

/** Where a generated log differs from the engine's (by commit), or undefined when they agree. */
export function compareWithEngine(generated: Commits, engine: readonly (readonly WorkflowEvent[])[]): string | undefined {
  const a = shape(generated);
  const b = shape(engine);
  if (a === b) return undefined;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `differs at char ${i}: generated …${a.slice(Math.max(0, i - 80), i + 80)}… engine …${b.slice(Math.max(0, i - 80), i + 80)}…`;
}

/** The commands a host decides, commit by commit, to write a log: what `decideAll` gets on the live path. */
export type CommandCommits = Command[][];

const execute = (pointerId: number, attempt: number, at: number, execution: Execution): Command => ({ type: 'Execute', pointerId, attempt, startedAt: at, execution });
const completed: Execution = { kind: 'completed' };

/** The commands that write `threeStepLog` (same commits). */
export function threeStepCommands(instanceId: string, order = 1, at = T0): CommandCommits {
  return [[{ type: 'Start', instanceId, data: { order } }], [execute(0, 1, at + 1, completed)], [execute(1, 1, at + 2, completed)], [execute(2, 1, at + 3, completed)]];
}

/** The commands that write `forEachLog` (same commits). */
export function forEachCommands(instanceId: string, n: number, at = T0): CommandCommits {
  const items = Array.from({ length: n }, (_, i) => i);
  return [
    [{ type: 'Start', instanceId, data: { items, i: 0, n } }],
    [execute(0, 1, at + 1, completed)],
    [execute(1, 1, at + 2, { kind: 'collection', items, sequential: false })],
    items.map((_, i) => execute(2 + i, 1, at + 3, completed)),
    [execute(2 + n, 1, at + 4, completed)],
  ];
}

/** The commands that write `whileLog` (same commits). */
export function whileCommands(instanceId: string, n: number, at = T0): CommandCommits {
  const commits: CommandCommits = [[{ type: 'Start', instanceId, data: { items: [], i: 0, n } }], [execute(0, 1, at, completed)]];
  for (let k = 0; k < n; k++) {
    const t = at + 1 + k;
    commits.push([execute(1, k + 1, t, { kind: 'condition', value: true })]);
    commits.push([execute(2 + k, 1, t, { kind: 'completed', patches: [{ op: 'replace', path: ['i'], value: k + 1 }] })]);
  }
  const t = at + 1 + n;
  commits.push([execute(1, n + 1, t, { kind: 'condition', value: false })], [execute(2 + n, 1, t, completed)]);
  return commits;
}
