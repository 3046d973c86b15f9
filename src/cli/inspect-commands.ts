import type { WorkflowStatus } from '../domain/state.js';
import type { StateDiff, StateView } from '../inspect/inspector.js';
import { CliError } from './cli-error.js';
import type { TextOut } from './progress/views.js';
import { json, versionOption, withInspector, type StoreOptions } from './with-inspector.js';

const STATUSES: readonly WorkflowStatus[] = ['runnable', 'suspended', 'complete', 'terminated', 'failed'];
const iso = (t: number | undefined) => (t === undefined ? '' : new Date(t).toISOString());

/** `wfe list [--status S] [--definition D] [--limit N] [--json]`: instances from the index, newest first. */
export async function listCommand(options: StoreOptions & { status?: string; definition?: string; limit?: string }, out: TextOut): Promise<number> {
  const statuses = options.status?.split(',').map((s) => s.trim());
  for (const s of statuses ?? []) if (!STATUSES.includes(s as WorkflowStatus)) throw new CliError(`--status ${s}: expected ${STATUSES.join(', ')}`);
  const limit = options.limit === undefined ? 100 : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new CliError(`--limit ${options.limit}: expected a positive integer`);
  return withInspector(options, async (inspector) => {
    const rows = await inspector.list({ ...(statuses ? { status: statuses as WorkflowStatus[] } : {}), ...(options.definition ? { definitionId: options.definition } : {}), limit });
    const items = rows.map((r) => ({
      id: r.instanceId,
      definitionId: r.definitionId,
      definitionVersion: r.definitionVersion,
      version: r.version,
      status: r.status,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
      ...(r.completedAt !== undefined ? { completedAt: r.completedAt } : {}),
      ...(r.reference !== undefined ? { reference: r.reference } : {}),
      ...(r.error !== undefined ? { error: r.error } : {}),
    }));
    if (options.json) out.write(json(items));
    else if (items.length === 0) out.write('no instances\n');
    else for (const i of items) out.write(`${i.id}  ${i.definitionId}@${i.definitionVersion}  ${i.status.padEnd(10)} v${i.version}  created ${iso(i.createdAt)}${i.error ? `  ${i.error}` : ''}\n`);
    return 0;
  });
}

function stateLines(view: StateView): string[] {
  const lines = [`instance ${view.instanceId}: ${view.definitionId}@${view.definitionVersion}, ${view.status} at version ${view.version}`, `data: ${JSON.stringify(view.data)}`];
  for (const p of view.pointers) {
    const extra = [p.waitingFor ? `waits for ${p.waitingFor.name}/${p.waitingFor.key}` : '', p.sleepUntil !== undefined ? `until ${iso(p.sleepUntil)}` : '', p.error ? `${p.error.type}: ${p.error.message}` : '', p.attempt ? `attempt ${p.attempt}` : ''].filter(Boolean).join(', ');
    lines.push(`  #${p.id} ${p.step}: ${p.status}${extra ? ` (${extra})` : ''}`);
  }
  return lines;
}

/** `wfe show ID`: the index row, the explanation and the state at the head. */
export async function showCommand(idText: string, options: StoreOptions, out: TextOut): Promise<number> {
  return withInspector(options, async (inspector) => {
    const id = await inspector.resolveId(idText);
    const [state, explanation, history] = [await inspector.stateAt(id), await inspector.explain(id), await inspector.history(id)];
    if (options.json) {
      out.write(json({ id, state, explanation, events: history.length, createdAt: history[0]?.recordedAt, startedBy: history[0]?.actor }));
      return 0;
    }
    out.write(`${stateLines(state).join('\n')}\nstarted ${iso(history[0]?.recordedAt)} by ${history[0]?.actor ?? 'unknown'}; ${history.length} events\n${explanation.text}\n`);
    return 0;
  });
}

/** `wfe state ID [--at N] [--json]`: the state after version N (default the head). */
export async function stateCommand(idText: string, options: StoreOptions & { at?: string }, out: TextOut): Promise<number> {
  return withInspector(options, async (inspector) => {
    const id = await inspector.resolveId(idText);
    const view = await inspector.stateAt(id, versionOption(options.at, '--at'));
    if (options.json) out.write(json({ version: view.version, status: view.status, data: view.data, pointers: view.pointers, instanceId: view.instanceId, definitionId: view.definitionId, definitionVersion: view.definitionVersion }));
    else out.write(`${stateLines(view).join('\n')}\n`);
    return 0;
  });
}

function diffLines(d: StateDiff): string[] {
  const lines = [`from version ${d.from} to ${d.to}`];
  if (d.status) lines.push(`status: ${d.status.from} -> ${d.status.to}`);
  for (const c of d.data) lines.push(`${c.path}: ${'before' in c ? JSON.stringify(c.before) : '(absent)'} -> ${'after' in c ? JSON.stringify(c.after) : '(absent)'}`);
  for (const p of d.pointers) lines.push(`#${p.id} ${p.step}: ${p.before ?? '(new)'} -> ${p.after ?? '(gone)'}`);
  if (lines.length === 1) lines.push('no change');
  return lines;
}

/** `wfe diff ID --at N` (what event N changed) or `--from A --to B`. */
export async function diffCommand(idText: string, options: StoreOptions & { at?: string; from?: string; to?: string }, out: TextOut): Promise<number> {
  const at = versionOption(options.at, '--at');
  if (at !== undefined && (options.from !== undefined || options.to !== undefined)) throw new CliError('give --at N, or --from A --to B, not both');
  if (at === undefined && (options.from === undefined || options.to === undefined)) throw new CliError('give --at N (what version N changed), or --from A --to B');
  return withInspector(options, async (inspector) => {
    const id = await inspector.resolveId(idText);
    const from = at !== undefined ? at - 1 : (versionOption(options.from, '--from') as number);
    const to = at ?? (versionOption(options.to, '--to') as number);
    if (from < 0) throw new CliError(`--at ${at}: instance ${id} has no version below 1`);
    const d = await inspector.diff(id, from, to);
    out.write(options.json ? json(d) : `${diffLines(d).join('\n')}\n`);
    return 0;
  });
}

/** `wfe explain ID [--at N]`: what it waits for, until when it sleeps, or why it failed (and where to fork). */
export async function explainCommand(idText: string, options: StoreOptions & { at?: string }, out: TextOut): Promise<number> {
  return withInspector(options, async (inspector, _store, db) => {
    const id = await inspector.resolveId(idText);
    const e = await inspector.explain(id, versionOption(options.at, '--at'));
    if (options.json) {
      out.write(json({ id, ...e }));
      return 0;
    }
    const lines = [`instance ${id}: ${e.status}`, e.text];
    if (e.failure) {
      lines.push(`failed step: ${e.failure.step}, attempt ${e.failure.attempts}, at version ${e.failure.version}`);
      lines.push(`error: ${e.failure.error.type}: ${e.failure.error.message}`);
      lines.push(`fork before it: wfe fork ${id} --at ${e.failure.forkAt} --set PATH=VALUE --db ${db}`);
    }
    out.write(`${lines.join('\n')}\n`);
    return 0;
  });
}
