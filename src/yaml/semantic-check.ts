import { parseFieldPath } from './field-path.js';
import { COMBINATORS, COMPARISON_OPS } from './spec.js';
import { allSteps, isRecord, workflowsOf, type FoundStep } from './step-walk.js';
import { parseValueType } from './value-type.js';
import { waitStepIssues } from './wait-step.js';
import type { YamlIssue } from './yaml-issue.js';
import type { DocPath, YamlSource } from './yaml-source.js';
import { workflowCycles } from './workflow-cycles.js';

/**
 * Checks JSON Schema cannot express: unique workflow ids and step names, type declarations,
 * `when` conditions (one operator, declared fields), step input paths, child workflow references
 * and cycles. Written for possibly invalid documents: whatever is malformed is skipped here (the
 * schema reports it).
 */
export function semanticIssues(source: YamlSource, file: unknown): YamlIssue[] {
  const issues: YamlIssue[] = [];
  const workflows = workflowsOf(file);
  const byId = new Map<string, { wf: Record<string, unknown>; path: DocPath }>();
  for (const entry of workflows) {
    const id = entry.wf.id;
    if (typeof id !== 'string') continue;
    const first = byId.get(id);
    if (first) issues.push(source.issue([...entry.path, 'id'], `duplicate workflow id '${id}' (first defined at line ${source.locate([...first.path, 'id']).line})`));
    else byId.set(id, entry);
  }
  for (const { wf, path } of workflows) {
    const steps = allSteps(wf.steps, [...path, 'steps']);
    checkTypes(source, wf, path, steps, issues);
    checkNames(source, steps, issues);
    const declared = declaredFields(wf, steps, byId);
    for (const { step, path: stepPath } of steps) {
      if (step.when !== undefined) checkCondition(source, step.when, [...stepPath, 'when'], declared, issues);
      checkStepInputs(source, step, stepPath, declared, issues);
      checkChildRef(source, step, stepPath, byId, issues);
      issues.push(...waitStepIssues(source, step, stepPath));
    }
  }
  for (const cycle of workflowCycles(byId)) issues.push(source.issue(cycle.at, `workflow cycle: ${cycle.ids.join(' -> ')}`));
  return issues;
}

function checkTypes(source: YamlSource, wf: Record<string, unknown>, path: DocPath, steps: FoundStep[], issues: YamlIssue[]): void {
  const check = (type: unknown, at: DocPath): void => {
    if (typeof type !== 'string') return;
    try {
      parseValueType(type);
    } catch (e) {
      issues.push(source.issue(at, (e as Error).message));
    }
  };
  for (const key of ['inputs', 'outputs'] as const) {
    if (isRecord(wf[key])) for (const [name, type] of Object.entries(wf[key])) check(type, [...path, key, name]);
  }
  for (const { step, path: stepPath } of steps) {
    if (!Array.isArray(step.outputs)) continue;
    step.outputs.forEach((o, i) => isRecord(o) && check(o.type, [...stepPath, 'outputs', i, 'type']));
  }
}

function checkNames(source: YamlSource, steps: FoundStep[], issues: YamlIssue[]): void {
  const seen = new Map<string, DocPath>();
  for (const { step, path } of steps) {
    if (typeof step.name !== 'string') continue;
    const first = seen.get(step.name);
    if (first) {
      issues.push(source.issue([...path, 'name'], `duplicate step name '${step.name}' (first used at line ${source.locate([...first, 'name']).line}; names are unique in a workflow, hooks and parallel children included)`));
    } else seen.set(step.name, path);
  }
}

/** Names a field path may start with. */
interface Declared {
  readonly inputs: ReadonlySet<string>;
  readonly outputs: ReadonlySet<string>;
}

function declaredFields(wf: Record<string, unknown>, steps: FoundStep[], byId: Map<string, { wf: Record<string, unknown> }>): Declared {
  const inputs = new Set(isRecord(wf.inputs) ? Object.keys(wf.inputs) : []);
  const outputs = new Set(isRecord(wf.outputs) ? Object.keys(wf.outputs) : []);
  for (const { step } of steps) {
    if (Array.isArray(step.outputs)) {
      for (const o of step.outputs) {
        const name = typeof o === 'string' ? o : isRecord(o) ? o.name : undefined;
        if (typeof name === 'string') outputs.add(name);
      }
    }
    if (typeof step.name === 'string' && step.parallel === undefined) {
      outputs.add(`${step.name}.stdout`);
      outputs.add(`${step.name}.stderr`);
    }
    const child = step.type === 'workflow' && isRecord(step.config) && typeof step.config.workflow === 'string' ? byId.get(step.config.workflow) : undefined;
    if (child && isRecord(child.wf.outputs)) for (const name of Object.keys(child.wf.outputs)) outputs.add(name);
  }
  return { inputs, outputs };
}

