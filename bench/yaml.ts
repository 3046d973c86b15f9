/**
 * YAML front end figures: load + validate time of a generated 500-step file, and the overhead of
 * a no-op shell step and a no-op Deno step over running the same command directly.
 * Run: npx tsx bench/yaml.ts
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDenoStep } from '../src/executors/deno-executor.js';
import { resolveDenoBinary } from '../src/executors/deno-binary.js';
import { runShellStep } from '../src/executors/shell-executor.js';
import { parseWorkflows } from '../src/yaml/index.js';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

async function time(fn: () => unknown, runs: number, warmup = 2): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return median(samples);
}

/** Medians of `a` and `b` run alternately, so load changes on the machine hit both alike. */
async function compare(a: () => unknown, b: () => unknown, runs: number): Promise<[number, number]> {
  for (let i = 0; i < 3; i++) {
    await a();
    await b();
  }
  const sa: number[] = [];
  const sb: number[] = [];
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    await a();
    sa.push(performance.now() - t);
    t = performance.now();
    await b();
    sb.push(performance.now() - t);
  }
  return [median(sa), median(sb)];
}

/** A 500-step workflow: templates, merge keys, `when`, hooks, parallel blocks, interpolation. */
function generate(steps: number): string {
  const lines = [
    '_templates:',
    '  base: &base',
    '    error_behavior: { type: retry, interval: 1s, max_retries: 2 }',
    'workflow:',
    '  id: big',
    '  inputs: { env: string, n: integer? }',
    '  steps:',
  ];
  for (let i = 0; i < steps; i++) {
    if (i % 50 === 49) {
      lines.push(`    - name: fan${i}`, '      parallel:');
      for (let j = 0; j < 3; j++) lines.push(`        - name: fan${i}_${j}`, `          config: { run: "echo ${j}" }`);
      continue;
    }
    lines.push(`    - name: s${i}`, '      <<: *base', `      config: { run: "echo ((greeting)) ${i}", timeout: 30s }`, `      outputs: [o${i}]`);
    if (i % 10 === 0) lines.push(`      when: { all: [{ field: .inputs.env, equals: prod }, { field: .inputs.n, gt: ${i} }] }`);
    if (i % 25 === 0) lines.push(`      on_failure: { name: f${i}, config: { run: "echo failed" } }`, `      ensure: [{ name: e${i}, config: { run: "echo a" } }, { name: e${i}b, config: { run: "echo b" } }]`);
  }
  return `${lines.join('\n')}\n`;
}

function runDirect(command: string, args: string[], env?: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    child.stdout.resume();
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited ${code}`))));
  });
}

const text = generate(500);
const cold = performance.now();
const loaded = parseWorkflows(text, { file: 'big.yaml', config: { greeting: 'hi' } });
const coldMs = performance.now() - cold;
const loadMs = await time(() => parseWorkflows(text, { file: 'big.yaml', config: { greeting: 'hi' } }), 15);
console.log(`load+validate 500-step YAML (${text.length} bytes, ${loaded.definitions[0]!.steps.length} step defs): median ${loadMs.toFixed(1)} ms (first, with schema compile: ${coldMs.toFixed(1)} ms)`);

const runs = Number(process.env.RUNS ?? 30);
const [shellDirect, shellStep] = await compare(
  () => runDirect('sh', ['-c', 'true']),
  () => runShellStep({ stepName: 'noop', config: { run: 'true' }, data: { env: 'prod', n: 3 } }),
  runs,
);
console.log(`no-op shell: direct ${shellDirect.toFixed(2)} ms, step ${shellStep.toFixed(2)} ms, ratio ${(shellStep / shellDirect).toFixed(2)}`);

const deno = resolveDenoBinary();
const dir = mkdtempSync(join(tmpdir(), 'wfe-bench-'));
writeFileSync(join(dir, 'noop.js'), '');
const denoEnv = { ...process.env, DENO_DIR: join(dir, 'deno-dir'), NO_COLOR: '1' };
const [denoDirect, denoStep] = await compare(
  () => runDirect(deno, ['run', '--quiet', '--no-prompt', '--no-config', join(dir, 'noop.js')], denoEnv),
  () => runDenoStep({ stepName: 'noop', config: { script: '' }, data: { env: 'prod', n: 3 } }),
  runs,
);
console.log(`no-op deno: direct ${denoDirect.toFixed(2)} ms, step ${denoStep.toFixed(2)} ms, ratio ${(denoStep / denoDirect).toFixed(2)}`);

// A 20-step pipeline through the WorkflowHost vs the sum of its commands run directly.
const { WorkflowHost } = await import('../src/runtime/host.js');
const { createMemoryPersistence } = await import('../src/adapters/memory/index.js');
const commands = Array.from({ length: 20 }, (_, i) => `sleep 0.02; echo "##wfe[output step${i}=${i}]"`);
const pipeline = `workflow:\n  id: p20\n  steps:\n${commands.map((c, i) => `    - name: s${i}\n      config: { run: '${c}' }\n`).join('')}`;
const own: number[] = [];
for (const c of commands) {
  const t = performance.now();
  await runDirect('sh', ['-c', c]);
  own.push(performance.now() - t);
}
const sum = own.reduce((a, b) => a + b, 0);
for (const [label, options] of [
  ['in-memory stores', { persistence: createMemoryPersistence() }],
  ['embedded SQLite', { sqlitePath: join(dir, 'bench.db') }],
] as const) {
  const host = new WorkflowHost({ ...options, pollInterval: 20 });
  const loaded20 = parseWorkflows(pipeline, { file: 'p20.yaml' });
  host.registerWorkflow({ definition: loaded20.definitions[0]!, registry: loaded20.registry });
  await host.start();
  await host.runSync('p20', { timeoutMs: 60_000 }); // warm-up
  const walls: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const state = await host.runSync('p20', { timeoutMs: 60_000 });
    if (state.status !== 'complete') throw new Error(`pipeline ended ${state.status}`);
    walls.push(performance.now() - t);
  }
  await host.stop();
  const wall = median(walls);
  console.log(`20-step pipeline (${label}): wall ${wall.toFixed(0)} ms vs sum of commands ${sum.toFixed(0)} ms, ratio ${(wall / sum).toFixed(2)}, ${((wall - sum) / 20).toFixed(1)} ms per step`);
}
