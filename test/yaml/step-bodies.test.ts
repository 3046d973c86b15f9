import { describe, expect, it } from 'vitest';
import { isWfeError } from '../../src/domain/errors.js';
import { CHILD_ENDED_EVENT, isStepResult, type ChildWorkflows } from '../../src/domain/step-api.js';
import { parseWorkflows, type StepOutputEvent } from '../../src/yaml/index.js';
import { runStep } from './step-context.js';

const text = `
workflows:
  - id: parent
    inputs: { stage: string, secret: string? }
    steps:
      - name: build
        config:
          run: |
            echo "building for $STAGE"
            echo "artifact=app-$STAGE.tgz" >> "$WFE_OUTPUT"
            echo "has_secret=\${SECRET:+yes}" >> "$WFE_OUTPUT"
        outputs: [artifact, has_secret]
      - name: narrow
        inputs:
          - { name: target, path: .outputs.artifact }
          - { name: mode, value: fast }
        config: { run: 'echo "seen=$TARGET/$MODE/\${STAGE:-none}" >> "$WFE_OUTPUT"' }
        outputs: [seen]
      - name: script
        type: deno
        config: { script: 'const d = inputs(); output("doubled", d.n * 2)' }
      - name: call
        type: workflow
        config: { workflow: child }
        inputs: [{ name: artifact, path: .artifact }]
        outputs: [{ name: extra }]
  - id: child
    version: 3
    inputs: { artifact: string }
    outputs: { url: string, size: integer? }
    steps:
      - name: upload
        config: { run: "true" }
`;

describe('registered step bodies', () => {
  const chunks: StepOutputEvent[] = [];
  const loaded = parseWorkflows(text, { file: 'inline.yaml', executor: { onOutput: (e) => chunks.push(e) } });

  it('a shell step merges its $WFE_OUTPUT and stdout/stderr into the data', async () => {
    const { data } = await runStep(loaded, 'parent', 'build', { data: { stage: 'prod', secret: 'x' } });
    expect(data).toMatchObject({ stage: 'prod', artifact: 'app-prod.tgz', has_secret: 'yes', 'build.stderr': '', 'build.stdout': 'building for prod\n' });
    expect(chunks.some((c) => c.stepName === 'build' && c.stream === 'stdout' && c.workflowId === 'parent' && c.instanceId === 'inst-1')).toBe(true);
  });

  it('a step with inputs sees only them', async () => {
    const { data } = await runStep(loaded, 'parent', 'narrow', { data: { stage: 'prod', artifact: 'a.tgz' } });
    expect(data.seen).toBe('a.tgz/fast/none');
  });

  it('a deno step reads the data with inputs()', async () => {
    const { data } = await runStep(loaded, 'parent', 'script', { data: { n: 21 } });
    expect(data.doubled).toBe(42);
  });
});

describe('type: workflow', () => {
  const loaded = parseWorkflows(text, { file: 'inline.yaml' });
  const started: unknown[] = [];
  const workflows: ChildWorkflows = {
    startChild: async (request) => {
      started.push(request);
      return `child-of-${request.childId}`;
    },
  };

  it('starts the child with a deterministic id and waits for its end', async () => {
    const { result } = await runStep(loaded, 'parent', 'call', { data: { artifact: 'a.tgz', env: 'x' }, workflows, instanceId: 'i9', pointerId: 4, attempt: 2 });
    expect(started).toEqual([{ definitionId: 'child', version: 3, data: { artifact: 'a.tgz' }, childId: 'i9.4.2' }]);
    expect(isStepResult(result)).toBe(true);
    expect(result).toMatchObject({ kind: 'waitForEvent', name: CHILD_ENDED_EVENT, key: 'child-of-i9.4.2', asOf: 0 });
  });

  it('checks the child inputs before starting it', async () => {
    const err = await runStep(loaded, 'parent', 'call', { data: { artifact: 5 }, workflows }).catch((e: unknown) => e);
    expect(isWfeError(err, 'INVALID_COMMAND')).toBe(true);
    expect((err as Error).message).toContain("input 'artifact': expected string, got number 5");
  });

  const ended = (data: unknown, status = 'complete', error?: unknown) => ({
    event: { name: CHILD_ENDED_EVENT, key: 'c1', data: { status, data, ...(error ? { error } : {}) } as never, effectiveAt: 0 },
    workflows,
  });

  it('returns the declared outputs of a completed child into the parent data', async () => {
    const { data } = await runStep(loaded, 'parent', 'call', { data: { artifact: 'a' }, ...ended({ url: 'u', extra: 1, internal: 'no', artifact: 'z' }) });
    expect(data).toEqual({ artifact: 'a', url: 'u', extra: 1 });
  });

  it('fails when the child did not complete', async () => {
    const err = await runStep(loaded, 'parent', 'call', ended({}, 'failed', { message: 'upload broke' })).catch((e: unknown) => e);
    expect(isWfeError(err, 'EXECUTOR_FAILED')).toBe(true);
    expect((err as Error).message).toBe("step 'call': child workflow 'child' (c1) ended failed: upload broke");
  });

  it('fails when the child outputs do not match their types', async () => {
    const err = await runStep(loaded, 'parent', 'call', ended({ url: 3 })).catch((e: unknown) => e);
    expect((err as Error).message).toContain("output 'url': expected string, got number 3");
  });
});

describe('output mapping', () => {
  it('never writes prototype keys into the data', () => {
    const loaded = parseWorkflows('workflow:\n  id: o\n  steps:\n    - name: a\n      config: { run: "true" }\n');
    const mapping = loaded.registry.get('yaml:o@1:a:outputs');
    const data: Record<string, unknown> = {};
    if (mapping?.kind === 'fn') (mapping.fn as (d: unknown, o: unknown) => void)(data, JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}'));
    expect(data).toEqual({ ok: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
