import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { YamlIssue } from './yaml-issue.js';
import type { DocPath, YamlSource } from './yaml-source.js';

const SCHEMA_FILE = join('schema', 'wfe-workflow.schema.json');

/** The published JSON Schema's path: `schema/wfe-workflow.schema.json` in the package. */
export function workflowSchemaPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, SCHEMA_FILE);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`cannot find ${SCHEMA_FILE} above ${fileURLToPath(import.meta.url)}`);
}

/** The JSON Schema for workflow files (editors can use the same file). */
export function workflowSchema(): Record<string, unknown> {
  return JSON.parse(readFileSync(workflowSchemaPath(), 'utf8')) as Record<string, unknown>;
}

let validator: ValidateFunction | undefined;

function validate(): ValidateFunction {
  validator ??= new Ajv({ allErrors: true, verbose: true, strict: false }).compile(workflowSchema());
  return validator;
}

/** Hints appended to "missing key" messages. */
const REQUIRED_HINTS: Record<string, string> = {
  config: ' (its settings: run or file for shell, script or file for deno, workflow for type workflow)',
  steps: ' (a list of steps)',
  name: ' (every step needs a name, unique in the workflow)',
  id: ' (the workflow id)',
};

/** Validates a document against the schema; every violation becomes an issue at its position. */
export function schemaIssues(source: YamlSource, value: unknown): YamlIssue[] {
  const check = validate();
  if (check(value)) return [];
  const errors = (check.errors ?? []).filter((e) => e.keyword !== 'if');
  // A oneOf/anyOf/not that carries its own message replaces the errors of its branches.
  const owned = errors.filter((e) => ['oneOf', 'anyOf', 'not'].includes(e.keyword) && message(e) !== undefined);
  const kept = errors.filter((e) => !owned.some((o) => o !== e && e.schemaPath.startsWith(`${o.schemaPath}/`)));
  return kept.map((e) => toIssue(source, e));
}

function message(e: ErrorObject): string | undefined {
  const custom = (e.parentSchema as { errorMessage?: unknown } | undefined)?.errorMessage;
  return typeof custom === 'string' ? custom : undefined;
}

function toIssue(source: YamlSource, e: ErrorObject): YamlIssue {
  const path = pointerToPath(e.instancePath);
  const params = e.params as Record<string, unknown>;
  const got = describe(e.data);
  const custom = message(e);
  if (e.keyword === 'additionalProperties') {
    const key = String(params.additionalProperty);
    const known = Object.keys((e.parentSchema as { properties?: object }).properties ?? {});
    const where = path.length === 0 ? ' (expected workflow, workflows, or a key starting with _ for templates)' : ` (expected one of: ${known.join(', ')})`;
    return source.issue([...path, key], `unknown key '${key}'${where}`, true);
  }
  if (e.keyword === 'required') {
    const key = String(params.missingProperty);
    return source.issue(path, `missing required key '${key}'${REQUIRED_HINTS[key] ?? ''}`);
  }
  if (e.keyword === 'propertyNames') {
    return source.issue([...path, String(params.propertyName)], `bad name '${String(params.propertyName)}': ${custom ?? e.message ?? ''}`, true);
  }
  if (custom) return source.issue(path, e.keyword === 'not' || e.keyword === 'oneOf' ? custom : `${custom}, got ${got}`);
  switch (e.keyword) {
    case 'type':
      return source.issue(path, `expected ${String(params.type).replace(',', ' or ')}, got ${got}`);
    case 'enum':
      return source.issue(path, `expected one of ${(params.allowedValues as unknown[]).join(', ')}, got ${got}`);
    case 'const':
      return source.issue(path, `expected ${JSON.stringify(params.allowedValue)}, got ${got}`);
    case 'minItems':
      return source.issue(path, `expected at least ${String(params.limit)} item(s)`);
    default:
      return source.issue(path, `${e.message ?? 'invalid'}, got ${got}`);
  }
}

/** `/workflows/0/steps/2` → `['workflows', 0, 'steps', 2]`. */
function pointerToPath(pointer: string): DocPath {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  const text = JSON.stringify(value) ?? String(value);
  return `${typeof value} ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`;
}
