import { basename, extname } from 'node:path';
import type { WorkflowDefinition } from '../domain/definition.js';
import { CliError } from './cli-error.js';

/** The workflows that some `type: workflow` step of the file calls. */
function calledIds(definitions: readonly WorkflowDefinition[]): Set<string> {
  const called = new Set<string>();
  for (const d of definitions) {
    for (const s of d.steps) {
      const target = (s.params?.config as { workflow?: unknown } | undefined)?.workflow;
      if (s.label === 'workflow' && typeof target === 'string') called.add(target);
    }
  }
  return called;
}

/**
 * The workflow `wfe run` starts: the one asked for; else the file's only workflow; else the one
 * named like the file (`deploy.yaml` → `deploy`); else the only one no other workflow calls (the
 * root of a file of composed workflows); else an error listing them.
 */
export function chooseWorkflow(file: string, definitions: readonly WorkflowDefinition[], asked?: string): WorkflowDefinition {
  const ids = [...new Set(definitions.map((d) => d.id))];
  const highest = (id: string) => definitions.filter((d) => d.id === id).reduce((a, b) => (b.version > a.version ? b : a));
  if (asked !== undefined) {
    if (!ids.includes(asked)) throw new CliError(`${file} has no workflow '${asked}' (it has: ${ids.join(', ')})`);
    return highest(asked);
  }
  if (ids.length === 1) return highest(ids[0]!);
  const named = basename(file, extname(file));
  if (ids.includes(named)) return highest(named);
  const called = calledIds(definitions);
  const roots = ids.filter((id) => !called.has(id));
  if (roots.length === 1) return highest(roots[0]!);
  throw new CliError(`${file} has ${ids.length} workflows; choose one with --workflow (it has: ${ids.join(', ')})`);
}
