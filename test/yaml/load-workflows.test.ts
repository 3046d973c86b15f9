import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isWfeError } from '../../src/domain/errors.js';
import { validateDefinition } from '../../src/domain/validate-definition.js';
import { loadWorkflow, loadWorkflows, parseWorkflows } from '../../src/yaml/index.js';
import { findStep, whenOf } from './step-context.js';

const fixture = join(import.meta.dirname, '../fixtures/yaml/pipeline.yaml');
const config = { app: { version: '1.4.0', channel: 'stable' }, limits: { step_timeout: '30s' } };

describe('loadWorkflows: the pipeline fixture', () => {
  const loaded = loadWorkflows(fixture, { config });
  const release = loaded.definitions.find((d) => d.id === 'release')!;
  const byName = (name: string) => findStep(loaded, 'release', name).step;

  it('compiles every workflow of the file', () => {
    expect(loaded.definitions.map((d) => [d.id, d.version])).toEqual([['release', 2], ['publish', 1]]);
    expect(release.description).toBe('Build, test in parallel, publish through a child workflow.');
    expect(release.defaultErrorBehavior).toEqual({ type: 'fail' });
    expect(release.requiredOutputs).toEqual(['url']);
  });

  it('chains the top-level steps as ids 0..n-1', () => {
    expect(release.steps.slice(0, 3).map((s) => [s.id, s.name, s.kind])).toEqual([
      [0, 'build', 'task'],
      [1, 'tests', 'parallel'],
      [2, 'publish:when', 'sequence'],
    ]);
    expect(release.steps.every((s, i) => s.id === i)).toBe(true);
  });

  it('puts on_success between a step and its next step', () => {
    const announce = byName('announce');
    expect(byName('build').outcomes).toEqual([{ next: announce.id }]);
    expect(announce.outcomes).toEqual([{ next: 1 }]);
  });

  it('points on_failure at a sequence when it is a list, ensure at a single step', () => {
    const build = byName('build');
    const onFailure = release.steps[build.onFailure!]!;
    expect(onFailure).toMatchObject({ kind: 'sequence', name: 'build:on_failure' });
    const first = release.steps[onFailure.children[0]!]!;
    expect(first.name).toBe('collect_logs');
    expect(release.steps[first.outcomes[0]!.next]!.name).toBe('notify_failure');
    expect(release.steps[build.ensure!]!).toMatchObject({ name: 'cleanup', kind: 'task', outcomes: [] });
  });

  it('makes parallel children branches that end on their own', () => {
    const tests = byName('tests');
    expect(tests.children.map((id) => release.steps[id]!.name)).toEqual(['unit', 'lint']);
    expect(tests.children.every((id) => release.steps[id]!.outcomes.length === 0)).toBe(true);
    expect(tests.outcomes).toEqual([{ next: 2 }]);
  });

  it('wraps a step with both when and on_success in a sequence carrying the when', () => {
    const wrapper = release.steps[2]!;
    const publish = byName('publish');
    expect(wrapper.children).toEqual([publish.id]);
    expect(wrapper.when).toBe('yaml:release@2:publish:when');
    expect(publish.when).toBeUndefined();
    expect(release.steps[publish.outcomes[0]!.next]!.name).toBe('celebrate');
    expect(byName('celebrate').outcomes).toEqual([]);
  });

  it('maps error_behavior, templates and merge keys', () => {
    expect(byName('build').errorBehavior).toEqual({ type: 'retry', interval: 2000, maxRetries: 2 });
    expect(byName('build').params?.config).toEqual({ shell: 'bash', run: 'echo "##wfe[output artifact=app-1.4.0.tgz]"', timeout: '30s' });
    expect(byName('unit')).toMatchObject({ label: 'shell', params: { config: { shell: 'bash', run: 'echo quick', timeout: '30s' } } });
  });

  it('registers a body, an output mapping and a when predicate under stable names', () => {
    const build = byName('build');
    expect(build).toMatchObject({ body: 'yaml:release@2:build', outputs: 'yaml:release@2:build:outputs', label: 'shell' });
    expect(loaded.registry.get('yaml:release@2:build')?.kind).toBe('body');
    expect(loaded.registry.get('yaml:release@2:build:outputs')?.kind).toBe('fn');
    expect(byName('lint').label).toBe('deno');
    expect(byName('publish').label).toBe('workflow');
    for (const step of release.steps) {
      for (const name of [step.body, step.outputs, step.when]) if (name) expect(loaded.registry.has(name)).toBe(true);
    }
  });

  it('interpolates ${{ }} too, and leaves shell arithmetic alone', () => {
    expect(byName('celebrate').params?.config).toEqual({ run: 'echo "$((1 + 1)) cheers"' });
    const when = whenOf(loaded, release, release.steps[2]!)!;
    expect(when({ env: 'prod', lint_ok: true, replicas: 3 })).toBe(true);
    expect(when({ env: 'prod', lint_ok: true, replicas: 0 })).toBe(false);
    expect(when({ env: 'dev', lint_ok: true })).toBe(false);
  });

  it('definitions are plain JSON and pass the domain validation', () => {
    expect(JSON.parse(JSON.stringify(loaded.definitions))).toEqual(loaded.definitions);
    for (const def of loaded.definitions) expect(() => validateDefinition(def)).not.toThrow();
  });

  it('loadWorkflow picks a workflow by id, or the first', () => {
    expect(loadWorkflow(fixture, { config }).definition.id).toBe('release');
    const pub = loadWorkflow(fixture, { config, workflowId: 'publish' });
    expect(pub.definition.id).toBe('publish');
    expect(pub.definitions).toHaveLength(2);
    try {
      loadWorkflow(fixture, { config, workflowId: 'nope' });
      expect.unreachable();
    } catch (e) {
      expect(isWfeError(e, 'UNKNOWN_DEFINITION')).toBe(true);
      expect((e as Error).message).toContain('it has: release, publish');
    }
  });
});

