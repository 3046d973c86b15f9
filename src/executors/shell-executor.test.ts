import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isWfeError } from '../domain/errors.js';
import { runShellStep } from './shell-executor.js';

const dir = mkdtempSync(join(tmpdir(), 'wfe-shell-test-'));
const run = (script: string, data: unknown = {}, extra: Record<string, unknown> = {}) =>
  runShellStep({ stepName: 'step', config: { run: script, ...extra }, data, baseDir: dir });

/** Running (a zombie waiting for a reaper counts as dead). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/\) Z /.test(stat);
  } catch {
    return false;
  }
}

describe('shell steps', () => {
  it('returns typed markers plus stdout and stderr', async () => {
    const out = await run('echo "##wfe[output version=1.2]"; echo "##wfe[output ok=true]"; echo "##wfe[output n=42]"; echo "##wfe[output none=null]"; echo err >&2');
    expect(out).toMatchObject({ version: 1.2, ok: true, n: 42, none: null, 'step.stderr': 'err\n' });
    expect(out['step.stdout']).toContain('##wfe[output version=1.2]');
  });

  it('passes data as UPPER_CASE variables and config env over them', async () => {
    const out = await run('echo "##wfe[output a=$NAME-$COUNT-$OBJ]"; echo "##wfe[output b=$GREETING]"', { name: 'x', count: 2, obj: { k: 1 }, greeting: 'data' }, { env: { GREETING: 'config' } });
    expect(out.a).toBe('x-2-{"k":1}');
    expect(out.b).toBe('config');
  });

  it('runs a file with another shell in a working directory', async () => {
    writeFileSync(join(dir, 'script.sh'), 'echo "##wfe[output where=$(pwd)]"; echo "##wfe[output shell=${BASH_VERSION:+bash}]"\n');
    const sub = mkdtempSync(join(dir, 'wd-'));
    const out = await runShellStep({ stepName: 's', config: { file: 'script.sh', shell: 'bash', working_dir: sub }, data: {}, baseDir: dir });
    expect(out).toMatchObject({ where: sub, shell: 'bash' });
  });

  it('fails on a non-zero exit with the tails and exit code in details', async () => {
    const err = await run('echo out; echo "boom" >&2; exit 3').catch((e: unknown) => e);
    expect(isWfeError(err, 'EXECUTOR_FAILED')).toBe(true);
    expect((err as Error).message).toBe("step 'step' exited with code 3: boom");
    expect((err as { details: Record<string, unknown> }).details).toMatchObject({ exitCode: 3, stdout: 'out\n', stderr: 'boom\n' });
  });

  it('fails when the shell cannot be started', async () => {
    const err = await run('true', {}, { shell: 'no-such-shell-wfe' }).catch((e: unknown) => e);
    expect(isWfeError(err, 'EXECUTOR_FAILED')).toBe(true);
    expect((err as Error).message).toMatch(/cannot start no-such-shell-wfe/);
  });

  it('keeps a bounded tail of a huge output and still reads markers after it', async () => {
    const out = await runShellStep({ stepName: 's', config: { run: 'head -c 3000000 /dev/zero | tr "\\0" x; echo; echo "##wfe[output after=1]"' }, data: {}, tailBytes: 1024 });
    expect(out.after).toBe(1);
    const stdout = out['s.stdout'] as string;
    expect(stdout.length).toBeLessThan(1200);
    expect(stdout).toMatch(/^\[wfe: output truncated, first \d+ of 3000023 bytes dropped\]/);
  });

  it('kills the whole process group at the timeout', async () => {
    const pidFile = join(dir, 'bg.pid');
    const started = performance.now();
    const err = await run(`sleep 30 & echo $! > ${pidFile}; sleep 30`, {}, { timeout: '1s' }).catch((e: unknown) => e);
    expect(isWfeError(err, 'TIMEOUT')).toBe(true);
    expect(performance.now() - started).toBeLessThan(5000);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await new Promise((r) => setTimeout(r, 100));
    expect(alive(pid)).toBe(false);
  });

  it('kills a process that ignores SIGTERM', async () => {
    const err = await run(`trap '' TERM; sleep 30`, {}, { timeout: 200 }).catch((e: unknown) => e);
    expect(isWfeError(err, 'TIMEOUT')).toBe(true);
  });

  it('stops when the step is aborted', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const err = await runShellStep({ stepName: 's', config: { run: 'sleep 30' }, data: {}, signal: ac.signal }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/aborted/);
  });
});

describe('hostile data', () => {
  const hostile = [
    `"; touch ${join(dir, 'pwned1')}; echo "`,
    `'; touch ${join(dir, 'pwned2')}; echo '`,
    `$(touch ${join(dir, 'pwned3')})`,
    `\`touch ${join(dir, 'pwned4')}\``,
    `x\ntouch ${join(dir, 'pwned5')}\n`,
    `a && touch ${join(dir, 'pwned6')} | cat`,
  ];

  it.each(hostile)('%j reaches the command as text only', async (value) => {
    const out = await run('printf "%s|" "$MSG"; echo; echo "##wfe[output len=${#MSG}]"', { msg: value });
    expect(out['step.stdout']).toBe(`${value}|\n##wfe[output len=${value.length}]\n`);
    expect(out.len).toBe(value.length);
    for (let i = 1; i <= 6; i++) expect(existsSync(join(dir, `pwned${i}`))).toBe(false);
  });

  it('a marker inside a data value cannot forge an output when echoed', async () => {
    const data = { msg: 'hello\n##wfe[output admin=true]', nested: { deep: ['##wfe[output role=root]'] } };
    const out = await run('echo "$MSG"; echo "$NESTED" | sed -e \'s/.*\\[\\"//\' -e \'s/\\"\\].*//\'; echo "##wfe[output mine=1]"', data);
    expect(out.admin).toBeUndefined();
    expect(out.role).toBeUndefined();
    expect(out.mine).toBe(1);
    expect(out['step.stderr']).toContain('ignored output marker');
  });

  it('outputs are bounded to 1 MiB in total', async () => {
    const out = await run('v=$(head -c 60000 /dev/zero | tr "\\0" a); for i in $(seq 0 19); do echo "##wfe[output v$i=$v]"; done; echo "##wfe[output c=1]"');
    expect((out.v16 as string).length).toBe(60_000);
    expect(out.v17).toBeUndefined();
    expect(out.c).toBe(1);
  });

  it('a marker inside an output value stays inside that value', async () => {
    const out = await run('echo "##wfe[output a=x ##wfe[output admin=true]]"');
    expect(out.a).toBe('x ##wfe[output admin=true]');
    expect(out.admin).toBeUndefined();
  });

  it('data cannot override PATH, LD_PRELOAD, HOME, SHELL, USER or BASH_ENV', async () => {
    const bashEnv = join(dir, 'evil.sh');
    writeFileSync(bashEnv, `touch ${join(dir, 'pwned-bash-env')}\n`);
    const data = { path: '/nonexistent', ld_preload: '/nonexistent.so', home: '/evil', shell: '/evil', user: 'root', bash_env: bashEnv };
    const out = await runShellStep({ stepName: 's', config: { run: 'echo "##wfe[output p=$PATH]"; echo "##wfe[output h=$HOME]"; echo "##wfe[output l=${LD_PRELOAD:-unset}]"', shell: 'bash' }, data });
    expect(out.p).toBe(process.env.PATH);
    expect(out.h).toBe(process.env.HOME ?? '');
    expect(out.l).toBe(process.env.LD_PRELOAD ?? 'unset');
    expect(existsSync(join(dir, 'pwned-bash-env'))).toBe(false);
  });

  it('a NUL byte in data does not break the step', async () => {
    const out = await run('echo "##wfe[output ok=${OK}]"', { bad: 'a\0b', ok: 'yes' });
    expect(out.ok).toBe('yes');
    expect(out['step.stderr']).toContain("data key 'bad' not exported");
  });
});
