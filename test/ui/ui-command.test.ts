// `wfe ui` as a real process: it prints the debugger's address, serves the store read-only, stops on
// Ctrl-C; a store it cannot open and an address beyond loopback without --allow-remote are refused.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as pizza } from '../../examples/pizza.js';
import { runCli, startCli, tempDir } from '../cli/cli-process.js';

describe('wfe ui', () => {
  const tmp = tempDir();
  const db = join(tmp.dir, 'pizza.db');
  beforeAll(async () => {
    const state = await pizza({ sqlitePath: db, print: false, fail: true });
    expect(state.status).toBe('suspended');
    process.exitCode = 0; // the example sets 1 for an order that did not complete
  }, 60_000);
  afterAll(() => tmp.remove());

  it('prints the address on 127.0.0.1, serves the failed order, and stops on Ctrl-C', async () => {
    const cli = startCli(['ui', '--db', db, '--port', '0']);
    const [, url] = await cli.waitFor(/is at (http:\/\/127\.0\.0\.1:\d+\/)\n/);
    const counts = (await (await fetch(new URL('api/counts', url))).json()) as { status: string; count: number }[];
    expect(counts).toEqual([{ definitionId: 'pizza', status: 'suspended', count: 1 }]);
    expect(await (await fetch(url!)).text()).toContain(`"store":${JSON.stringify(db)}`);
    cli.child.kill('SIGINT');
    const done = await cli.result;
    expect(done.code).toBe(0);
  }, 60_000);

  it('refuses a store it cannot open, naming it, without a stack trace', async () => {
    const r = await runCli(['ui', '--db', join(tmp.dir, 'missing.db')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`no database at ${join(tmp.dir, 'missing.db')}`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);

  it('listens beyond loopback only with --allow-remote, and a bad port is a usage error', async () => {
    const r = await runCli(['ui', '--db', db, '--host', '0.0.0.0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--host 0.0.0.0 is not loopback: add --allow-remote');
    const k = await runCli(['ui', '--db', db, '--public-key', join(tmp.dir, 'no-key.pem')]);
    expect(k.code).toBe(2);
    expect(k.stderr).toContain('no-key.pem');
    const p = await runCli(['ui', '--db', db, '--port', 'eighty']);
    expect(p.code).toBe(2);
    expect(p.stderr).toContain('--port eighty: expected a port number');
  }, 30_000);
});
