import type { StepParams } from '../domain/definition.js';
import type { Json } from '../domain/json.js';
import type { StepContext } from '../domain/step-api.js';
import { parseDuration } from '../executors/duration.js';
import { parseFieldPath, readField, type FieldPath } from './field-path.js';
import { isRecord } from './step-walk.js';
import type { YamlIssue } from './yaml-issue.js';
import type { DocPath, YamlSource } from './yaml-source.js';

/**
 * `type: wait`: wait for an event published with `wfe publish NAME KEY` (or the host's
 * `publishEvent`). Config: `event` (the name), `key`, optional `timeout` (a duration: then the step
 * fails with a `Timeout` error, handled like any failure) and `effective_date` (ms since the epoch
 * or an ISO date: only events effective at or after it count; default: any, even published before
 * the wait began).
 *
 * The key (and the name) may hold run-time placeholders `{{ instance_id }}` and `{{ .inputs.x }}`,
 * `{{ .outputs.x }}`, `{{ .a.b }}` (a data path, as in `when`), filled in when the wait begins;
 * `((path))` config interpolation applies at load as everywhere.
 */
export interface WaitStepConfig {
  readonly event: string;
  readonly key: string;
  readonly timeout?: string | number;
  readonly effective_date?: string | number;
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

type Part = string | { readonly instanceId: true } | { readonly field: FieldPath; readonly text: string };

/** A template's literal and placeholder parts; throws an Error saying what was expected. */
function parseTemplate(text: string): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    const inner = m[1] ?? '';
    if (inner === 'instance_id') parts.push({ instanceId: true });
    else if (inner.startsWith('.')) parts.push({ field: parseFieldPath(inner), text: inner });
    else throw new Error(`bad placeholder '{{ ${inner} }}' (expected {{ instance_id }} or a data path such as {{ .inputs.NAME }})`);
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

function render(parts: readonly Part[], data: unknown, instanceId: string, what: string): string {
  return parts
    .map((p) => {
      if (typeof p === 'string') return p;
      if ('instanceId' in p) return instanceId;
      const { found, value } = readField(data, p.field.segments);
      if (!found || value === null || value === undefined) throw new Error(`${what}: ${p.text} is not in the workflow data`);
      return typeof value === 'string' ? value : JSON.stringify(value);
    })
    .join('');
}

function effectiveDate(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}

/** Load errors of a `type: wait` step's config that the schema cannot see (placeholders, dates). */
export function waitStepIssues(source: YamlSource, step: Record<string, unknown>, path: DocPath): YamlIssue[] {
  if (step.type !== 'wait' || !isRecord(step.config)) return [];
  const issues: YamlIssue[] = [];
  for (const field of ['event', 'key'] as const) {
    const text = step.config[field];
    if (typeof text !== 'string') continue;
    try {
      parseTemplate(text);
    } catch (e) {
      issues.push(source.issue([...path, 'config', field], (e as Error).message));
    }
  }
  const date = step.config.effective_date;
  if (date !== undefined && effectiveDate(date) === undefined) {
    issues.push(source.issue([...path, 'config', 'effective_date'], `expected a time in ms since the epoch or an ISO date such as 2026-01-31T12:00:00Z, got ${JSON.stringify(date)}`));
  }
  return issues;
}

/**
 * The `waitFor` parameters of a validated `type: wait` step; `register(suffix, fn)` registers a
 * function under the step's name and returns that name.
 */
export function waitStepParams(stepName: string, config: WaitStepConfig, register: (suffix: string, fn: (...args: never[]) => unknown) => string): StepParams {
  const dyn = (field: 'event' | 'key', text: string) => {
    const parts = parseTemplate(text);
    if (parts.every((p) => typeof p === 'string')) return { value: text };
    return { fn: register(`:${field}`, ((data: unknown, ctx: StepContext) => render(parts, data, ctx.instanceId, `${stepName}: ${field}`)) as never) };
  };
  const timeout = config.timeout !== undefined ? parseDuration(config.timeout) : undefined;
  const date = config.effective_date !== undefined ? effectiveDate(config.effective_date) : undefined;
  return {
    eventName: dyn('event', config.event),
    eventKey: dyn('key', config.key),
    ...(timeout !== undefined ? { timeout: { value: timeout } } : {}),
    ...(date !== undefined ? { effectiveDate: { value: date } } : {}),
    config: config as unknown as Json,
  };
}

/**
 * The output mapping of a wait: the event's payload is `<step>.event` in the data, and when it is
 * an object its keys are merged into the data like a step's outputs.
 */
export function waitOutputs(stepName: string, merge: (draft: Record<string, unknown>, output: unknown) => void) {
  return (draft: Record<string, unknown>, output: { eventData?: Json }): void => {
    draft[`${stepName}.event`] = output.eventData ?? null;
    merge(draft, output.eventData);
  };
}
