import { ERROR_BEHAVIOR_TYPES, isContainer, type StepDef, type WorkflowDefinition } from './definition.js';
import { WfeError } from './errors.js';
import { findNonJson } from './json.js';

/**
 * Check a definition before it is registered: ids match positions, every reference points at a step,
 * containers have a body, parallels have branches, retry numbers make sense, the whole thing is JSON.
 * Throws WfeError('DEFINITION_INVALID') listing every problem.
 */
export function validateDefinition(def: WorkflowDefinition): void {
  const problems: string[] = [];
  const where = (s: StepDef) => `step ${s.id} (${s.name})`;
  if (!def.id || typeof def.id !== 'string') problems.push('the definition needs a string id');
  if (!Number.isInteger(def.version) || def.version < 1) problems.push(`version must be a positive integer, not ${def.version}`);
  if (def.steps.length === 0) problems.push('the definition has no steps (start with startWith)');
  const exists = (id: number | undefined) => id !== undefined && Number.isInteger(id) && id >= 0 && id < def.steps.length;
  def.steps.forEach((s, i) => {
    if (s.id !== i) problems.push(`step at index ${i} has id ${s.id}`);
    for (const o of s.outcomes) if (!exists(o.next)) problems.push(`${where(s)}: outcome goes to unknown step ${o.next}`);
    for (const c of s.children) if (!exists(c)) problems.push(`${where(s)}: child ${c} is not a step`);
    for (const [field, ref] of [['compensation', s.compensation], ['onFailure', s.onFailure], ['ensure', s.ensure]] as const) {
      if (ref !== undefined && !exists(ref)) problems.push(`${where(s)}: ${field} refers to unknown step ${ref}`);
    }
    if (isContainer(s) && s.children.length === 0) {
      problems.push(`${where(s)}: a ${s.kind} needs a body${s.kind === 'parallel' ? ' (at least one branch)' : ''}`);
    }
    if (s.kind === 'task' && !s.body) problems.push(`${where(s)}: a task needs a body`);
    if ((s.kind === 'if' || s.kind === 'while') && !s.params?.condition) problems.push(`${where(s)}: a ${s.kind} needs a condition`);
    if (s.kind === 'forEach' && !s.params?.collection) problems.push(`${where(s)}: a forEach needs a collection`);
    if (s.kind === 'waitFor' && (!s.params?.eventName || !s.params.eventKey)) problems.push(`${where(s)}: waitFor needs an event name and key`);
    if (s.kind === 'delay' && !s.params?.duration) problems.push(`${where(s)}: delay needs a duration`);
    if ((s.kind === 'schedule' || s.kind === 'recur') && !s.params?.interval) problems.push(`${where(s)}: ${s.kind} needs an interval`);
    if (s.kind === 'decide' && !s.params?.expression && s.outcomes.some((o) => o.fn === undefined && o.value !== undefined)) problems.push(`${where(s)}: a decide without an expression takes predicate branches only`);
    if (s.kind === 'switch' && (s.params?.cases?.length ?? 0) !== s.children.length) problems.push(`${where(s)}: a switch needs one case per block`);
    if (s.kind === 'recur' && !s.params?.until) problems.push(`${where(s)}: recur needs an until condition`);
    const eb = s.errorBehavior;
    if (eb && !ERROR_BEHAVIOR_TYPES.has(eb.type)) problems.push(`${where(s)}: unknown error behaviour ${JSON.stringify(eb.type)}`);
    if (eb?.type === 'retry' && (!(eb.interval >= 0) || (eb.maxRetries !== undefined && !(eb.maxRetries >= 0)) || (eb.backoff !== undefined && !(eb.backoff >= 1)))) {
      problems.push(`${where(s)}: retry needs interval >= 0, maxRetries >= 0 and backoff >= 1`);
    }
  });
  if (!ERROR_BEHAVIOR_TYPES.has(def.defaultErrorBehavior?.type)) problems.push(`unknown default error behaviour ${JSON.stringify(def.defaultErrorBehavior?.type)}`);
  const bad = findNonJson(def);
  if (bad) problems.push(`the definition is not plain data at ${bad}`);
  if (problems.length > 0) {
    throw new WfeError('DEFINITION_INVALID', `workflow ${def.id}@${def.version} is invalid:\n- ${problems.join('\n- ')}`, { problems });
  }
}
