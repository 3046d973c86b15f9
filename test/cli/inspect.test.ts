import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, instanceId, runCli, tempDir } from './cli-process.js';

const T = 60_000;
const tmp = tempDir();
afterAll(() => tmp.remove());

describe('wfe history and wfe verify: inspecting a run later', () => {
  it('a run on a --db file can be read back as a timeline, with its child workflows, and its hash chain verified', async () => {
    const db = join(tmp.dir, 'runs.db');
    const run = await runCli(['run', fixture('compose.yaml'), '--db', db]);
    expect(run.code, run.stderr).toBe(0);
    const id = instanceId(run.stdout);
    expect(run.stdout).toContain(`inspect: wfe history ${id} --db ${db}`);

    const history = await runCli(['history', id, '--db', db]);
    expect(history.code, history.stderr).toBe(0);
    expect(history.stdout).toMatch(new RegExp(`^instance ${id}: release@1, complete, started \\S+Z, \\d+ events$`, 'm'));
    expect(history.stdout).toMatch(/│ 1 +│ 0 +│ WorkflowStarted +│ +│ release@1 ref test\/fixtures\/cli\/compose\.yaml/);
    expect(history.stdout).toMatch(/│ StepCompleted +│ call +│/);
    expect(history.stdout).toMatch(/│ WorkflowCompleted +│/);
    expect(history.stdout).toMatch(new RegExp(`^child workflows: ${id}\\.\\d+\\.1 \\(add --children to print them\\)$`, 'm'));

    const all = await runCli(['history', id, '--db', db, '--children']);
    expect(all.stdout).toMatch(/^instance \S+\.\d+\.1: greet@1, complete/m);
    expect(all.stdout).toMatch(/│ StepCompleted +│ hello +│ 3 data change\(s\): greeting, hello\.stdout, hello\.stderr/);

    const json = await runCli(['history', id, '--db', db, '--json']);
    const rows = (JSON.parse(json.stdout) as Record<string, { type: string }[]>)[id]!;
    expect(rows[0]!.type).toBe('WorkflowStarted');
    expect(rows.at(-1)!.type).toBe('WorkflowCompleted');

    const verify = await runCli(['verify', id, '--db', db, '--children']);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(new RegExp(`^ok: ${id}: \\d+ events, hash chain intact \\(head [0-9a-f]{16}…\\)$`, 'm'));
    expect(verify.stdout).toMatch(/^ok: .*: file intact \(SQLite integrity check\)$/m);
    expect(verify.stdout.trim().split('\n').filter((l) => l.startsWith('ok:'))).toHaveLength(3);
    expect(verify.stdout).toMatch(/^not checked: no public key: a rewrite whose hashes were recomputed/m);
  }, T);

  it('verify exits 1 and names the version when a stored event was edited', async () => {
    const db = join(tmp.dir, 'tampered.db');
    const run = await runCli(['run', fixture('failing.yaml'), '--db', db]);
    expect(run.code).toBe(1);
    const id = instanceId(run.stdout);
    const sqlite = new Database(db);
    expect(() => sqlite.prepare(`UPDATE events SET body = body WHERE stream_id = ?`).run(id)).toThrow('wfe: events are append-only (UPDATE refused)');
    sqlite.exec('DROP TRIGGER events_no_update');
    const changed = sqlite.prepare(`UPDATE events SET body = replace(body, 'disk full', 'all fine') WHERE stream_id = ? AND type = 'StepFailed'`).run(id);
    sqlite.close();
    expect(changed.changes).toBe(1);
    const verify = await runCli(['verify', id, '--db', db]);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(new RegExp(`^broken: ${id} at version \\d+: hash mismatch`, 'm'));
  }, T);

  it('history names steps from the stored definition, or from the workflow file when the store has none', async () => {
    const db = join(tmp.dir, 'bare.db');
    const run = await runCli(['run', fixture('pipeline.yaml'), '--db', db]);
    const id = instanceId(run.stdout);
    expect(existsSync(`${db}.runs`)).toBe(false);
    const stored = await runCli(['history', id, '--db', db]);
    expect(stored.stdout).not.toContain('step names unknown');
    expect(stored.stdout).toMatch(/│ StepSkipped +│ deploy +│/);
    const sqlite = new Database(db);
    sqlite.prepare('DELETE FROM definitions').run();
    sqlite.close();
    const bare = await runCli(['history', id, '--db', db]);
    expect(bare.stdout).toContain('step names unknown');
    const named = await runCli(['history', id, '--db', db, '--file', fixture('pipeline.yaml')]);
    expect(named.stdout).not.toContain('step names unknown');
    expect(named.stdout).toMatch(/│ StepSkipped +│ deploy +│/);
  }, T);

  it('an unknown instance is a usage error', async () => {
    const db = join(tmp.dir, 'runs.db');
    const r = await runCli(['history', 'no-such-instance', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`wfe: no workflow instance no-such-instance in ${db}\n`);
  }, T);
});
