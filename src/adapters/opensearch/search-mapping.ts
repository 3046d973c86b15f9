import type { FieldValue, InstanceSummary } from '../../ports/instance-index.js';
import { documentTokens } from '../../projections/search-query.js';

/**
 * How a search document (an `InstanceSummary`) is stored in OpenSearch. Times are `date` fields
 * (epoch ms); ids, status, names and wfe's own text tokens are `keyword`s (so whole-word and prefix
 * matches follow wfe's tokenizer exactly, as the embedded indexes do); `text` and `error` are also
 * analysed `text` for your own queries. Each declared data field is an object of typed values
 * (`n` number, `s` string, `b` boolean, `z` null), so a field that holds a number in one instance
 * and a string in another compares each by its own type, as the reference semantics say. The
 * mapping is `strict`: a field nobody declared is refused, never mapped by accident.
 */
export type StoredSearchDocument = Omit<InstanceSummary, 'status' | 'fields'> & {
  readonly status: string;
  readonly tokens: readonly string[];
  readonly data: Readonly<Record<string, { n?: number; s?: string; b?: boolean; z?: true }>>;
};

const keyword = { type: 'keyword' } as const;
const date = { type: 'date', format: 'epoch_millis' } as const;

/** The property name of a data field: dots (object paths in OpenSearch) and `%` escaped, so any path maps to one name and back. */
export function dataKey(path: string): string {
  return path.replace(/[.%]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The path a `dataKey` came from. */
export function dataPath(key: string): string {
  return key.replace(/%([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** The index mapping for the declared data fields (`dynamic: strict`). */
export function searchMapping(dataFields: readonly string[]): { dynamic: 'strict'; properties: Record<string, unknown> } {
  const data: Record<string, unknown> = {};
  for (const path of dataFields) {
    data[dataKey(path)] = { properties: { n: { type: 'double' }, s: keyword, b: { type: 'boolean' }, z: { type: 'boolean' } } };
  }
  return {
    dynamic: 'strict',
    properties: {
      instanceId: keyword,
      definitionId: keyword,
      definitionVersion: { type: 'integer' },
      definitionHash: keyword,
      reference: keyword,
      parentInstanceId: keyword,
      status: keyword,
      createdAt: date,
      updatedAt: date,
      completedAt: date,
      nextDueAt: date,
      version: { type: 'long' },
      waiting: { properties: { step: keyword, eventName: keyword, eventKey: keyword } },
      sleeping: keyword,
      failedSteps: keyword,
      error: { type: 'text' },
      text: { type: 'text' },
      tokens: keyword,
      data: { properties: data },
    },
  };
}

/** The checkpoint index's mapping: one document per physical index, keyed by its name. */
export const CHECKPOINT_MAPPING = {
  dynamic: 'strict',
  properties: { projection: keyword, projectionVersion: { type: 'integer' }, position: keyword, updatedAt: date },
} as const;

function typedValue(v: FieldValue): { n?: number; s?: string; b?: boolean; z?: true } {
  if (v === null) return { z: true };
  if (typeof v === 'number') return { n: v };
  if (typeof v === 'string') return { s: v };
  return { b: v };
}

/** The stored document of a summary; data fields not declared are left out (the mapping would refuse them). */
export function toSearchDocument(s: InstanceSummary, declared: ReadonlySet<string>): StoredSearchDocument {
  const data: Record<string, { n?: number; s?: string; b?: boolean; z?: true }> = {};
  for (const [path, value] of Object.entries(s.fields)) if (declared.has(path)) data[dataKey(path)] = typedValue(value);
  const { fields: _fields, ...rest } = s;
  return { ...rest, tokens: documentTokens(s.text), data };
}

/** The summary a stored document holds (what `get`, `list` and `search` return). */
export function fromSearchDocument(d: StoredSearchDocument): InstanceSummary {
  const { tokens: _tokens, data, ...rest } = d;
  const fields: Record<string, FieldValue> = {};
  for (const [key, v] of Object.entries(data ?? {})) {
    fields[dataPath(key)] = v.z ? null : v.n !== undefined ? v.n : v.s !== undefined ? v.s : v.b !== undefined ? v.b : null;
  }
  return { ...rest, status: rest.status as InstanceSummary['status'], fields };
}

/** `path -> type` of every leaf of a mapping's properties (`waiting.eventName -> keyword`), to compare mappings. */
export function leafTypes(properties: Record<string, unknown>, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, def] of Object.entries(properties)) {
    const d = def as { type?: string; properties?: Record<string, unknown> };
    const path = prefix ? `${prefix}.${name}` : name;
    if (d.properties) for (const [p, t] of leafTypes(d.properties, path)) out.set(p, t);
    else out.set(path, d.type ?? 'object');
  }
  return out;
}
