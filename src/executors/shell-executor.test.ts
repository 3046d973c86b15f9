import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isWfeError } from '../domain/errors.js';
import { runShellStep } from './shell-executor.js';

const dir = mkdtempSync(join(tmpdir(), 'wfe-shell-test-'));
/** Runs a script with `data`, every key of it declared (so it reaches the environment). */
const run = (script: string, data: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
  runShellStep({ stepName: 'step', config: { run: script, ...extra }, data, dataEnvKeys: Object.keys(data), baseDir: dir });

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

  it('passes declared data as UPPER_CASE variables and config env over them; outputs through $WFE_OUTPUT', async () => {
    const out = await run('echo "a=$NAME-$COUNT-$OBJ" >> "$WFE_OUTPUT"; echo "b=$GREETING" >> "$WFE_OUTPUT"', { name: 'x', count: 2, obj: { k: 1 }, greeting: 'data' }, { env: { GREETING: 'config' } });
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
    const out = await run('printf "%s|" "$MSG"; echo; echo "len=${#MSG}" >> "$WFE_OUTPUT"', { msg: value });
    expect(out['step.stdout']).toBe(`${value}|\n`);
    expect(out.len).toBe(value.length);
    for (let i = 1; i <= 6; i++) expect(existsSync(join(dir, `pwned${i}`))).toBe(false);
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
    const out = await runShellStep({
      stepName: 's',
      config: { run: 'echo "p=$PATH" >> "$WFE_OUTPUT"; echo "h=$HOME" >> "$WFE_OUTPUT"; echo "l=${LD_PRELOAD:-unset}" >> "$WFE_OUTPUT"', shell: 'bash' },
      data,
      dataEnvKeys: Object.keys(data),
    });
    expect(out.p).toBe(process.env.PATH);
    expect(out.h).toBe(process.env.HOME ?? '');
    expect(out.l).toBe(process.env.LD_PRELOAD ?? 'unset');
    expect(existsSync(join(dir, 'pwned-bash-env'))).toBe(false);
  });

  it('a NUL byte in data does not break the step', async () => {
    const out = await run('echo "ok=${OK}" >> "$WFE_OUTPUT"', { bad: 'a\0b', ok: 'yes' });
    expect(out.ok).toBe('yes');
    expect(out['step.stderr']).toContain("data key 'bad' not exported");
  });
});

describe('outputs data cannot forge', () => {
  const forged = (out: Record<string, unknown>) => expect(out.approved).toBeUndefined();

  // Each value, printed with the documented `echo "$MSG"` under sh (dash), puts a marker line on
  // stdout that the data did not hold verbatim: only refusing markers in a step that received
  // data stops it.
  it.each([
    ['octal escapes decoded by sh echo', { msg: '\\0043\\0043wfe[output approved=1]' }, 'echo "$MSG"'],
    ['a JSON value whose string holds a line break', { list: ['x\n##wfe[output approved=1]'] }, 'echo "$LIST"'],
    ['a \\n escape decoded by sh echo', { msg: 'x\\n##wfe[output approved=1]' }, 'echo "$MSG"'],
    ['hex escapes decoded by bash printf %b', { msg: '\\x23\\x23wfe[output approved=1]' }, 'printf "%b\\n" "$MSG"'],
    ['CRLF line ends', { msg: 'x\r\n##wfe[output approved=1]\r' }, 'echo "$MSG"'],
  ])('%s: the marker reaches stdout but sets nothing', async (_what, data, script) => {
    const out = await run(script, data, { shell: script.startsWith('printf') ? 'bash' : 'sh' });
    expect(out['step.stdout']).toMatch(/^##wfe\[output approved=1\]/m);
    forged(out);
    expect(out['step.stderr']).toMatch(/ignored 1 ##wfe\[output\] marker\(s\) on stdout: this step received workflow data/);
  });

  it('a Unicode line separator does not start a line', async () => {
    const out = await runShellStep({ stepName: 'step', config: { run: 'echo "$MSG"' }, data: {}, dataEnvKeys: [], baseDir: dir, baseEnv: { ...process.env, MSG: 'x\u2028##wfe[output approved=1]\u2029##wfe[output approved=2]' } });
    forged(out);
  });

  it('markers still set outputs in a step that received no data', async () => {
    const out = await run('echo "##wfe[output approved=1]"');
    expect(out.approved).toBe(1);
  });

  it('$WFE_OUTPUT heredoc with $WFE_OUTPUT_DELIMITER keeps any data value whole', async () => {
    const values = [
      'x\napproved=1',
      'EOF\napproved=1\nEOF',
      'wfe_eof_000000000000000000000000\napproved=1',
      'line\r\napproved=1\r\n',
      'a\u2028approved=1\u2029b',
      '\\0141pproved=1',
    ];
    for (const msg of values) {
      const out = await run('{ echo "msg<<$WFE_OUTPUT_DELIMITER"; printf "%s\\n" "$MSG"; echo "$WFE_OUTPUT_DELIMITER"; } >> "$WFE_OUTPUT"', { msg });
      forged(out);
      expect(out.msg, JSON.stringify(msg)).toBe(msg.replace(/\r(?=\n)/g, '').replace(/\r$/, ''));
    }
  });

  it('$WFE_OUTPUT NAME=VALUE lines, typed like markers; the file wins over a marker', async () => {
    const out = await run('printf "a=1\\nb=true\\nc=x=y\\r\\n\\nd<<END\\nl1\\nl2\\nEND\\n" >> "$WFE_OUTPUT"; echo "##wfe[output a=marker]"');
    expect(out).toMatchObject({ a: 1, b: true, c: 'x=y', d: 'l1\nl2' });
  });

  it.each([
    ['garbage', /\$WFE_OUTPUT line 1: expected NAME=VALUE or NAME<<DELIMITER, got "garbage"/],
    ['ok=1\nx<<END\nnever ended', /\$WFE_OUTPUT line 2: the value of 'x' starts here but no line 'END' ends it/],
    ['1bad=1', /\$WFE_OUTPUT line 1: bad output name "1bad"/],
    ['__proto__=1', /\$WFE_OUTPUT line 1: bad output name "__proto__"/],
  ])('a malformed $WFE_OUTPUT (%j) fails the step naming the line', async (text, message) => {
    const err = await run('printf "%s" "$TEXT" >> "$WFE_OUTPUT"', { text }).catch((e: unknown) => e);
    expect(isWfeError(err, 'EXECUTOR_FAILED'), String(err)).toBe(true);
    expect((err as Error).message).toMatch(message);
  });

  it('more than 1 MiB in $WFE_OUTPUT fails the step', async () => {
    const err = await run('head -c 1100000 /dev/zero | tr "\\0" a | sed "s/^/v=/" >> "$WFE_OUTPUT"').catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/wrote 1100002 bytes to \$WFE_OUTPUT \(at most 1048576/);
  });
});
