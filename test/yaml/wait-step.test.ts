import { afterEach, describe, expect, it } from 'vitest';
import { isWfeError } from '../../src/domain/errors.js';
import { createTestHost, type TestHost } from '../../src/testing/index.js';
import { parseWorkflows, validateWorkflowText } from '../../src/yaml/index.js';

/** Issue 8, item 8: YAML `type: wait`. */
const approval = (config: string, extraSteps = '') => `workflow:
  id: approval
  inputs: { ticket: string }
  steps:
    - name: wait-for-decision
      type: wait
      config: ${config}
      outputs: [decision]${extraSteps}
`;

let t: TestHost | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

async function hostFor(text: string): Promise<TestHost> {
  const loaded = parseWorkflows(text, { file: 'wait.yaml' });
  t = await createTestHost(loaded.definitions.map((definition) => ({ definition, registry: loaded.registry })));
  return t;
}

describe('YAML type: wait', () => {
  it('compiles to a waitFor step: a literal name, a key filled in from the data when the wait begins, a timeout', () => {
    const loaded = parseWorkflows(approval('{ event: approval, key: "change-{{ .inputs.ticket }}", timeout: 2m, effective_date: "2026-01-01T00:00:00Z" }'));
    const [step] = loaded.definitions[0]!.steps;
    expect(step).toMatchObject({ kind: 'waitFor', label: 'wait', params: { eventName: { value: 'approval' }, timeout: { value: 120_000 }, effectiveDate: { value: Date.UTC(2026, 0, 1) } } });
    expect(step?.params?.eventKey).toHaveProperty('fn');
  });

  it('waits for the published event; its payload is <step>.event and its keys merge into the data', async () => {
    const host = await hostFor(approval('{ event: approval, key: "change-{{ .inputs.ticket }}" }'));
    const s = await host.run('approval', { data: { ticket: 'CHG-1' } });
    expect(s.status).toBe('runnable');
    const awaited = (await host.host.history(s.instanceId)).find((e) => e.event.type === 'EventAwaited')?.event;
    expect(awaited).toMatchObject({ eventName: 'approval', eventKey: 'change-CHG-1', asOf: 0 });
    await host.host.publishEvent('approval', 'change-CHG-2', { decision: 'rejected' });
    await host.host.publishEvent('approval', 'change-CHG-1', { decision: 'approved' });
    await host.host.drain();
    const done = await host.host.getWorkflow(s.instanceId);
    expect(done.status).toBe('complete');
    expect(done.data).toEqual({ ticket: 'CHG-1', decision: 'approved', 'wait-for-decision.event': { decision: 'approved' } });
  });

  it('{{ instance_id }} keys the wait on the run; an event published before the wait began is delivered', async () => {
    const host = await hostFor(approval('{ event: go, key: "{{ instance_id }}" }'));
    // sequential ids: the event is wf-1, the instance wf-2
    await host.host.publishEvent('go', 'wf-2', 'early');
    const s = await host.run('approval', { data: { ticket: 'x' } });
    expect(s.instanceId).toBe('wf-2');
    expect(s.status).toBe('complete');
    expect(s.data).toMatchObject({ 'wait-for-decision.event': 'early' });
  });

  it('with no event within the timeout the step fails with Timeout, and the pipeline fails (its on_failure runs)', async () => {
    const host = await hostFor(approval('{ event: approval, key: k, timeout: 30s }', `
      on_failure:
        name: give-up
        config: { run: 'true' }`));
    const s = await host.run('approval', { data: { ticket: 'x' } });
    await host.advance(30_000);
    await host.host.drain();
    const done = await host.host.getWorkflow(s.instanceId);
    expect(done.status).toBe('failed');
    expect(done.failing).toMatchObject({ type: 'Timeout', message: 'wait-for-decision: no event approval/k came in time' });
  });

  it('a key placeholder missing from the data fails the step, naming the path', async () => {
    const host = await hostFor(approval('{ event: approval, key: "{{ .outputs.nothing }}" }'));
    const s = await host.run('approval', { data: { ticket: 'x' } });
    expect(s.status).toBe('failed');
    expect(s.failing?.message).toBe('wait-for-decision: key: .outputs.nothing is not in the workflow data');
  });

  it('load errors name the line: no key, a bad placeholder, a bad date, an unknown config field', () => {
    const issues = (config: string) => validateWorkflowText(approval(config), { file: 'w.yaml' }).map((i) => `${i.line}: ${i.message}`);
    expect(issues('{ event: approval }').join('\n')).toMatch(/^7: .*key/);
    expect(issues('{ event: approval, key: "{{ ticket }}" }')).toEqual(["7: bad placeholder '{{ ticket }}' (expected {{ instance_id }} or a data path such as {{ .inputs.NAME }})"]);
    expect(issues('{ event: approval, key: k, effective_date: "next tuesday" }')).toEqual(['7: expected a time in ms since the epoch or an ISO date such as 2026-01-31T12:00:00Z, got "next tuesday"']);
    expect(issues('{ event: approval, key: k, run: "echo" }').join('\n')).toMatch(/^7: .*run/);
    let error: unknown;
    try {
      parseWorkflows(approval('{ event: approval, key: "{{ nope }}" }'), { file: 'w.yaml' });
    } catch (e) {
      error = e;
    }
    expect(isWfeError(error, 'YAML_INVALID')).toBe(true);
    expect((error as Error).message).toContain('w.yaml:7:');
  });
});
