import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startCli, tempDir } from './cli-process.js';

const T = 90_000;
const tmp = tempDir();
afterAll(() => tmp.remove());

/** The lines of stdout that start with these prefixes, in the order they were printed. */
function positions(stdout: string, prefixes: readonly string[]): number[] {
  const lines = stdout.split('\n');
  return prefixes.map((p) => lines.findIndex((l) => l.startsWith(p)));
}

describe('examples/*.yaml run with wfe', () => {
  it('deploy.yaml: retries the flaky upload, releases the lock, skips the production-only step', async () => {
    const r = await runCli(['run', 'examples/deploy.yaml', '--db', ':memory:', '--input', '{"environment":"staging"}']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^↻ upload .*artifact store: 503 Service Unavailable \(attempt 1 failed; retry 1 in 0\.2s\)$/m);
    expect(r.stdout).toMatch(/^↻ upload .*\(attempt 2 failed; retry 2 in 0\.4s\)$/m);
    expect(r.stdout).toMatch(/^✓ upload \d+\.\ds \(attempt 3\)$/m);
    expect(r.stdout).toMatch(/^✓ deploy .* → deployed_at=\d{4}-/m);
    expect(r.stdout).toMatch(/^✓ release-lock \(ensure of deploy\)/m);
    expect(r.stdout).toContain('- announce skipped');
    expect(r.stdout).not.toMatch(/rollback|notify/);
    expect(r.stdout).toMatch(/^status: complete/m);
  }, T);

  it('deploy.yaml with a broken deploy: rollback and notify (on_failure), release-lock (ensure), exit 1', async () => {
    const r = await runCli(['run', 'examples/deploy.yaml', '--db', ':memory:', '--input', '{"environment":"staging","break_deploy":true}']);
    expect(r.code).toBe(1);
    const at = positions(r.stdout, ['✗ deploy', '✓ rollback (on_failure of deploy)', '✓ notify (on_failure of deploy)', '✓ release-lock (ensure of deploy)']);
    expect(at.every((i) => i > 0), r.stdout).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(r.stdout).toContain('health check failed: 3 of 3 pods are crash-looping');
    expect(r.stdout).not.toMatch(/smoke-test|announce/);
    expect(r.stdout).toMatch(/^status: failed/m);
  }, T);

  it('fan-out.yaml: three measurements at once, then one step combines their outputs', async () => {
    const r = await runCli(['run', 'examples/fan-out.yaml', '--db', ':memory:']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const at = positions(r.stdout, ['▸ measure: parallel', '  ✓ source-lines', '  ✓ test-lines', '  ✓ dependencies', '✓ measure', '✓ combine']);
    expect(at.every((i) => i > 0), r.stdout).toBe(true);
    expect(Math.max(...at.slice(0, 5))).toBe(at[4]);
    expect(at[5]).toBeGreaterThan(at[4]!);
    const source = Number(/source_lines=(\d+)/.exec(r.stdout)?.[1]);
    const tests = Number(/test_lines=(\d+)/.exec(r.stdout)?.[1]);
    expect(source).toBeGreaterThan(1000);
    expect(r.stdout).toContain(`total_lines=${source + tests}, report=${source} lines of source, ${tests} lines of tests`);
  }, T);

  it('approval.yaml: waits (type: wait) until `wfe publish` brings the decision from another process, then takes the matching branch', async () => {
    const db = join(tmp.dir, 'approval.db');
    const cli = startCli(['run', 'examples/approval.yaml', '--db', db, '--input', JSON.stringify({ change: 'raise replicas to 5', ticket: 'CHG-42' })]);
    await cli.waitFor(/^✓ request /m);
    await new Promise((r) => setTimeout(r, 500));
    expect(cli.stdout()).not.toContain('wait-for-decision');
    const published = await runCli(['publish', 'approval', 'CHG-42', '--db', db, '--data', '{"decision": "rejected"}']);
    expect(published.code, published.stderr).toBe(0);
    expect(published.stdout).toMatch(/^published approval\/CHG-42 \(event .+\); 1 workflow waits for it now$/m);
    const r = await cli.result;
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^✓ wait-for-decision .* → decision=rejected$/m);
    expect(r.stdout).toContain('- check-decision skipped');
    expect(r.stdout).toContain('- apply skipped');
    expect(r.stdout).toMatch(/^✓ report-rejection /m);
  }, T);
});
