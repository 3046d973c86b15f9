import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryPersistence } from '../../src/adapters/memory/index.js';
import type { InstanceState } from '../../src/domain/state.js';
import { WorkflowHost } from '../../src/runtime/host.js';
import { checkInputs, parseWorkflows, type LoadResult } from '../../src/yaml/index.js';

let host: WorkflowHost | undefined;
afterEach(async () => {
  await host?.stop();
  host = undefined;
});

/** Loads YAML into a fresh host on in-memory stores and runs one workflow to its end. */
async function run(text: string, workflowId: string, data: Record<string, unknown> = {}): Promise<{ state: InstanceState; loaded: LoadResult; steps: Record<string, string> }> {
  const loaded = parseWorkflows(text, { file: 'e2e.yaml' });
  checkInputs(loaded, workflowId, data);
  host = new WorkflowHost({ persistence: createMemoryPersistence(), pollInterval: 20 });
  for (const definition of loaded.definitions) host.registerWorkflow({ definition, registry: loaded.registry });
  await host.start();
  const state = await host.runSync(workflowId, { data, timeoutMs: 20_000 });
  const def = loaded.definitions.find((d) => d.id === workflowId)!;
  const steps: Record<string, string> = {};
  for (const p of state.pointerChunks.flat()) {
    const name = def.steps[p.stepId]?.name;
    if (name) steps[name] = p.status;
  }
  return { state, loaded, steps };
}

describe('YAML workflows on the WorkflowHost', () => {
  it('runs a pipeline: markers into data, parallel shell + deno, a skipped step', async () => {
    const { state, steps } = await run(
      `workflow:
  id: ci
  inputs: { env: string }
  outputs: { version: string }
  steps:
    - name: build
      config: { run: 'echo "##wfe[output version=1.2.$((40 + 2))]"' }
      outputs: [version]
    - name: checks
      parallel:
        - name: unit
          config: { run: 'echo "unit_ok=true" >> "$WFE_OUTPUT"' }
        - name: lint
          type: deno
          config: { script: 'output("lint_ok", inputs().version.startsWith("1."))' }
    - name: deploy
      when: { field: .inputs.env, equals: prod }
      config: { run: exit 1 }
    - name: done
      config: { run: 'echo "finished $VERSION"' }
`,
      'ci',
      { env: 'dev' },
    );
    expect(state.status).toBe('complete');
    expect(state.data).toMatchObject({ env: 'dev', version: '1.2.42', unit_ok: true, lint_ok: true, 'done.stdout': 'finished 1.2.42\n' });
    expect(steps).toMatchObject({ build: 'complete', unit: 'complete', lint: 'complete', deploy: 'skipped', done: 'complete' });
  });

  it('a failing step runs on_failure and ensure, skips the rest, and fails the run', async () => {
    const { state, steps } = await run(
      `workflow:
  id: fails
  steps:
    - name: deploy
      config: { run: 'echo "bad news" >&2; exit 4' }
      on_success: { name: smoke, config: { run: "true" } }
      on_failure: [{ name: rollback, config: { run: 'echo "##wfe[output rolled_back=true]"' } }]
      ensure: { name: unlock, config: { run: 'echo "##wfe[output unlocked=true]"' } }
    - name: announce
      config: { run: "true" }
`,
      'fails',
    );
    expect(state.status).toBe('failed');
    expect(state.failing?.message).toBe("step 'deploy' exited with code 4: bad news");
    expect(steps).toMatchObject({ deploy: 'failed', rollback: 'complete', unlock: 'complete' });
    expect(steps.smoke).toBeUndefined();
    expect(steps.announce).toBeUndefined();
  });

  it('composes workflows: the child runs, its declared outputs come back', async () => {
    const { state } = await run(
      `workflows:
  - id: parent
    steps:
      - name: call
        type: workflow
        config: { workflow: child }
        inputs: [{ name: who, value: world }]
      - name: after
        config: { run: 'echo "seen=$GREETING" >> "$WFE_OUTPUT"' }
        outputs: [seen]
  - id: child
    inputs: { who: string }
    outputs: { greeting: string }
    steps:
      - name: greet
        config: { run: 'printf "greeting=hello %s\\nprivate=1\\n" "$WHO" >> "$WFE_OUTPUT"' }
`,
      'parent',
    );
    expect(state.status).toBe('complete');
    expect(state.data).toMatchObject({ greeting: 'hello world', seen: 'hello world' });
    expect(state.data).not.toHaveProperty('private');
  });

  it('a failed child fails the parent step with the child error', async () => {
    const { state } = await run(
      `workflows:
  - id: parent
    steps:
      - name: call
        type: workflow
        config: { workflow: child }
  - id: child
    steps:
      - name: broken
        config: { run: 'echo "disk full" >&2; exit 1' }
`,
      'parent',
    );
    expect(state.status).toBe('failed');
    expect(state.failing?.message).toMatch(/^step 'call': child workflow 'child' \(.+\) ended failed: step 'broken' exited with code 1: disk full$/);
  });
});
