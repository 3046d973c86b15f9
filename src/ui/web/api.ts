// The debugger's calls to its server: JSON in, JSON out; every failure is an ApiProblem with a message for people.
import type { ChainReport, Explanation, ForkOptions, HistoryEntry, StateDiff, StateView, StepGraph, WhatIfResult } from '../../inspect/inspector';
import type { SearchPage } from '../../ports/instance-index';
import type { WorkflowStatus } from '../../domain/state';

export type { ChainReport, Explanation, StateDiff, StateView, StepGraph, SearchPage, WorkflowStatus };
export type InstanceSummary = SearchPage['items'][number];
export type TimelineRow = Omit<HistoryEntry, 'event'>;
export type WhatIf = Omit<WhatIfResult, 'history'> & { readonly history: readonly TimelineRow[] };
export type Counts = readonly { readonly definitionId: string; readonly status: WorkflowStatus; readonly count: number }[];

/** What the server wrote into the page. */
export interface PageConfig {
  readonly base: string;
  readonly canFork: boolean;
  readonly store: string;
  readonly version: string;
}

export function pageConfig(): PageConfig {
  const el = document.getElementById('wfe-config');
  const fallback: PageConfig = { base: '/', canFork: false, store: '', version: '' };
  if (!el?.textContent) return fallback;
  try {
    return { ...fallback, ...(JSON.parse(el.textContent) as Partial<PageConfig>) };
  } catch {
    return fallback;
  }
}

/** A failed call: the server's code and message, or what went wrong on the way. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers: { accept: 'application/json', ...(init?.body ? { 'content-type': 'application/json' } : {}) } });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiProblem(0, 'OFFLINE', 'the debugger server cannot be reached (is wfe ui still running?)');
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    throw new ApiProblem(res.status, 'BAD_ANSWER', `the server answered ${res.status} with something that is not JSON`);
  }
  if (!res.ok) {
    const err = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiProblem(res.status, err?.code ?? 'HTTP_' + res.status, err?.message ?? `the server answered ${res.status}`);
  }
  return body as T;
}

const enc = encodeURIComponent;
const withSignal = (signal?: AbortSignal): RequestInit | undefined => (signal ? { signal } : undefined);

export const api = {
  search: (params: URLSearchParams, signal?: AbortSignal) => call<SearchPage>(`api/instances?${params.toString()}`, withSignal(signal)),
  counts: () => call<Counts>('api/counts'),
  history: (id: string) => call<TimelineRow[]>(`api/instances/${enc(id)}/history`),
  event: (id: string, v: number) => call<HistoryEntry>(`api/instances/${enc(id)}/events/${v}`),
  state: (id: string, v: number, signal?: AbortSignal) => call<StateView>(`api/instances/${enc(id)}/state?v=${v}`, withSignal(signal)),
  diff: (id: string, v: number, signal?: AbortSignal) => call<StateDiff>(`api/instances/${enc(id)}/diff?from=${v - 1}&to=${v}`, withSignal(signal)),
  graph: (id: string, v: number, signal?: AbortSignal) => call<StepGraph>(`api/instances/${enc(id)}/graph?v=${v}`, withSignal(signal)),
  explain: (id: string, v: number, signal?: AbortSignal) => call<Explanation>(`api/instances/${enc(id)}/explain?v=${v}`, withSignal(signal)),
  verify: (id: string) => call<ChainReport>(`api/instances/${enc(id)}/verify`),
  whatIf: (id: string, options: ForkOptions) => call<WhatIf>(`api/instances/${enc(id)}/what-if`, { method: 'POST', body: JSON.stringify(options) }),
  fork: (id: string, options: ForkOptions & { confirmed: true }) =>
    call<{ instanceId: string; runs: boolean }>(`api/instances/${enc(id)}/fork`, { method: 'POST', body: JSON.stringify(options) }),
};
