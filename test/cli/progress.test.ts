import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryPersistence } from '../../src/adapters/memory/index.js';
import { chooseWorkflow } from '../../src/cli/choose-workflow.js';
import { COLOR, formatDuration, PLAIN } from '../../src/cli/progress/format.js';
import { ProgressModel } from '../../src/cli/progress/model.js';
import { ProgressReporter } from '../../src/cli/progress/reporter.js';
import { fitWidth, PlainView, TtyView, type ProgressView } from '../../src/cli/progress/views.js';
import { WorkflowHost } from '../../src/runtime/host.js';
import { parseWorkflows } from '../../src/yaml/index.js';

/** A terminal as far as the live view uses it: lines, cursor up, erase below. */
class FakeTerminal {
  readonly isTTY = true;
  readonly columns = 70;
  readonly rows = 20;
  screen: string[] = [''];
  frames = 0;
  write(text: string): void {
    for (const part of text.split(/(\x1b\[[0-9;?]*[A-Za-z])/)) {
      const csi = /^\x1b\[(\d*)([AJ])$/.exec(part);
      if (csi?.[2] === 'A') {
        this.screen.length -= Number(csi[1]);
        this.frames++;
      } else if (csi?.[2] === 'J') this.screen[this.screen.length - 1] = '';
      else if (!part.startsWith('\x1b[')) {
        const lines = part.split('\n');
        this.screen[this.screen.length - 1] = `${this.screen.at(-1) ?? ''}${lines[0] ?? ''}`;
        for (const l of lines.slice(1)) this.screen.push(l);
      }
    }
  }
  text(): string {
    return this.screen.join('\n');
  }
}

class Sink {
  text = '';
  write(s: string): void {
    this.text += s;
  }
}

const YAML = `workflows:
  - id: main
    steps:
      - name: checks
        parallel:
          - name: fast
            config: { run: 'true' }
          - name: slow
            config: { run: 'sleep 0.4' }
      - name: call
        type: workflow
        config: { workflow: child }
      - name: deploy
        config: { run: 'echo "no quota" >&2; exit 3' }
        on_failure: { name: rollback, config: { run: 'true' } }
      - name: never
        config: { run: 'true' }
  - id: child
    steps:
      - name: inner
        when: { field: .inputs.go, equals: true }
        config: { run: 'true' }
      - name: flaky
        config: { run: 'test -f "$MARK" || { touch "$MARK"; exit 1; }' }
        error_behavior: { type: retry, interval: 50ms, max_retries: 2 }
    inputs: { go: bool?, mark: string }
`;

let host: WorkflowHost | undefined;
afterEach(async () => {
  await host?.stop();
  host = undefined;
});

/** Runs YAML on an in-memory host with a reporter writing to `view`; returns the model. */
async function runWith(makeView: (model: ProgressModel) => ProgressView, data: Record<string, unknown>): Promise<ProgressModel> {
  const loaded = parseWorkflows(YAML, { file: 'progress.yaml' });
  const rootId = 'root-1';
  const model = new ProgressModel(rootId, loaded.definitions);
  const view = makeView(model);
  const reporter = new ProgressReporter(model, view, PLAIN, { streamOutput: false });
  host = new WorkflowHost({ persistence: createMemoryPersistence(), pollInterval: 20 });
  host.on('step:started', (e) => reporter.stepStarted(e));
  host.on('events:appended', (e) => void reporter.eventsAppended(e.instanceId, e.events));
  for (const definition of loaded.definitions) host.registerWorkflow({ definition, registry: loaded.registry });
  await host.start();
  await host.startWorkflow('main', { instanceId: rootId, data });
  const state = await host.waitForCompletion(rootId, { timeoutMs: 20_000 });
  expect(state.status).toBe('failed');
  view.close();
  return model;
}

const mark = () => `/tmp/wfe-progress-${process.pid}-${Math.random().toString(36).slice(2)}`;

describe('progress of a run', () => {
  it('plain lines: groups, nesting of parallel children and child workflows, skips, retries, handlers', async () => {
    const sink = new Sink();
    const model = await runWith(() => new PlainView(sink), { mark: mark() });
    const lines = sink.text.trimEnd().split('\n').map((l) => l.replace(/\d+\.\ds/g, 'T'));
    expect(lines).toEqual([
      '▸ checks: parallel',
      '  ✓ fast T',
      '  ✓ slow T',
      '✓ checks T',
      '▸ call: workflow child',
      '  - inner skipped',
      "  ↻ flaky T: step 'flaky' exited with code 1 (attempt 1 failed; retry 1 in T)",
      '  ✓ flaky T (attempt 2)',
      '✓ call T',
      "✗ deploy T: step 'deploy' exited with code 3: no quota",
      '  │ no quota',
      '✓ rollback (on_failure of deploy) T',
    ]);
    expect(model.instanceIds).toHaveLength(2);
    expect([...model.rows.values()].map((r) => `${r.name}:${r.status}:${r.depth}`)).toEqual([
      'checks:passed:0', 'fast:passed:1', 'slow:passed:1', 'call:passed:0', 'inner:skipped:1', 'flaky:passed:1', 'deploy:failed:0', 'rollback:passed:0',
    ]);
  }, 30_000);

  it('a terminal: live lines for running steps are redrawn in place and leave exactly the plain lines behind', async () => {
    const term = new FakeTerminal();
    let tty: TtyView | undefined;
    const timer = setInterval(() => tty?.refresh(), 20);
    try {
      await runWith((model) => (tty = new TtyView(term, model, PLAIN, Date.now, 0)), { mark: mark(), go: true });
    } finally {
      clearInterval(timer);
    }
    expect(term.frames).toBeGreaterThan(5);
    const screen = term.text().replace(/\d+\.\ds/g, 'T');
    expect(screen).toContain('✓ slow T');
    expect(screen).toContain('  ✓ inner T');
    expect(screen).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
    expect(screen.trimEnd().split('\n').at(-1)).toBe('✓ rollback (on_failure of deploy) T');
  }, 30_000);
});

describe('the progress model', () => {
  it("a step's duration ends when its code ended, not when a slower sibling let the pass be recorded", () => {
    const [definition] = parseWorkflows('workflow: { id: w, steps: [{ name: s, config: { run: "true" } }] }', { file: 'w.yaml' }).definitions;
    let now = 1_000;
    const model = new ProgressModel('i', [definition!], () => now);
    model.apply('i', [
      { type: 'WorkflowStarted', v: 1, at: 1_000, instanceId: 'i', definitionId: 'w', definitionVersion: 1, data: {} },
      { type: 'StepsActivated', v: 1, at: 1_000, pointers: [{ id: 0, stepId: 0, scope: [] }] },
    ]);
    model.stepStarted({ instanceId: 'i', pointerId: 0, attempt: 1 });
    now = 1_300;
    model.bodyEnded({ instanceId: 'i', pointerId: 0, resumed: false });
    const [change] = model.apply('i', [{ type: 'StepCompleted', v: 1, at: 9_000, pointerId: 0 }]);
    expect(change).toMatchObject({ kind: 'ended', row: { name: 's', status: 'passed', startedAt: 1_000, endedAt: 1_300 } });
  });
});

describe('formatting', () => {
  it('durations', () => {
    expect([0, 420, 12_345, 59_999, 125_000, 3_725_000].map(formatDuration)).toEqual(['0.0s', '0.4s', '12.3s', '60.0s', '2m 05s', '1h 02m']);
  });

  it('live lines are cut to the terminal width, escapes kept, never wrapped', () => {
    const line = `${COLOR.green('✓')} ${'x'.repeat(100)}`;
    const cut = fitWidth(line, 20);
    expect(cut.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')).toHaveLength(20);
    expect(cut.startsWith('\x1b[32m✓\x1b[39m')).toBe(true);
    expect(fitWidth('short', 20)).toBe('short');
  });
});

describe('which workflow wfe run starts', () => {
  const defs = (yaml: string) => parseWorkflows(yaml, { file: 'x.yaml' }).definitions;
  const two = `workflows:
  - { id: a, steps: [{ name: s, type: workflow, config: { workflow: b } }] }
  - { id: b, steps: [{ name: t, config: { run: 'true' } }] }
`;
  it('the one asked for; else the only one; else the one named like the file; else the only root', () => {
    expect(chooseWorkflow('x.yaml', defs(two), 'b').id).toBe('b');
    expect(chooseWorkflow('dir/b.yaml', defs(two)).id).toBe('b');
    expect(chooseWorkflow('x.yaml', defs(two)).id).toBe('a');
    expect(chooseWorkflow('x.yaml', defs('workflow: { id: only, steps: [{ name: s, config: { run: "true" } }] }')).id).toBe('only');
    expect(() => chooseWorkflow('x.yaml', defs(two), 'c')).toThrow("x.yaml has no workflow 'c' (it has: a, b)");
  });
});
