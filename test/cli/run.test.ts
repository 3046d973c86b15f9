import { describe, expect, it } from 'vitest';
import { fixture, instanceId, runCli, startCli } from './cli-process.js';

const T = 60_000;

describe('wfe run (not a terminal: plain lines)', () => {
  it('runs a pipeline: a line per step with its duration and outputs, groups, skips, the final status and instance id', async () => {
    const r = await runCli(['run', fixture('pipeline.yaml'), '--db', ':memory:']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^wfe run test\/fixtures\/cli\/pipeline\.yaml: pipeline@1 \(instance [0-9a-f-]{36}\)$/);
    expect(lines).toContainEqual(expect.stringMatching(/^✓ build \d+\.\ds → version=1\.2\.3$/));
    expect(lines).toContain('▸ checks: parallel');
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}✓ unit \d+\.\ds$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}✓ lint \d+\.\ds → lint_ok=true$/));
    expect(lines).toContainEqual(expect.stringMatching(/^✓ checks \d+\.\ds$/));
    expect(lines).toContain('- deploy skipped');
    expect(r.stdout).toMatch(/^status: complete \(\d+\.\ds; 4 passed, 1 skipped\)$/m);
    expect(instanceId(r.stdout)).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.stdout).not.toMatch(/\x1b\[/);
  }, T);

  it('a failing pipeline exits 1, shows the error and the output tail, runs on_failure and ensure, skips the rest', async () => {
    const r = await runCli(['run', fixture('failing.yaml'), '--db', ':memory:']);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines).toContainEqual(expect.stringMatching(/^✗ deploy \d+\.\ds: step 'deploy' exited with code 4: disk full on node-3$/));
    expect(lines).toContain('  │ disk full on node-3');
    const order = ['✗ deploy', '✓ rollback (on_failure of deploy)', '✓ notify (on_failure of deploy)', '✓ unlock (ensure of deploy)'].map((p) => lines.findIndex((l) => l.startsWith(p)));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(r.stdout).toContain('rolled_back=true');
    expect(r.stdout).not.toMatch(/smoke|announce/);
    expect(r.stdout).toMatch(/^status: failed \(.*4 passed, 1 failed\)$/m);
    expect(r.stdout).toContain("error: step 'deploy' exited with code 4: disk full on node-3");
  }, T);

  it('retries are shown; a step whose retries run out fails the run (a pipeline): exit 1, status failed', async () => {
    const r = await runCli(['run', fixture('exhausted.yaml'), '--db', ':memory:']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^↻ flaky \d+\.\ds: step 'flaky' exited with code 1: upstream 503 \(attempt 1 failed; retry 1 in 0\.1s\)$/m);
    expect(r.stdout).toMatch(/^↻ flaky .*\(attempt 2 failed; retry 2 in 0\.1s\)$/m);
    expect(r.stdout).toMatch(/^✗ flaky /m);
    expect(r.stdout).toMatch(/^status: failed/m);
    expect(r.stdout).toMatch(/^error: step 'flaky' exited with code 1: upstream 503/m);
    expect(r.stdout).not.toContain('never');
  }, T);

  it('--stream-output prints each output line as it comes, tagged with its step, before the step ends', async () => {
    const r = await runCli(['run', fixture('pipeline.yaml'), '--db', ':memory:', '--stream-output', '--input', '{"env":"prod"}']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    const building = lines.indexOf('  [build] building');
    expect(building).toBeGreaterThan(0);
    expect(building).toBeLessThan(lines.findIndex((l) => l.startsWith('✓ build')));
    expect(lines).toContain('    [lint stderr] linting');
    expect(lines).toContain('  [deploy] deploying');
    expect(lines).toContain('  [done] finished 1.2.3');
  }, T);

  it('child workflows (type: workflow) are nested under the step that calls them', async () => {
    const r = await runCli(['run', fixture('compose.yaml'), '--db', ':memory:']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    const at = (p: string) => lines.findIndex((l) => l.startsWith(p));
    expect(lines[0]).toContain('release@1');
    expect(at('▸ call: workflow greet')).toBeGreaterThan(0);
    expect(at('  ✓ hello')).toBeGreaterThan(at('▸ call: workflow greet'));
    expect(lines).toContainEqual(expect.stringMatching(/^✓ call \d+\.\ds → greeting=hello world$/));
    expect(lines).toContainEqual(expect.stringMatching(/^✓ after .* → seen=hello world$/));
  }, T);

  it('--timeout kills the running step, still runs its ensure step, and exits 1', async () => {
    const started = Date.now();
    const r = await runCli(['run', fixture('slow.yaml'), '--db', ':memory:', '--timeout', '1500ms']);
    expect(r.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(25_000);
    expect(r.stdout).toMatch(/^✗ sleepy .*: step 'sleepy' was aborted; its process group was killed$/m);
    expect(r.stdout).toMatch(/^✓ cleanup \(ensure of sleepy\)/m);
    expect(r.stdout).not.toContain('never');
    expect(r.stdout).toMatch(/^timed out after 1\.5s: running steps were stopped$/m);
    expect(r.stdout).toMatch(/^status: failed/m);
  }, T);

  it('when a parallel branch fails, a sibling child workflow is stopped too: its running step is killed, nothing outlives the run', async () => {
    const started = Date.now();
    const r = await runCli(['run', fixture('fail-fast.yaml'), '--db', ':memory:']);
    expect(r.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(20_000);
    const lines = r.stdout.split('\n');
    expect(lines).toContain('  ▸ long: workflow long-child');
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}✗ broken .*: assertion failed$/));
    expect(lines).toContain('  ⊘ long cancelled');
    expect(lines).toContainEqual(expect.stringMatching(/^ {4}✗ sleeper .*: step 'sleeper' was aborted; its process group was killed$/));
    expect(lines).toContainEqual(expect.stringMatching(/^✗ tests \d+\.\ds$/));
  }, T);

  it('Ctrl-C (SIGINT) stops the running step, runs its ensure step, and exits 130', async () => {
    const cli = startCli(['run', fixture('slow.yaml'), '--db', ':memory:', '--stream-output']);
    await cli.waitFor(/\[sleepy\] started/);
    cli.child.kill('SIGINT');
    const r = await cli.result;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('wfe: stopping (Ctrl-C again to quit at once)');
    expect(r.stdout).toMatch(/^✗ sleepy .*: step 'sleepy' was aborted; its process group was killed$/m);
    expect(r.stdout).toMatch(/^✓ cleanup \(ensure of sleepy\)/m);
    expect(r.stdout).toMatch(/^interrupted: running steps were stopped$/m);
    expect(r.stdout).not.toContain('never');
  }, T);
});
