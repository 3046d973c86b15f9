// The instance page: timeline, slider and keys through every version; data, diff, step graph, failure, explain, chain, fork.
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, ApiProblem, type ChainReport, type Explanation, type PageConfig, type StateDiff, type StateView, type StepGraph as Graph, type TimelineRow } from './api';
import { DataTree } from './DataTree';
import { DiffTable } from './DiffTable';
import { ForkPanel } from './ForkPanel';
import { formatTime } from './format';
import { useLive } from './live';
import { LiveBadge } from './LiveBadge';
import { navigate } from './router';
import { StepGraph } from './StepGraph';
import { Timeline, type Lane } from './Timeline';

interface AtVersion {
  readonly version: number;
  readonly state: StateView;
  readonly diff: StateDiff;
  readonly graph: Graph;
  readonly explain: Explanation;
}

/** Lanes of parallel branches: pointers that share an enclosing container are sibling branches. */
function lanesOf(head: StateView | undefined): Map<number, Lane> {
  const lanes = new Map<number, Lane>();
  if (!head) return lanes;
  const byScope = new Map<number, number[]>();
  for (const p of head.pointers) {
    const parent = p.scope[0];
    if (parent === undefined) continue;
    byScope.set(parent, [...(byScope.get(parent) ?? []), p.id]);
  }
  const names = new Map(head.pointers.map((p) => [p.id, p.step]));
  for (const p of head.pointers) {
    const parent = p.scope[0];
    if (parent === undefined) continue;
    const siblings = byScope.get(parent)!;
    const index = siblings.indexOf(p.id);
    lanes.set(p.id, { depth: p.scope.length, index, label: `branch ${index + 1} of ${siblings.length} in ${names.get(parent) ?? 'a container'}` });
  }
  return lanes;
}

function versionFromUrl(params: URLSearchParams): { version?: number; problem?: string } {
  const raw = params.get('v');
  if (raw === null || raw === '') return {};
  if (!/^\d+$/.test(raw) || Number(raw) < 1) return { problem: `The address asks for version "${raw}", which is not a version number (1, 2, 3…).` };
  return { version: Number(raw) };
}

