// The instances page: search and filters on the read side's index, counters by status, live updates.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiProblem, type Counts, type InstanceSummary } from './api';
import { formatTime, STATUSES } from './format';
import { useLive } from './live';
import { LiveBadge } from './LiveBadge';
import { navigate } from './router';

interface Filters {
  text: string;
  status: string[];
  definition: string;
  from: string;
  to: string;
}

function filtersOf(params: URLSearchParams): Filters {
  return {
    text: params.get('text') ?? '',
    status: (params.get('status') ?? '').split(',').filter(Boolean),
    definition: params.get('definition') ?? '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
  };
}

function queryOf(f: Filters, cursor?: string): URLSearchParams {
  const q = new URLSearchParams();
  if (f.text.trim()) q.set('text', f.text.trim());
  if (f.status.length) q.set('status', f.status.join(','));
  if (f.definition.trim()) q.set('definition', f.definition.trim());
  if (f.from) q.set('from', f.from);
  if (f.to) q.set('to', f.to);
  if (cursor) q.set('cursor', cursor);
  return q;
}

export function InstancesPage({ params }: { params: URLSearchParams }) {
  const [filters, setFilters] = useState<Filters>(() => filtersOf(params));
  const [items, setItems] = useState<readonly InstanceSummary[]>([]);
  const [next, setNext] = useState<string | undefined>();
  const [counts, setCounts] = useState<Counts>([]);
  const [problem, setProblem] = useState<string | undefined>();
  const [loading, setLoading] = useState(true);
  const controller = useRef<AbortController | undefined>(undefined);

  const load = useCallback(async (f: Filters) => {
    controller.current?.abort();
    const c = new AbortController();
    controller.current = c;
    setLoading(true);
    try {
      const [page, counted] = await Promise.all([api.search(queryOf(f), c.signal), api.counts()]);
      if (c.signal.aborted) return;
      setItems(page.items);
      setNext(page.nextCursor);
      setCounts(counted);
      setProblem(undefined);
    } catch (e) {
      if ((e as Error).name === 'AbortError') return;
      setProblem(e instanceof ApiProblem ? e.message : `the search failed: ${(e as Error).message}`);
    } finally {
      if (!c.signal.aborted) setLoading(false);
    }
  }, []);

  // Search as the filters change (text after a short pause), and keep them in the address.
  useEffect(() => {
    const t = window.setTimeout(() => {
      const q = queryOf(filters).toString();
      navigate(q ? `?${q}` : '', true);
      void load(filters);
    }, 250);
    return () => window.clearTimeout(t);
  }, [filters, load]);

  // Live: another refresh at most once a second while instances change.
  const pendingRefresh = useRef<number | undefined>(undefined);
  const live = useLive(undefined, () => {
    if (pendingRefresh.current !== undefined) return;
    pendingRefresh.current = window.setTimeout(() => {
      pendingRefresh.current = undefined;
      void load(filtersRef.current);
    }, 1000);
  });
  const filtersRef = useRef(filters);
  filtersRef.current = filters;
  useEffect(() => () => window.clearTimeout(pendingRefresh.current), []);

  const more = async () => {
    if (!next) return;
    try {
      const page = await api.search(queryOf(filters, next));
      setItems((prev) => [...prev, ...page.items]);
      setNext(page.nextCursor);
    } catch (e) {
      setProblem(e instanceof ApiProblem ? e.message : String(e));
    }
  };

  const byStatus = new Map<string, number>();
  for (const c of counts) byStatus.set(c.status, (byStatus.get(c.status) ?? 0) + c.count);
  const definitions = [...new Set(counts.map((c) => c.definitionId))].sort();
  const toggleStatus = (s: string) =>
    setFilters((f) => ({ ...f, status: f.status.includes(s) ? f.status.filter((x) => x !== s) : [...f.status, s] }));

  return (
    <section aria-labelledby="instances-title">
      <div class="title-row">
        <h1 id="instances-title">Instances</h1>
        <LiveBadge status={live} />
      </div>
      <ul class="counters" aria-label="instances by status">
        {STATUSES.map((s) => (
          <li key={s}>
            <button type="button" class={`counter status-${s}`} aria-pressed={filters.status.includes(s)} onClick={() => toggleStatus(s)}>
              <span class="count" data-testid={`count-${s}`}>{byStatus.get(s) ?? 0}</span> {s}
            </button>
          </li>
        ))}
      </ul>
      <form class="filters" role="search" onSubmit={(e) => { e.preventDefault(); void load(filters); }}>
        <label>
          Search
          <input type="search" name="text" value={filters.text} placeholder="reference, step, data…" onInput={(e) => setFilters({ ...filters, text: e.currentTarget.value })} />
        </label>
        <label>
          Definition
          <input name="definition" list="definitions" value={filters.definition} placeholder="id or id@version" onInput={(e) => setFilters({ ...filters, definition: e.currentTarget.value })} />
          <datalist id="definitions">{definitions.map((d) => <option key={d} value={d} />)}</datalist>
        </label>
        <label>
          Created from
          <input type="date" name="from" value={filters.from} onInput={(e) => setFilters({ ...filters, from: e.currentTarget.value })} />
        </label>
        <label>
          Created before
          <input type="date" name="to" value={filters.to} onInput={(e) => setFilters({ ...filters, to: e.currentTarget.value })} />
        </label>
        <fieldset class="status-filter">
          <legend>Status</legend>
          {STATUSES.map((s) => (
            <label key={s} class="check">
              <input type="checkbox" name="status" value={s} checked={filters.status.includes(s)} onChange={() => toggleStatus(s)} /> {s}
            </label>
          ))}
        </fieldset>
        <button type="submit">Search</button>
      </form>
      {problem && <p role="alert" class="problem">{problem}</p>}
      <div class="table-wrap">
        <table class="instances" aria-busy={loading}>
          <caption class="sr-only">Instances matching the filters, newest first</caption>
          <thead>
            <tr><th scope="col">Instance</th><th scope="col">Workflow</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col">Updated</th><th scope="col">Problem</th></tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <tr key={i.instanceId} data-instance={i.instanceId}>
                <td>
                  <a href={`instances/${encodeURIComponent(i.instanceId)}`} onClick={(e) => { e.preventDefault(); navigate(`instances/${encodeURIComponent(i.instanceId)}`); }}>
                    {i.reference ?? i.instanceId}
                  </a>
                  {i.reference && <div class="sub">{i.instanceId}</div>}
                </td>
                <td>{i.definitionId}@{i.definitionVersion}</td>
                <td><span class={`badge status-${i.status}`}>{i.status}</span></td>
                <td>{formatTime(i.createdAt)}</td>
                <td>{formatTime(i.updatedAt)}</td>
                <td class="error-cell">{i.error ?? (i.failedSteps.length ? `failed: ${i.failedSteps.join(', ')}` : i.waiting.length ? `waiting for ${i.waiting.map((w) => w.eventName).join(', ')}` : '')}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {!loading && !items.length && !problem && <p class="empty">No instance matches these filters.</p>}
      </div>
      {next && <button type="button" onClick={() => void more()}>Load more</button>}
    </section>
  );
}
