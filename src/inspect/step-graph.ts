import type { WorkflowDefinition } from '../domain/definition.js';
import { allPointers, type InstanceState, type PointerStatus } from '../domain/state.js';
import type { StepGraph } from './inspector.js';

type Node = StepGraph['nodes'][number];
type Edge = StepGraph['edges'][number];

/**
 * The definition's steps as a graph (next, child, compensation and handler edges), each step with
 * the status of its latest pointer in `state` ('not reached' without one) and its attempts summed
 * over all its pointers.
 */
export function stepGraph(definition: WorkflowDefinition, state: InstanceState): StepGraph {
  const latest = new Map<number, PointerStatus>();
  const attempts = new Map<number, number>();
  for (const p of allPointers(state)) {
    latest.set(p.stepId, p.status);
    attempts.set(p.stepId, (attempts.get(p.stepId) ?? 0) + p.attempt);
  }
  const parent = new Map<number, number>();
  const edges: Edge[] = [];
  for (const step of definition.steps) {
    for (const o of step.outcomes) edges.push({ from: step.id, to: o.next, kind: 'next' });
    for (const c of step.children) edges.push({ from: step.id, to: c, kind: 'child' });
    if (step.compensation !== undefined) edges.push({ from: step.id, to: step.compensation, kind: 'compensation' });
    if (step.onFailure !== undefined) edges.push({ from: step.id, to: step.onFailure, kind: 'handler' });
    if (step.ensure !== undefined) edges.push({ from: step.id, to: step.ensure, kind: 'handler' });
  }
  // A container's block: its children and whatever follows them by `next`.
  for (const step of definition.steps) {
    const blockStarts = [...step.children, ...[step.compensation, step.onFailure, step.ensure].filter((x): x is number => x !== undefined)];
    const todo = [...blockStarts];
    while (todo.length) {
      const id = todo.pop() as number;
      if (parent.has(id) || id === step.id) continue;
      parent.set(id, step.id);
      for (const o of definition.steps[id]?.outcomes ?? []) todo.push(o.next);
    }
  }
  const nodes: Node[] = definition.steps.map((step) => ({
    stepId: step.id,
    name: step.name,
    kind: step.kind,
    ...(parent.has(step.id) ? { parent: parent.get(step.id) as number } : {}),
    status: latest.get(step.id) ?? 'not reached',
    attempts: attempts.get(step.id) ?? 0,
  }));
  return { version: state.version, nodes, edges };
}
