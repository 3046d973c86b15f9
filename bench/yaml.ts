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
const shellDirect = await time(() => runDirect('sh', ['-c', 'true']), runs);
const shellStep = await time(() => runShellStep({ stepName: 'noop', config: { run: 'true' }, data: { env: 'prod', n: 3 } }), runs);
console.log(`no-op shell: direct ${shellDirect.toFixed(2)} ms, step ${shellStep.toFixed(2)} ms, ratio ${(shellStep / shellDirect).toFixed(2)}`);

const deno = resolveDenoBinary();
const dir = mkdtempSync(join(tmpdir(), 'wfe-bench-'));
writeFileSync(join(dir, 'noop.js'), '');
const denoEnv = { ...process.env, DENO_DIR: join(dir, 'deno-dir'), NO_COLOR: '1' };
const denoDirect = await time(() => runDirect(deno, ['run', '--quiet', '--no-prompt', '--no-config', join(dir, 'noop.js')], denoEnv), runs);
const denoStep = await time(() => runDenoStep({ stepName: 'noop', config: { script: '' }, data: { env: 'prod', n: 3 } }), runs);
console.log(`no-op deno: direct ${denoDirect.toFixed(2)} ms, step ${denoStep.toFixed(2)} ms, ratio ${(denoStep / denoDirect).toFixed(2)}`);