describe('parseWorkflows', () => {
  it('accepts a single `workflow:` with defaults', () => {
    const { definitions } = parseWorkflows('workflow:\n  id: one\n  steps:\n    - name: a\n      config: { run: "true" }\n');
    expect(definitions[0]).toMatchObject({ id: 'one', version: 1, defaultErrorBehavior: { type: 'fail' }, requiredOutputs: [] });
    expect(definitions[0]!.steps).toHaveLength(1);
  });

  it('keeps the type of a value that is a single placeholder', () => {
    const text = 'workflow:\n  id: t\n  error_behavior: { type: retry, max_retries: ((n)), interval: ((i)) }\n  steps:\n    - name: a\n      config: { run: "echo ((obj)) ((n))", env: { X: ((n)) } }\n';
    const { definitions } = parseWorkflows(text, { config: { n: 5, i: '3s', obj: { a: 1 } } });
    expect(definitions[0]!.defaultErrorBehavior).toEqual({ type: 'retry', interval: 3000, maxRetries: 5 });
    expect(definitions[0]!.steps[0]!.params?.config).toEqual({ run: 'echo {"a":1} 5', env: { X: 5 } });
  });

  it('retry defaults: 60 s interval, 3 retries; other behaviours map by type', () => {
    const text = (eb: string) => `workflow:\n  id: t\n  error_behavior: ${eb}\n  steps:\n    - name: a\n      config: { run: "true" }\n`;
    expect(parseWorkflows(text('{ type: retry }')).definitions[0]!.defaultErrorBehavior).toEqual({ type: 'retry', interval: 60_000, maxRetries: 3 });
    expect(parseWorkflows(text('{ type: retry, interval: 1s, backoff: 2, max_interval: 1m }')).definitions[0]!.defaultErrorBehavior).toEqual({
      type: 'retry', interval: 1000, maxRetries: 3, backoff: 2, maxInterval: 60_000,
    });
    for (const type of ['suspend', 'terminate', 'compensate', 'fail']) {
      expect(parseWorkflows(text(`{ type: ${type} }`)).definitions[0]!.defaultErrorBehavior).toEqual({ type });
    }
  });

  it('a parallel child can have its own hooks and nested parallel steps', () => {
    const text = `workflow:
  id: p
  steps:
    - name: fan
      parallel:
        - name: a
          config: { run: "true" }
          on_success: [{ name: a2, config: { run: "true" } }, { name: a3, config: { run: "true" } }]
        - name: inner
          parallel:
            - name: b
              config: { run: "true" }
`;
    const def = parseWorkflows(text).definitions[0]!;
    const step = (name: string) => def.steps.find((s) => s.name === name)!;
    expect(step('a').outcomes).toEqual([{ next: step('a2').id }]);
    expect(step('a2').outcomes).toEqual([{ next: step('a3').id }]);
    expect(step('a3').outcomes).toEqual([]);
    expect(step('inner')).toMatchObject({ kind: 'parallel', children: [step('b').id] });
  });
});
