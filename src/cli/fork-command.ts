import type { Command } from '../domain/commands.js';
import type { ForkPatch } from '../domain/fork.js';
import type { Json } from '../domain/json.js';
import { applyCommand } from '../inspect/apply-command.js';
import { readKeyFile, signHead } from '../log/signing.js';
import { CliError } from './cli-error.js';
import { parseJson } from './cli-input.js';
import type { TextOut } from './progress/views.js';
import { actorOf, json, versionOption, withInspector, type StoreOptions } from './with-inspector.js';

/** `path=value`: the value as JSON when it parses (`42`, `true`, `{"a":1}`), else as a string. */
export function parseSet(text: string): ForkPatch {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new CliError(`--set ${JSON.stringify(text)}: expected PATH=VALUE (customer.name=Ada, amount=50)`);
  const raw = text.slice(eq + 1);
  let value: Json;
  try {
    value = JSON.parse(raw) as Json;
  } catch {
    value = raw;
  }
  return { path: text.slice(0, eq).trim(), value };
}

/** Options of `wfe fork`. */
export interface ForkCommandOptions extends StoreOptions {
  readonly at?: string;
  readonly data?: string;
  readonly set?: readonly string[];
  readonly dryRun?: boolean;
}

/**
 * `wfe fork ID --at N [--data JSON] [--set path=value ...] [--dry-run]`: a new instance whose log is
 * the original's up to N plus ForkedFrom (and the corrected data), run by the next host on the store
 * (`wfe run FILE --continue NEWID` for a YAML workflow). Prints the new id as the last line (`--json`:
 * `{ id }`). `--dry-run`: the same fork in a sandbox, diffed against the original; nothing written.
 */
export async function forkCommand(idText: string, options: ForkCommandOptions, out: TextOut): Promise<number> {
  const atVersion = versionOption(options.at, '--at');
  if (atVersion === undefined) throw new CliError('give --at N: the version to fork at (wfe explain ID says where the failed step started)');
  const data = options.data !== undefined ? (parseJson(options.data, '--data') as Json) : undefined;
  const patch = (options.set ?? []).map(parseSet);
  return withInspector(options, async (inspector, _store, db) => {
    const id = await inspector.resolveId(idText);
    const forkOptions = { atVersion, ...(data !== undefined ? { data } : {}), ...(patch.length ? { patch } : {}), actor: actorOf(options), ...(options.reason !== undefined ? { reason: options.reason } : {}) };
    if (options.dryRun) {
      const r = await inspector.whatIf(id, forkOptions);
      if (options.json) out.write(json({ stoppedBecause: r.stoppedBecause, state: r.state, diff: r.diff, history: r.history.map((h) => h.summary) }));
      else {
        const changes = [...(r.diff.status ? [`status: ${r.diff.status.from} -> ${r.diff.status.to} (head of ${id} -> fork)`] : []), ...r.diff.data.map((c) => `${c.path}: ${JSON.stringify(c.before)} -> ${JSON.stringify(c.after)}`)];
        out.write(`dry run of a fork of ${id} at version ${atVersion} (nothing written)\nthe sandbox stopped: ${r.stoppedBecause}\n${changes.join('\n')}\n`);
      }
      return 0;
    }
    const forked = await inspector.fork(id, forkOptions);
    if (options.json) out.write(json({ id: forked.instanceId }));
    else out.write(`forked ${id} at version ${atVersion}; a host on ${db} runs it (YAML: wfe run FILE --continue ${forked.instanceId} --db ${db})\n${forked.instanceId}\n`);
    return 0;
  });
}

/** `wfe suspend|resume|terminate ID [--reason R]`: the command recorded with who and why. */
export async function controlCommand(action: 'suspend' | 'resume' | 'terminate', idText: string, options: StoreOptions, out: TextOut): Promise<number> {
  return withInspector(options, async (inspector, store) => {
    const id = await inspector.resolveId(idText);
    const reason = options.reason ?? `by wfe ${action}`;
    const command: Command = action === 'resume' ? { type: 'Resume' } : action === 'suspend' ? { type: 'Suspend', reason } : { type: 'Terminate', reason };
    const actor = actorOf(options);
    const key = options.key ? readKeyFile(options.key, 'private') : undefined;
    const state = await applyCommand(store, id, command, { actor, reason, causationId: `cli:${action}` }, Date.now(), key ? (h) => signHead(key, h) : undefined);
    out.write(options.json ? json({ id, status: state.status, version: state.version }) : `${id}: ${state.status} (version ${state.version}), by ${actor}: ${reason}\n`);
    return 0;
  });
}
