import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, openSync, closeSync, writeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, instanceId, runCli, tempDir } from './cli-process.js';

const T = 60_000;
const tmp = tempDir();
afterAll(() => tmp.remove());
const at = (name: string) => join(tmp.dir, name);

/** One line on stderr, no stack trace. */
function expectOneLine(r: { code: number | null; stderr: string }, code: number, message: RegExp): void {
  expect(r.code, r.stderr).toBe(code);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/^\s+at /m);
}

const step = (run: string) => `workflow:\n  id: w\n  steps:\n    - name: a\n      config:\n        run: ${run}\n`;

describe('bad workflow files: every one a clear error', () => {
  it('a file over the size limit is refused before parsing, quickly (exit 2); --max-file-size changes the limit', async () => {
    const big = at('big.yaml');
    writeFileSync(big, `${step('echo hi')}# ${'x'.repeat(50 * 1024 * 1024)}\n`);
    const started = Date.now();
    const r = await runCli(['validate', big]);
    expectOneLine(r, 2, /big\.yaml:1:1: the file is 50 MiB, more than the 1 MiB a workflow file may have \(raise the limit with --max-file-size/);
    expect(Date.now() - started).toBeLessThan(15_000);
    expectOneLine(await runCli(['run', big, '--db', ':memory:']), 2, /the file is 50 MiB, more than the 1 MiB/);
    const small = at('small.yaml');
    writeFileSync(small, `${step('echo hi')}# ${'x'.repeat(3000)}\n`);
    expectOneLine(await runCli(['validate', small, '--max-file-size', '2KB']), 2, /more than the 2 KiB a workflow file may have/);
    expect((await runCli(['validate', small, '--max-file-size', '1MB'])).code).toBe(0);
    expectOneLine(await runCli(['validate', small, '--max-file-size', 'huge']), 2, /--max-file-size expects a size such as 5MB/);
  }, T);

  it('invalid UTF-8 is an error naming line, column and byte offset', async () => {
    const file = at('latin1.yaml');
    const text = Buffer.concat([Buffer.from('workflow:\n  id: w\n  steps:\n    - name: a\n      config: { run: "echo caf'), Buffer.from([0xe9]), Buffer.from('" }\n')]);
    writeFileSync(file, text);
    const r = await runCli(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`latin1.yaml:5:31: invalid UTF-8 at byte offset ${text.indexOf(0xe9)} (byte 0xe9): workflow files must be UTF-8`);
    expectOneLine(await runCli(['run', file, '--db', ':memory:']), 2, /latin1\.yaml:5:31: invalid UTF-8 at byte offset/);
  }, T);

  it('control characters in a command are refused by validate, with file:line:column', async () => {
    const file = at('nul.yaml');
    writeFileSync(file, step('"echo a\\0b; echo \\rhidden"'));
    const r = await runCli(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("nul.yaml:6:14: run of step 'a' contains U+0000 (NUL) at line 1, column 7 of its text: commands may not contain control characters other than tab and line feed");
  }, T);

  it('a FIFO or a folder given as the workflow file fails at once (exit 2)', async () => {
    const fifo = at('pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    expectOneLine(await runCli(['validate', fifo]), 2, /pipe\.yaml:1:1: cannot read the file: it is not a regular file/);
    expectOneLine(await runCli(['validate', tmp.dir]), 2, /cannot read the file: (it is not a regular file \(a directory\)|EISDIR)/);
  }, T);
});

describe('--input keys the workflow does not declare', () => {
  it('are refused with the declared ones listed, unless --allow-undeclared-inputs', async () => {
    const r = await runCli(['run', fixture('pipeline.yaml'), '--db', ':memory:', '--input', '{"env": "dev", "git_config_count": "1", "admin": true}']);
    expectOneLine(r, 2, /--input has keys that workflow 'pipeline' does not declare: admin, git_config_count \(declared inputs: env\); declare them under inputs:, or pass --allow-undeclared-inputs/);
    expect(r.stdout).not.toMatch(/status:/);
    const allowed = await runCli(['run', fixture('pipeline.yaml'), '--db', ':memory:', '--input', '{"admin": true}', '--allow-undeclared-inputs']);
    expect(allowed.code, allowed.stderr).toBe(0);
  }, T);
});

describe('databases that are damaged or cannot be used', () => {
  let db = '';
  let id = '';
  beforeAll(async () => {
    db = at('runs/w.db');
    const r = await runCli(['run', fixture('pipeline.yaml'), '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    id = instanceId(r.stdout);
  }, T);

  it('wfe verify checks the file page by page: a damaged index page is "damaged", exit 1', async () => {
    const intact = await runCli(['verify', id, '--db', db]);
    expect(intact.code).toBe(0);
    expect(intact.stdout).toMatch(/^ok: .*w\.db: file intact \(SQLite integrity check\)\nok: .*hash chain intact/);
    const damaged = at('damaged.db');
    copyFileSync(db, damaged);
    // Page 3 is the events table's unique index: the chain still reads, the file is not intact.
    const fd = openSync(damaged, 'r+');
    writeSync(fd, Buffer.alloc(1000, 0xab), 0, 1000, 2 * 4096 + 3000);
    closeSync(fd);
    const r = await runCli(['verify', id, '--db', damaged]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^damaged: .*damaged\.db: SQLite's integrity check found a problem:\n {2}.*malformed/);
  }, T);

  it('a file that is not a database is "damaged" too (exit 1)', async () => {
    const junk = at('junk.db');
    writeFileSync(junk, 'x'.repeat(8192));
    const r = await runCli(['verify', id, '--db', junk]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^damaged: .*junk\.db: [^\n]*\n .*not a database/);
  }, T);

  it('--db that cannot be opened or created exits 2 ("could not check"), fast, naming the path', async () => {
    mkdirSync(at('a-folder'));
    const cases: [string[], RegExp][] = [
      [['run', fixture('pipeline.yaml'), '--db', '/proc/1/x/wfe.db'], /cannot create the folder \/proc\/1\/x for --db \/proc\/1\/x\/wfe\.db: ENOENT/],
      [['run', fixture('pipeline.yaml'), '--db', '/proc/wfe.db'], /\/proc\/wfe\.db is unavailable \(opening\): unable to open database file/],
      [['run', fixture('pipeline.yaml'), '--db', at('a-folder')], /cannot use --db .*a-folder: it is not a regular file \(a folder\)/],
      [['run', fixture('pipeline.yaml'), '--db', `${fixture('pipeline.yaml')}/x.db`], /cannot use --db .*: .*pipeline\.yaml is not a folder/],
      [['verify', id, '--db', '/proc/1/x/wfe.db'], /no database at \/proc\/1\/x\/wfe\.db/],
      [['verify', id, '--db', at('a-folder')], /is not a regular file/],
      [['history', id, '--db', at('a-folder')], /is not a regular file/],
    ];
    for (const [args, message] of cases) {
      const started = Date.now();
      const r = await runCli(args);
      expectOneLine(r, 2, message);
      expect(Date.now() - started, args.join(' ')).toBeLessThan(20_000);
    }
  }, 4 * T);

  it('a FIFO as --db fails at once instead of blocking', async () => {
    const fifo = at('fifo.db');
    execFileSync('mkfifo', [fifo]);
    expectOneLine(await runCli(['run', fixture('pipeline.yaml'), '--db', fifo]), 2, /cannot use --db .*fifo\.db: it is not a regular file \(a device, pipe or socket\)/);
    expectOneLine(await runCli(['verify', id, '--db', fifo]), 2, /is not a regular file/);
  }, T);
});
