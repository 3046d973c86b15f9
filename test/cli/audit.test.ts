import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainHash, GENESIS_HASH } from '../../src/adapters/shared/hash-chain.js';
import { createSqlitePersistence } from '../../src/adapters/sqlite/index.js';
import { fold } from '../../src/domain/evolve.js';
import { snapshotOf } from '../../src/projections/snapshot.js';
import { fixture, instanceId, runCli, tempDir } from './cli-process.js';

const T = 120_000;
const tmp = tempDir();
afterAll(() => tmp.remove());

const keys = generateKeyPairSync('ed25519');
const priv = join(tmp.dir, 'signing.pem');
const pub = join(tmp.dir, 'signing.pub.pem');
const base = join(tmp.dir, 'base.db');
const anchorFile = join(tmp.dir, 'anchor.json');
let id = '';
let head = 0;

interface Row { position: number; version: number; recorded_at: number; body: string; meta: string; hash: string; signature: string | null }

/** A copy of the signed store, changed by `tamper` with the triggers out of the way (someone with the file). */
function tampered(name: string, tamper: (db: Database.Database, rows: Row[]) => void): string {
  const file = join(tmp.dir, `${name}.db`);
  copyFileSync(base, file);
  const db = new Database(file);
  db.exec('DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;');
  tamper(db, db.prepare('SELECT position, version, recorded_at, body, meta, hash, signature FROM events WHERE stream_id = ? ORDER BY version').all(id) as Row[]);
  db.close();
  return file;
}

/** Recompute every hash of the stream from `rows` (what an attacker without the key can do). */
function rehash(db: Database.Database, rows: readonly Row[]): void {
  let prev = GENESIS_HASH;
  for (const r of rows) {
    const hash = chainHash(prev, { streamId: id, version: r.version, recordedAt: r.recorded_at, event: JSON.parse(r.body), meta: JSON.parse(r.meta) });
    db.prepare('UPDATE events SET hash = ? WHERE position = ?').run(hash, r.position);
    prev = hash;
  }
}

const verify = (db: string) => runCli(['verify', '--all', '--db', db, '--anchor', anchorFile, '--public-key', pub]);

