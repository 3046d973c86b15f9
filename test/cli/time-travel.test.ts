import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, instanceId, runCli, tempDir } from './cli-process.js';

const T = 120_000;
const tmp = tempDir();
afterAll(() => tmp.remove());

/** The commands of the README's "Time travel and audit" walk-through, run as a user would. */
describe('time travel through a failed YAML run: explain, state, diff, fork, continue', () => {
  it('a failed run is explained, forked before its failed step with corrected data, and the fork completes', async () => {
    const db = join(tmp.dir, 'transfer.db');
    const file = fixture('transfer.yaml');
    // 1. The run fails: wfe run says how to fork it.
    const run = await runCli(['run', file, '--db', db, '--input', '{"amount": 500}']);
    expect(run.code, run.stderr).toBe(1);
    const id = instanceId(run.stdout);
    expect(run.stdout).toMatch(new RegExp(`to run it again from the failed step with corrected data: wfe fork ${id} --at \\d+ --set PATH=VALUE --db ${db}, then wfe run ${file} --continue NEWID --db ${db}`));

    // 2. Find it, and ask why it failed (an abbreviated id is enough).
    const list = await runCli(['list', '--db', db, '--status', 'failed', '--json']);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ id, definitionId: 'transfer', status: 'failed', version: expect.any(Number), createdAt: expect.any(Number) })]);
    const explain = await runCli(['explain', id.slice(0, 8), '--db', db]);
    expect(explain.code, explain.stderr).toBe(0);
    expect(explain.stdout).toContain(`instance ${id}: failed`);
    expect(explain.stdout).toMatch(/^failed step: charge, attempt 1, at version \d+$/m);
    expect(explain.stdout).toMatch(/^error: .*declined: 500 is over the limit/m);
    const at = Number(/wfe fork \S+ --at (\d+)/.exec(explain.stdout)![1]);

    // 3. The state there, and what the first step changed.
    const state = await runCli(['state', id, '--at', String(at), '--db', db, '--json']);
    const view = JSON.parse(state.stdout) as { version: number; status: string; data: { amount: number }; pointers: { step: string; status: string }[] };
    expect(view).toMatchObject({ version: at, status: 'runnable', data: { amount: 500 } });
    expect(view.pointers.find((p) => p.step === 'charge')?.status).toBe('pending');
    const diff = await runCli(['diff', id, '--from', '0', '--to', String(at), '--db', db]);
    expect(diff.stdout).toMatch(/^#0 check: \(new\) -> complete$/m);

    // 4. A dry run of the fork stops before the first new side effect; nothing is written.
    const dry = await runCli(['fork', id, '--at', String(at), '--set', 'amount=50', '--dry-run', '--db', db]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('the sandbox stopped: it would run step charge (task): a new side effect');
    expect(dry.stdout).toContain('$.amount: 500 -> 50');

    // 5. The fork, with who and why; its id is the last line. Then the file's host runs it to the end.
    const fork = await runCli(['fork', id, '--at', String(at), '--set', 'amount=50', '--db', db, '--actor', 'alice', '--reason', 'amount corrected']);
    expect(fork.code, fork.stderr).toBe(0);
    const forkId = fork.stdout.trim().split('\n').at(-1)!;
    const cont = await runCli(['run', file, '--continue', forkId, '--db', db]);
    expect(cont.code, cont.stdout + cont.stderr).toBe(0);
    const show = await runCli(['show', forkId, '--db', db, '--json']);
    const shown = JSON.parse(show.stdout) as { state: { status: string; data: Record<string, unknown> } };
    expect(shown.state.status).toBe('complete');
    expect(shown.state.data).toMatchObject({ amount: 50 });
    const history = await runCli(['history', forkId, '--db', db, '--json']);
    const rows = (JSON.parse(history.stdout) as Record<string, { type: string; actor?: string; detail: string }[]>)[forkId]!;
    expect(rows.find((r) => r.type === 'ForkedFrom')).toMatchObject({ actor: 'alice', detail: `${id} at version ${at}` });

    // 6. Operators' commands record who and why.
    const another = await runCli(['fork', id, '--at', String(at), '--db', db, '--json']);
    const { id: spare } = JSON.parse(another.stdout) as { id: string };
    const term = await runCli(['terminate', spare, '--db', db, '--actor', 'bob', '--reason', 'not needed']);
    expect(term.code, term.stderr).toBe(0);
    expect(term.stdout).toBe(`${spare}: terminated (version ${at + 2}), by bob: not needed\n`);
    const again = await runCli(['terminate', spare, '--db', db]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`instance ${spare} (version ${at + 2}): the workflow has already ended (terminated)`);
  }, T);

  it('bad input: a version out of range, an unknown or ambiguous id, a fork of an ended version; exit 2 and nothing written', async () => {
    const db = join(tmp.dir, 'transfer.db');
    const list = JSON.parse((await runCli(['list', '--db', db, '--json'])).stdout) as { id: string; status: string; version: number }[];
    const failed = list.find((r) => r.status === 'failed')!;
    const beyond = await runCli(['state', failed.id, '--at', String(failed.version + 1), '--db', db]);
    expect(beyond.code).toBe(2);
    expect(beyond.stderr).toBe(`wfe: instance ${failed.id} has versions 1..${failed.version}: version ${failed.version + 1} is beyond the end\n`);
    const below = await runCli(['diff', failed.id, '--at', '0', '--db', db]);
    expect(below.code).toBe(2);
    const unknown = await runCli(['fork', 'no-such-run', '--at', '1', '--db', db]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('wfe: no workflow instance no-such-run (nor one whose id starts with it)\n');
    const ended = await runCli(['fork', failed.id, '--at', String(failed.version), '--db', db]);
    expect(ended.code).toBe(2);
    expect(ended.stderr).toContain(`instance ${failed.id} is failed at version ${failed.version}: fork at an earlier version`);
    const after = JSON.parse((await runCli(['list', '--db', db, '--json'])).stdout) as unknown[];
    expect(after).toHaveLength(list.length);
    const noDb = await runCli(['list', '--db', join(tmp.dir, 'missing.db')]);
    expect(noDb.code).toBe(2);
  }, T);
});
