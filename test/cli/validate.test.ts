import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, runCli, tempDir } from './cli-process.js';

const T = 60_000;
const tmp = tempDir();
afterAll(() => tmp.remove());

describe('wfe validate', () => {
  it('lists every error with file:line:column and exits 1', async () => {
    const r = await runCli(['validate', fixture('invalid.yaml')]);
    expect(r.code).toBe(1);
    const file = 'test/fixtures/cli/invalid.yaml';
    expect(r.stdout.trim().split('\n')).toEqual([
      `${file}:6:13: expected a step type: shell, deno, workflow or wait, got string "python"`,
      `${file}:9:42: expected a duration such as 500ms, 30s, 5m, 2h, or a number of milliseconds, got string "5 parsecs"`,
      `${file}:10:13: duplicate step name 'build' (first used at line 5; names are unique in a workflow, hooks and parallel children included)`,
      `${file}:13:22: \`when\` field '.inputs.enviroment' names an undeclared input 'enviroment' (declared inputs: env)`,
      `4 errors in ${file}`,
    ]);
  }, T);

  it('malformed YAML is an invalid file too (exit 1, with its position)', async () => {
    const r = await runCli(['validate', fixture('malformed.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^test\/fixtures\/cli\/malformed\.yaml:6:5: .*\(YAML syntax\)$/m);
  }, T);

  it('a valid file prints ok and its workflows, exit 0; the repository pipeline and examples are valid', async () => {
    const r = await runCli(['validate', fixture('compose.yaml')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('ok: test/fixtures/cli/compose.yaml (2 workflows: release@1, greet@1)\n');
    for (const file of ['workflows.yaml', 'examples/deploy.yaml', 'examples/fan-out.yaml', 'examples/approval.yaml']) {
      const v = await runCli(['validate', file]);
      expect(v.stdout, file).toMatch(/^ok: /);
    }
  }, T);

  it('interpolation placeholders need --config (or WFE_CONFIG)', async () => {
    const text = 'workflow:\n  id: cfg\n  steps:\n    - name: a\n      config: { run: "echo ((region.name))" }\n';
    const file = join(tmp.dir, 'cfg.yaml');
    writeFileSync(file, text);
    expect((await runCli(['validate', file])).stdout).toMatch(/:5:22: unknown interpolation path 'region\.name'/);
    expect((await runCli(['validate', file, '--config', '{"region":{"name":"eu"}}'])).code).toBe(0);
    expect((await runCli(['validate', file], { WFE_CONFIG: '{"region":{"name":"eu"}}' })).code).toBe(0);
    const run = await runCli(['run', file, '--db', ':memory:', '--stream-output', '--config', '{"region":{"name":"eu-west"}}']);
    expect(run.stdout).toContain('  [a] eu-west');
  }, T);
});