export function InstancePage(props: { instanceId: string; params: URLSearchParams; config: PageConfig }) {
  const { instanceId, config } = props;
  const [rows, setRows] = useState<readonly TimelineRow[] | undefined>();
  const [fatal, setFatal] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>(() => versionFromUrl(props.params).problem);
  const [selected, setSelected] = useState<number>(() => versionFromUrl(props.params).version ?? 0);
  const [at, setAt] = useState<AtVersion | undefined>();
  const [atProblem, setAtProblem] = useState<string | undefined>();
  const [headState, setHeadState] = useState<StateView | undefined>();
  const [chain, setChain] = useState<ChainReport | string | undefined>();
  const followHead = useRef(versionFromUrl(props.params).version === undefined);
  const head = rows?.length ?? 0;

  const loadHistory = useCallback(async () => {
    try {
      const history = await api.history(instanceId);
      setRows(history);
      setFatal(undefined);
      const last = history.length;
      setSelected((v) => {
        if (followHead.current || v === 0) return last;
        if (v > last) {
          setNotice(`Version ${v} is not in this instance: it has versions 1 to ${last}. Showing version ${last}.`);
          return last;
        }
        return v;
      });
      void api.state(instanceId, last).then(setHeadState, () => undefined);
    } catch (e) {
      setFatal(e instanceof ApiProblem
        ? e.status === 404 ? `There is no instance ${instanceId} in this store (${e.message}).` : e.message
        : `The instance could not be loaded: ${(e as Error).message}`);
    }
  }, [instanceId]);

  useEffect(() => {
    void loadHistory();
    api.verify(instanceId).then(setChain, (e: unknown) => setChain(e instanceof ApiProblem ? e.message : String(e)));
  }, [instanceId, loadHistory]);

  // Live: new events of this instance extend the timeline (the selection follows the head when it was there).
  const live = useLive(instanceId, () => void loadHistory());

  // What the page shows at the selected version. A version's state, diff, graph and explanation never
  // change (the log only grows), so they are cached; one fetch at a time, and a selection made while
  // one runs waits for it and skips the versions passed over; neighbours are fetched ahead.
  const cache = useRef(new Map<number, Promise<AtVersion>>());
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const direction = useRef(-1);
  const fetchAt = useCallback((v: number): Promise<AtVersion> => {
    let p = cache.current.get(v);
    if (!p) {
      p = Promise.all([api.state(instanceId, v), api.diff(instanceId, v), api.graph(instanceId, v), api.explain(instanceId, v)]).then(([state, diff, graph, explain]) => ({ version: v, state, diff, graph, explain }));
      cache.current.set(v, p);
      p.catch(() => cache.current.delete(v));
      if (cache.current.size > 64) cache.current.delete(cache.current.keys().next().value!);
    }
    return p;
  }, [instanceId]);

  useEffect(() => {
    if (!rows || selected < 1 || selected > head) return;
    let current = true;
    const v = selected;
    queue.current = queue.current.then(async () => {
      if (!current) return;
      try {
        const result = await fetchAt(v);
        if (!current) return;
        setAt(result);
        setAtProblem(undefined);
        const ahead = v + direction.current; // the next version in the direction of travel
        if (ahead >= 1 && ahead <= head) fetchAt(ahead).catch(() => undefined);
      } catch (e) {
        if (current) setAtProblem(e instanceof ApiProblem ? e.message : String(e));
      }
    });
    const t = window.setTimeout(() => navigate(`instances/${encodeURIComponent(instanceId)}?v=${v}`, true), 300);
    return () => {
      current = false;
      window.clearTimeout(t);
    };
  }, [instanceId, selected, rows, head, fetchAt]);

  const select = useCallback((v: number) => {
    if (!head) return;
    const next = Math.max(1, Math.min(head, v));
    followHead.current = next === head;
    setSelected((prev) => {
      if (next !== prev) direction.current = next > prev ? 1 : -1;
      return next;
    });
  }, [head]);

  // Keys: ← → one event, PageUp/PageDown ten, Home/End the first and last (not while typing).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (t.closest('input, textarea, select, dialog[open]') || e.altKey || e.ctrlKey || e.metaKey) return;
      const step: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -1, ArrowDown: 1, PageUp: -10, PageDown: 10, j: 1, k: -1 };
      if (e.key in step) select(selected + step[e.key]!);
      else if (e.key === 'Home') select(1);
      else if (e.key === 'End') select(head);
      else return;
      e.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [select, selected, head]);

  const lanes = useMemo(() => lanesOf(headState), [headState]);

  if (fatal) {
    return (
      <div role="alert" class="problem big" data-testid="page-problem">
        <h1>Cannot show this instance</h1>
        <p>{fatal}</p>
        <p><a href={config.base} onClick={(e) => { e.preventDefault(); navigate(''); }}>Back to all instances</a></p>
      </div>
    );
  }
  if (!rows) return <p class="boot" role="status">Loading instance {instanceId}…</p>;

  const row = rows[selected - 1];
  const failure = at?.explain.failure;
  // The inspector also says where a fork would run the failed step again.
  const forkAt = (failure as { forkAt?: number } | undefined)?.forkAt;
  return (
    <div class="instance">
      <div class="title-row">
        <h1>
          {instanceId}{' '}
          {at && <span class={`badge status-${at.state.status}`} data-testid="status" title={`status at version ${at.version}`}>{at.state.status}</span>}
        </h1>
        <LiveBadge status={live} />
      </div>
      <p class="sub">
        {at ? `${at.state.definitionId}@${at.state.definitionVersion}` : ''} · {head} events ·{' '}
        <ChainBadge chain={chain} />
      </p>
      {notice && <p role="alert" class="problem" data-testid="notice">{notice} <button type="button" onClick={() => setNotice(undefined)}>Dismiss</button></p>}

      <div class="scrubber">
        <label for="version-slider">Version <output data-testid="version">{selected}</output> of {head}</label>
        <input
          id="version-slider"
          type="range"
          min={1}
          max={Math.max(1, head)}
          step={1}
          value={selected}
          aria-valuetext={row ? `version ${row.version}: ${row.summary}` : undefined}
          onInput={(e) => select(Number(e.currentTarget.value))}
        />
        <div class="step-buttons">
          <button type="button" aria-label="first event" onClick={() => select(1)}>«</button>
          <button type="button" aria-label="previous event" onClick={() => select(selected - 1)}>‹</button>
          <button type="button" aria-label="next event" onClick={() => select(selected + 1)}>›</button>
          <button type="button" aria-label="last event" onClick={() => select(head)}>»</button>
        </div>
        <p class="hint">Keys: ← → one event, PgUp PgDn ten, Home End.</p>
      </div>

      <div class="columns">
        <section class="panel timeline-panel" aria-labelledby="timeline-title">
          <h2 id="timeline-title">Timeline</h2>
          <Timeline rows={rows} selected={selected} lanes={lanes} onSelect={select} />
        </section>

        <div class="detail">
          {row && (
            <section class="panel" aria-labelledby="event-title" data-testid="event">
              <h2 id="event-title">Event {row.version}: {row.type}</h2>
              <dl class="facts">
                <dt>what</dt><dd>{row.summary}{row.step ? ` (step ${row.step})` : ''}</dd>
                <dt>when</dt><dd>{formatTime(row.recordedAt, true)}</dd>
                <dt>who</dt><dd>{row.actor ?? 'not recorded'}</dd>
                <dt>why</dt><dd>{row.reason ?? (row.causationId ? `caused by ${row.causationId}` : 'not recorded')}</dd>
              </dl>
            </section>
          )}
          {atProblem && <p role="alert" class="problem">{atProblem}</p>}
          {at && (
            <>
              {(failure || at.explain.text) && (
                <section class={`panel ${failure ? 'failure' : ''}`} aria-labelledby="explain-title" data-testid="explain">
                  <h2 id="explain-title">{failure ? `Failed step: ${failure.step}` : 'Where it is'}</h2>
                  <p>{at.explain.text}</p>
                  {failure && (
                    <>
                      <p class="error-line"><strong>{failure.error.type}</strong>: {failure.error.message}</p>
                      <p>
                        {failure.attempts} attempt{failure.attempts === 1 ? '' : 's'} · <button type="button" class="link" onClick={() => select(failure.version)}>go to the failure (version {failure.version})</button>
                        {forkAt !== undefined && <> · <button type="button" class="link" data-testid="go-fork-at" onClick={() => select(forkAt)}>go to version {forkAt}, before the failed attempt, to fork from there</button></>}
                      </p>
                      {failure.error.stack && <details><summary>Stack trace of the step</summary><pre>{failure.error.stack}</pre></details>}
                    </>
                  )}
                </section>
              )}
              <section class="panel" aria-labelledby="diff-title">
                <h2 id="diff-title">What event {at.version} changed</h2>
                <DiffTable diff={at.diff} />
              </section>
              <section class="panel" aria-labelledby="graph-title">
                <h2 id="graph-title">Steps at version {at.version}</h2>
                <StepGraph graph={at.graph} />
              </section>
              <section class="panel" aria-labelledby="data-title">
                <h2 id="data-title">Data at version {at.version}</h2>
                <DataTree data={at.state.data} />
              </section>
              <ForkPanel instanceId={instanceId} version={at.version} data={at.state.data} canFork={config.canFork} />
            </>
          )}
        </div>
      </div>
    </div>
  );
}

function ChainBadge({ chain }: { chain: ChainReport | string | undefined }) {
  if (chain === undefined) return <span>checking the hash chain…</span>;
  if (typeof chain === 'string') return <span class="chain-unknown" data-testid="chain">chain not checked: {chain}</span>;
  const limits = chain.limits.join('; ');
  return chain.ok
    ? <span class="chain-ok" data-testid="chain" title={limits}>✓ hash chain intact ({chain.events} events){limits && <span class="limits"> · what this check cannot see: {limits}</span>}</span>
    : <span class="chain-bad" data-testid="chain" role="alert">✗ hash chain broken at version {chain.problem?.version}: {chain.problem?.reason}</span>;
}
