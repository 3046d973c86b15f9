// Fork from the page: edit the data at a version, preview the what-if (a sandbox), then fork for real.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiProblem, type WhatIf } from './api';
import { DiffTable } from './DiffTable';
import { navigate } from './router';

/** The JSON the editor holds, or where and why it is not JSON. */
export function checkJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    const msg = (e as Error).message;
    const at = /position (\d+)/.exec(msg);
    const offset = at ? Number(at[1]) : /end of JSON|Unterminated/i.test(msg) ? text.length : undefined;
    if (offset !== undefined) {
      const before = text.slice(0, offset);
      const line = before.split('\n').length;
      const column = before.length - before.lastIndexOf('\n');
      return { ok: false, message: `not valid JSON at line ${line}, column ${column}: ${msg}` };
    }
    return { ok: false, message: `not valid JSON: ${msg}` };
  }
}

const ACTOR_KEY = 'wfe-debugger-actor';

export function ForkPanel(props: { instanceId: string; version: number; data: unknown; canFork: boolean }) {
  const { instanceId, version, data, canFork } = props;
  const [text, setText] = useState(() => JSON.stringify(data, null, 2));
  const [dirty, setDirty] = useState(false);
  const [whatIf, setWhatIf] = useState<WhatIf | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [actor, setActor] = useState(() => localStorage.getItem(ACTOR_KEY) ?? '');
  const [reason, setReason] = useState('');
  const dialog = useRef<HTMLDialogElement>(null);

  // Follow the selected version until the data is edited.
  useEffect(() => {
    if (!dirty) setText(JSON.stringify(data, null, 2));
    setWhatIf(undefined);
  }, [data, version]);

  const parsed = checkJson(text);
  const run = async (what: () => Promise<void>) => {
    setBusy(true);
    setProblem(undefined);
    try {
      await what();
    } catch (e) {
      setProblem(e instanceof ApiProblem ? `${e.message}${e.code && e.code !== 'INTERNAL' ? ` (${e.code})` : ''}` : String(e));
    } finally {
      setBusy(false);
    }
  };
  const preview = () => run(async () => {
    if (!parsed.ok) return;
    setWhatIf(await api.whatIf(instanceId, { atVersion: version, data: parsed.value as never }));
  });
  const fork = () => run(async () => {
    if (!parsed.ok) return;
    localStorage.setItem(ACTOR_KEY, actor.trim());
    const forked = await api.fork(instanceId, { atVersion: version, data: parsed.value as never, actor: actor.trim(), ...(reason.trim() ? { reason: reason.trim() } : {}), confirmed: true });
    dialog.current?.close();
    navigate(`instances/${encodeURIComponent(forked.instanceId)}`);
  });

  return (
    <section class="panel fork" aria-labelledby="fork-title">
      <h2 id="fork-title">Fork from version {version}</h2>
      {!canFork && (
        <p class="note" role="note">
          This debugger runs no host: a fork is recorded in the store but runs only where a host with its workflow definition runs on this store.
          (An application that mounts the debugger with <code>createUiServer({'{'} inspector, host {'}'})</code> runs forks itself.)
        </p>
      )}
      <label for="fork-data">Data at the fork point (JSON)</label>
      <textarea
        id="fork-data"
        spellcheck={false}
        rows={12}
        value={text}
        aria-invalid={!parsed.ok}
        aria-describedby="fork-data-check"
        onInput={(e) => {
          setText(e.currentTarget.value);
          setDirty(true);
          setWhatIf(undefined);
        }}
      />
      <p id="fork-data-check" class={parsed.ok ? 'ok' : 'problem'} role={parsed.ok ? undefined : 'alert'} data-testid="fork-json-check">
        {parsed.ok ? 'valid JSON' : parsed.message}
      </p>
      <div class="buttons">
        <button type="button" disabled={!parsed.ok || busy} onClick={() => void preview()}>Preview what-if</button>
        <button type="button" disabled={!parsed.ok || busy} onClick={() => dialog.current?.showModal()}>Fork…</button>
        {dirty && <button type="button" onClick={() => { setDirty(false); setText(JSON.stringify(data, null, 2)); }}>Reset to the data at version {version}</button>}
      </div>
      {problem && <p role="alert" class="problem" data-testid="fork-problem">{problem}</p>}
      {whatIf && (
        <div class="what-if" data-testid="what-if">
          <h3>What if: the fork would end <span class={`badge status-${whatIf.state.status}`}>{whatIf.state.status}</span></h3>
          <p class="sub">{whatIf.stoppedBecause} ({whatIf.history.length} events)</p>
          <h4>Against the original</h4>
          <DiffTable diff={whatIf.diff} />
        </div>
      )}
      <dialog ref={dialog} aria-labelledby="confirm-title">
        <form method="dialog" onSubmit={(e) => { e.preventDefault(); void fork(); }}>
          <h3 id="confirm-title">Fork {instanceId} at version {version}?</h3>
          <p>This writes a new instance: the original's events up to version {version}, then the data above. The original is not changed.</p>
          <label>
            Your name (recorded as the actor)
            <input name="actor" required value={actor} onInput={(e) => setActor(e.currentTarget.value)} />
          </label>
          <label>
            Why (recorded as the reason)
            <input name="reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          </label>
          {problem && <p role="alert" class="problem">{problem}</p>}
          <div class="buttons">
            <button type="submit" disabled={busy || !actor.trim()}>Fork</button>
            <button type="button" onClick={() => dialog.current?.close()}>Cancel</button>
          </div>
        </form>
      </dialog>
    </section>
  );
}