beforeAll(async () => {
  writeFileSync(priv, keys.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(pub, keys.publicKey.export({ type: 'spki', format: 'pem' }));
  const run = await runCli(['run', fixture('transfer.yaml'), '--db', base, '--input', '{"amount": 5}', '--signing-key', priv]);
  expect(run.code, run.stdout + run.stderr).toBe(0);
  id = instanceId(run.stdout);
  const anchor = await runCli(['anchor', '--db', base, '--key', priv]);
  expect(anchor.code, anchor.stderr).toBe(0);
  writeFileSync(anchorFile, anchor.stdout);
  head = (JSON.parse(anchor.stdout) as { heads: { instanceId: string; version: number }[] }).heads.find((h) => h.instanceId === id)!.version;
}, T);

describe('signed and anchored history: every tamper is found by wfe verify with the anchor and the public key', () => {
  it('an intact signed store verifies; without key and anchor verify says what it cannot see', async () => {
    const ok = await verify(base);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`ok: ${id}: ${head} events, hash chain intact, signatures valid, anchored head (version ${head}) present`);
    expect(ok.stdout).not.toContain('not checked');
    const bare = await runCli(['verify', id, '--db', base]);
    expect(bare.code).toBe(0);
    expect(bare.stdout).toContain('not checked: no public key: a rewrite whose hashes were recomputed');
    expect(bare.stdout).toContain('not checked: no anchor: removing the last events');
    // The triggers refuse edits through SQL.
    const db = new Database(base);
    expect(() => db.prepare('DELETE FROM events WHERE stream_id = ?').run(id)).toThrow('wfe: events are append-only (DELETE refused: purge through wfe)');
    db.close();
  }, T);

  const cases: [string, (db: Database.Database, rows: Row[]) => void, RegExp][] = [
    ['edit one byte', (db, rows) => db.prepare('UPDATE events SET body = replace(body, \'"amount":5\', \'"amount":6\') WHERE position = ?').run(rows[0]!.position), /at version 1: hash mismatch/],
    ['delete the last event', (db, rows) => db.prepare('DELETE FROM events WHERE position = ?').run(rows.at(-1)!.position), /at version \d+: (the last event is not signed|truncated)/],
    ['delete the last five', (db, rows) => { for (const r of rows.slice(-5)) db.prepare('DELETE FROM events WHERE position = ?').run(r.position); }, /at version \d+: (the last event is not signed|truncated)/],
    ['swap two rows', (db, rows) => {
      const [a, b] = [rows[1]!, rows[2]!];
      db.prepare('UPDATE events SET body = ?, type = json_extract(?, \'$.type\') WHERE position = ?').run(b.body, b.body, a.position);
      db.prepare('UPDATE events SET body = ?, type = json_extract(?, \'$.type\') WHERE position = ?').run(a.body, a.body, b.position);
    }, /at version 2: hash mismatch/],
    ['insert a forged row with a recomputed hash', (db, rows) => {
      const last = rows.at(-1)!;
      const event = { type: 'DataChanged', v: 1, at: last.recorded_at, patches: [{ op: 'replace', path: ['amount'], value: 5000 }], reason: 'forged' };
      const hash = chainHash(last.hash, { streamId: id, version: last.version + 1, recordedAt: last.recorded_at, event: event as never, meta: {} });
      db.prepare('INSERT INTO events (stream_id, version, recorded_at, type, body, meta, hash) VALUES (?, ?, ?, ?, ?, ?, ?)').run(id, last.version + 1, last.recorded_at, 'DataChanged', JSON.stringify(event), '{}', hash);
    }, new RegExp('at version \\d+: the last event is not signed')],
    ['rehash the whole stream after an edit', (db, rows) => {
      db.prepare('UPDATE events SET body = replace(body, \'"amount":5\', \'"amount":6\') WHERE position = ?').run(rows[0]!.position);
      rehash(db, db.prepare('SELECT position, version, recorded_at, body, meta, hash, signature FROM events WHERE stream_id = ? ORDER BY version').all(id) as Row[]);
    }, /at version \d+: bad signature/],
  ];
  for (const [name, tamper, why] of cases) {
    it(`${name}: exit 1, naming the instance, the first bad version and why`, async () => {
      const r = await verify(tampered(name.replace(/ /g, '-'), tamper));
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stdout).toMatch(new RegExp(`^broken: ${id} ${why.source}`, 'm'));
    }, T);
  }

  it('edit a snapshot: verify finds it (and the host refuses a snapshot whose hash is not the log\'s)', async () => {
    const file = join(tmp.dir, 'snapshot.db');
    copyFileSync(base, file);
    const store = createSqlitePersistence({ path: file });
    const events = await store.log.read(id);
    await store.snapshots.save(snapshotOf(fold(undefined, events.slice(0, 3).map((e) => e.event)), events[2]!.hash));
    await store.close();
    expect((await verify(file)).code).toBe(0);
    const db = new Database(file);
    db.prepare('UPDATE snapshots SET state = replace(state, \'"amount":5\', \'"amount":7\') WHERE stream_id = ?').run(id);
    db.close();
    const r = await verify(file);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`broken: ${id} at version 3: the snapshot was edited: its state differs from the fold of the log up to its version`);
  }, T);

  it('an anchor that was edited, or a missing key file, is a clear error', async () => {
    const edited = join(tmp.dir, 'edited-anchor.json');
    writeFileSync(edited, readFileSync(anchorFile, 'utf8').replace(/"version": \d+/, '"version": 1'));
    const r = await runCli(['verify', '--all', '--db', base, '--anchor', edited, '--public-key', pub]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('the anchor is not signed by this key');
    const missing = await runCli(['verify', '--db', base, '--public-key', join(tmp.dir, 'nope.pem')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read the public key file');
  }, T);

  it('an exported run imports into another database, verified first, and verifies there; a tampered export imports nothing', async () => {
    const exported = await runCli(['export', id, '--db', base]);
    expect(exported.code, exported.stderr).toBe(0);
    const file = join(tmp.dir, 'run.jsonl');
    writeFileSync(file, exported.stdout);
    const lines = exported.stdout.trim().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ format: 'wfe-export/1', instanceId: id, events: head, definition: { id: 'transfer', version: 1 } });
    expect(lines).toHaveLength(head + 1);

    const laptop = join(tmp.dir, 'laptop.db');
    const imported = await runCli(['import', file, '--db', laptop, '--public-key', pub]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toBe(`imported ${id}: ${head} events, chain verified, signatures valid\n`);
    const verified = await runCli(['verify', id, '--db', laptop, '--public-key', pub, '--anchor', anchorFile]);
    expect(verified.code, verified.stdout).toBe(0);
    const state = JSON.parse((await runCli(['state', id, '--db', laptop, '--json'])).stdout) as { status: string };
    expect(state.status).toBe('complete');
    const twice = await runCli(['import', file, '--db', laptop]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain(`instance ${id} already exists in the target store: nothing imported`);

    const forged = join(tmp.dir, 'forged.jsonl');
    writeFileSync(forged, exported.stdout.replace('"amount":5', '"amount":6'));
    const other = join(tmp.dir, 'other.db');
    const refused = await runCli(['import', forged, '--db', other]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`instance ${id} has a broken chain at version 1: hash mismatch`);
    expect(refused.stderr).toContain('nothing imported');
    const foreign = join(tmp.dir, 'foreign.jsonl');
    writeFileSync(foreign, `{"format":"temporal-history/1"}\n`);
    const notOurs = await runCli(['import', foreign, '--db', other]);
    expect(notOurs.code).toBe(2);
    expect(notOurs.stderr).toContain('it comes from another engine or version');
    const truncated = join(tmp.dir, 'truncated.jsonl');
    writeFileSync(truncated, `${lines.slice(0, -1).join('\n')}\n`);
    const cut = await runCli(['import', truncated, '--db', other]);
    expect(cut.code).toBe(2);
    expect(cut.stderr).toContain(`the header says ${head} events, the file has ${head - 1}: truncated`);
    expect(JSON.parse((await runCli(['list', '--db', other, '--json'])).stdout)).toEqual([]);
  }, T);

  it('replay-check re-folds stored runs and finds a snapshot this code would fold differently', async () => {
    const ok = await runCli(['replay-check', '--db', base]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toBe('1 instances re-folded, 0 would differ\n');
    const r = await runCli(['replay-check', '--db', join(tmp.dir, 'snapshot.db'), '--sample', '1']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`differs: ${id} at version 3: the stored snapshot differs from the fold at its version`);
  }, T);

  it('the CLI signs what it appends with --key, so a signed store stays verifiable after a fork and a terminate', async () => {
    const file = join(tmp.dir, 'cli-writes.db');
    copyFileSync(base, file);
    const fork = await runCli(['fork', id, '--at', '2', '--db', file, '--key', priv, '--json']);
    expect(fork.code, fork.stderr).toBe(0);
    const { id: forked } = JSON.parse(fork.stdout) as { id: string };
    const term = await runCli(['terminate', forked, '--db', file, '--key', priv, '--reason', 'only a test']);
    expect(term.code, term.stderr).toBe(0);
    const r = await runCli(['verify', '--all', '--db', file, '--public-key', pub]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^ok: ${forked}: \\d+ events, hash chain intact, signatures valid`, 'm'));
    const unsigned = await runCli(['suspend', id, '--db', file]);
    expect(unsigned.code).toBe(2); // complete: nothing appended
  }, T);
});
