import type { DocPath } from './yaml-source.js';

/** A step found anywhere in a workflow: top level, a parallel child, or a hook. */
export interface FoundStep {
  readonly step: Record<string, unknown>;
  readonly path: DocPath;
}

const HOOKS = ['on_success', 'on_failure', 'ensure'] as const;

/** Every step of a (possibly invalid) step list, depth first, with its document path. */
export function allSteps(steps: unknown, path: DocPath, into: FoundStep[] = []): FoundStep[] {
  if (!Array.isArray(steps)) return into;
  steps.forEach((step, i) => visitStep(step, [...path, i], into));
  return into;
}

function visitStep(step: unknown, path: DocPath, into: FoundStep[]): void {
  if (!isRecord(step)) return;
  into.push({ step, path });
  allSteps(step.parallel, [...path, 'parallel'], into);
  for (const hook of HOOKS) {
    const h = step[hook];
    if (Array.isArray(h)) allSteps(h, [...path, hook], into);
    else if (h !== undefined) visitStep(h, [...path, hook], into);
  }
}

/** A plain map (not null, not a list). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The workflows of a file value with their document paths. */
export function workflowsOf(file: unknown): { wf: Record<string, unknown>; path: DocPath }[] {
  if (!isRecord(file)) return [];
  if (isRecord(file.workflow)) return [{ wf: file.workflow, path: ['workflow'] }];
  if (Array.isArray(file.workflows)) {
    return file.workflows.flatMap((wf, i) => (isRecord(wf) ? [{ wf, path: ['workflows', i] as DocPath }] : []));
  }
  return [];
}
