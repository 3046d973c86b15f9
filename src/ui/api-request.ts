import type { IncomingMessage } from 'node:http';
import type { Json } from '../domain/json.js';
import type { WorkflowStatus } from '../domain/state.js';
import type { ForkOptions } from '../inspect/inspector.js';
import type { SearchQuery } from '../ports/instance-index.js';
import { ApiError } from './api-errors.js';

const STATUSES: readonly WorkflowStatus[] = ['runnable', 'suspended', 'complete', 'terminated', 'failed'];

/** A version from the URL (`?v=12`): a whole number from 1, or a 400 naming the text. */
export function versionParam(url: URL, name = 'v'): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 0 || !Number.isSafeInteger(Number(raw))) {
    throw new ApiError(400, 'INVALID_ARGUMENT', `version ${JSON.stringify(raw)} in the address is not a whole number from 1`);
  }
  return Number(raw);
}

function timeParam(url: URL, name: string): number | undefined {
  const raw = url.searchParams.get(name);
  if (!raw) return undefined;
  const t = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (Number.isNaN(t)) throw new ApiError(400, 'INVALID_QUERY', `${name} ${JSON.stringify(raw)} is not a date (2026-11-29 or 2026-11-29T10:00)`);
  return t;
}

/** The search query of the instances page: `text`, `status` (comma-separated), `definition` (id or id@version), `from`, `to`, `failedStep`, `waitingFor`, `limit`, `cursor`, `sort`. */
export function searchQueryOf(url: URL): SearchQuery {
  const p = url.searchParams;
  const statuses = (p.get('status') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of statuses) if (!STATUSES.includes(s as WorkflowStatus)) throw new ApiError(400, 'INVALID_QUERY', `status ${JSON.stringify(s)}: expected one of ${STATUSES.join(', ')}`);
  const [definitionId, version] = (p.get('definition') ?? '').trim().split('@');
  if (version !== undefined && !/^\d+$/.test(version)) throw new ApiError(400, 'INVALID_QUERY', `definition version ${JSON.stringify(version)} is not a whole number`);
  const limit = p.get('limit');
  const sort = p.get('sort');
  const createdFrom = timeParam(url, 'from');
  const createdTo = timeParam(url, 'to');
  return {
    ...(p.get('text')?.trim() ? { text: p.get('text')!.trim() } : {}),
    ...(statuses.length ? { status: statuses as WorkflowStatus[] } : {}),
    ...(definitionId ? { definitionId } : {}),
    ...(version ? { definitionVersion: Number(version) } : {}),
    ...(createdFrom !== undefined ? { createdFrom } : {}),
    ...(createdTo !== undefined ? { createdTo } : {}),
    ...(p.get('failedStep') ? { failedStep: p.get('failedStep')! } : {}),
    ...(p.get('waitingFor') ? { waitingFor: p.get('waitingFor')! } : {}),
    ...(limit ? { limit: Number(limit) } : {}),
    ...(p.get('cursor') ? { cursor: p.get('cursor')! } : {}),
    ...(sort === 'updatedAt' || sort === 'createdAt' || sort === 'completedAt' ? { sort: { by: sort, order: 'desc' as const } } : {}),
  };
}

/** Reads a JSON request body of at most `maxBytes`; a 413 or 400 naming the problem otherwise. */
export async function readJsonBody(req: IncomingMessage, maxBytes = 2 * 1024 * 1024): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new ApiError(413, 'INVALID_ARGUMENT', `the request is larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ApiError(400, 'INVALID_ARGUMENT', `the request body is not JSON: ${(e as Error).message}`);
  }
}

/** A fork or what-if request: `{ atVersion, data? | patch?, actor?, reason?, confirmed? }`, checked field by field. */
export function forkOptionsOf(body: unknown, needActor: boolean): ForkOptions & { readonly confirmed: boolean } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError(400, 'INVALID_ARGUMENT', 'the request body must be a JSON object');
  const b = body as Record<string, unknown>;
  if (typeof b.atVersion !== 'number' || !Number.isSafeInteger(b.atVersion) || b.atVersion < 1) {
    throw new ApiError(400, 'INVALID_ARGUMENT', `atVersion must be a whole number from 1, not ${JSON.stringify(b.atVersion)}`);
  }
  if (b.patch !== undefined && !Array.isArray(b.patch)) throw new ApiError(400, 'INVALID_ARGUMENT', 'patch must be a list of { path, value }');
  const actor = typeof b.actor === 'string' ? b.actor.trim() : '';
  if (needActor && !actor) throw new ApiError(400, 'INVALID_ARGUMENT', 'a fork records who made it: give your name (actor)');
  if (actor.length > 200) throw new ApiError(400, 'INVALID_ARGUMENT', 'actor is longer than 200 characters');
  if (b.reason !== undefined && typeof b.reason !== 'string') throw new ApiError(400, 'INVALID_ARGUMENT', 'reason must be text');
  return {
    atVersion: b.atVersion,
    ...('data' in b ? { data: b.data as Json } : {}),
    ...(b.patch ? { patch: b.patch as ForkOptions['patch'] & object } : {}),
    ...(typeof b.definitionVersion === 'number' ? { definitionVersion: b.definitionVersion } : {}),
    ...(actor ? { actor } : {}),
    ...(typeof b.reason === 'string' && b.reason.trim() ? { reason: b.reason.trim() } : {}),
    confirmed: b.confirmed === true,
  };
}