function checkField(source: YamlSource, field: unknown, at: DocPath, declared: Declared, issues: YamlIssue[], what: string): void {
  if (typeof field !== 'string') return;
  let parsed;
  try {
    parsed = parseFieldPath(field);
  } catch (e) {
    issues.push(source.issue(at, (e as Error).message));
    return;
  }
  const [first = '', second] = parsed.segments;
  const has = (set: ReadonlySet<string>): boolean => set.has(first) || (second !== undefined && set.has(`${first}.${second}`));
  const list = (set: ReadonlySet<string>): string => (set.size ? [...set].filter((n) => !/\.std(out|err)$/.test(n)).join(', ') || 'none' : 'none');
  if (parsed.scope === 'inputs' && !has(declared.inputs)) {
    issues.push(source.issue(at, `${what} '${field}' names an undeclared input '${first}' (declared inputs: ${list(declared.inputs)})`));
  } else if (parsed.scope === 'outputs' && !has(declared.outputs)) {
    issues.push(source.issue(at, `${what} '${field}' names an undeclared output '${first}' (declared outputs: ${list(declared.outputs)}; declare step outputs with outputs: [{name: ${first}}])`));
  } else if (parsed.scope === 'data' && !has(declared.inputs) && !has(declared.outputs)) {
    issues.push(source.issue(at, `${what} '${field}' names an undeclared field '${first}' (expected a declared input or output)`));
  }
}

function checkCondition(source: YamlSource, cond: unknown, at: DocPath, declared: Declared, issues: YamlIssue[]): void {
  if (!isRecord(cond)) return;
  const ops = COMPARISON_OPS.filter((o) => o in cond);
  const combinators = COMBINATORS.filter((c) => c in cond);
  if ('field' in cond) {
    if (combinators.length) issues.push(source.issue(at, `a condition has either a field and one operator or one combinator, not both (found field and ${combinators.join(', ')})`));
    else if (ops.length !== 1) {
      issues.push(source.issue(at, `a condition on field '${String(cond.field)}' needs exactly one operator (${COMPARISON_OPS.join(', ')})${ops.length ? `, found ${ops.join(', ')}` : ''}`));
    }
    checkField(source, cond.field, [...at, 'field'], declared, issues, '`when` field');
    return;
  }
  if (ops.length) issues.push(source.issue(at, `operator ${ops.join(', ')} needs a field (add field: .inputs.NAME)`));
  if (combinators.length !== 1) {
    if (!ops.length) issues.push(source.issue(at, `a condition needs a field and an operator, or exactly one of ${COMBINATORS.join(', ')}${combinators.length ? `, found ${combinators.join(', ')}` : ''}`));
    return;
  }
  const c = combinators[0]!;
  if (c === 'not') checkCondition(source, cond.not, [...at, 'not'], declared, issues);
  else if (Array.isArray(cond[c])) (cond[c] as unknown[]).forEach((sub, i) => checkCondition(source, sub, [...at, c, i], declared, issues));
}

function checkStepInputs(source: YamlSource, step: Record<string, unknown>, at: DocPath, declared: Declared, issues: YamlIssue[]): void {
  if (!Array.isArray(step.inputs)) return;
  step.inputs.forEach((input, i) => {
    if (!isRecord(input)) return;
    if ('path' in input && 'value' in input) issues.push(source.issue([...at, 'inputs', i], `a step input has a path or a value, not both`));
    checkField(source, input.path, [...at, 'inputs', i, 'path'], declared, issues, 'input path');
  });
}

function checkChildRef(source: YamlSource, step: Record<string, unknown>, at: DocPath, byId: Map<string, { wf: Record<string, unknown> }>, issues: YamlIssue[]): void {
  if (step.type !== 'workflow' || !isRecord(step.config) || typeof step.config.workflow !== 'string') return;
  const child = byId.get(step.config.workflow);
  if (!child) {
    issues.push(source.issue([...at, 'config', 'workflow'], `unknown workflow '${step.config.workflow}' (workflows in this file: ${[...byId.keys()].join(', ') || 'none'})`));
    return;
  }
  const want = step.config.workflow_version;
  const have = typeof child.wf.version === 'number' ? child.wf.version : 1;
  if (typeof want === 'number' && want !== have) {
    issues.push(source.issue([...at, 'config', 'workflow_version'], `workflow '${step.config.workflow}' has version ${have} in this file, not ${want}`));
  }
}
