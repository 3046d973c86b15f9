import { describe, expect, it } from 'vitest';
import { workflow } from '../../src/domain/builder.js';
import type { ErrorBehavior } from '../../src/domain/definition.js';
import { isWfeError, type WfeError } from '../../src/domain/errors.js';
import { normaliseJson, validateInstanceId, validatePublishArgs } from '../../src/domain/validate-args.js';
import { validateDefinition } from '../../src/domain/validate-definition.js';
import { workflowSpec } from '../../src/testing/index.js';

/** Issue 8, bad input at the level of the domain: definition errors at build time and pure argument checks. */

function thrown(f: () => unknown): WfeError {
  try {
    f();
  } catch (e) {
    if (isWfeError(e)) return e;
    throw e;
  }
  throw new Error('expected a WfeError, nothing was thrown');
}

describe('error behaviours are checked when the workflow is built', () => {
  it("onError('explode') is a definition error naming the step and the behaviours that exist", () => {
    const e = thrown(() => workflow('bad').startWith(() => undefined).onError('explode' as ErrorBehavior['type']).build());
    expect(e.code).toBe('DEFINITION_INVALID');
    expect(e.message).toMatch(/step 0 .*unknown error behaviour "explode".*retry, suspend, terminate, compensate, fail/);
  });

  it('an unknown behaviour object, or an unknown workflow default, is refused too', () => {
    expect(thrown(() => workflow('bad').startWith(() => undefined).onError({ type: 'later' } as never)).code).toBe('DEFINITION_INVALID');
    expect(thrown(() => workflow('bad').defaultOnError('sometimes' as never)).message).toMatch(/defaultOnError: unknown error behaviour "sometimes"/);
  });

  it('validateDefinition refuses a hand-written definition with an unknown behaviour (YAML and JSON definitions)', () => {
    const def = workflow('ok').startWith(() => undefined).build().definition;
    const bad = { ...def, steps: [{ ...def.steps[0]!, errorBehavior: { type: 'explode' } as never }], defaultErrorBehavior: { type: 'nope' } as never };
    const e = thrown(() => validateDefinition(bad));
    expect(e.message).toContain(': unknown error behaviour "explode"');
    expect(e.message).toContain('unknown default error behaviour "nope"');
  });

  it('defaultOnError takes the same names and options as onError', () => {
    const def = workflow('d').defaultOnError('retry', { interval: 5, maxRetries: 2 }).startWith(() => undefined).build().definition;
    expect(def.defaultErrorBehavior).toEqual({ type: 'retry', interval: 5, maxRetries: 2 });
  });
});

describe('validateInstanceId', () => {
  it('accepts a non-blank id and refuses an empty, whitespace or non-string one, naming instanceId', () => {
    expect(validateInstanceId('order-1')).toBe('order-1');
    for (const bad of ['', '   ', '\t\n', 7, null]) {
      const e = thrown(() => validateInstanceId(bad));
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.details.argument).toBe('instanceId');
    }
    expect(thrown(() => validateInstanceId(' ')).message).toBe('instanceId: must not be only whitespace');
  });

  it('decide refuses to start an instance with a blank id', () => {
    const wf = workflow('s').startWith(() => undefined).build();
    expect(workflowSpec(wf).given([]).when({ type: 'Start', instanceId: '  ', data: {} }).thenRejects('INVALID_ARGUMENT')).toMatch(/instanceId/);
  });
});

describe('validatePublishArgs', () => {
  it('returns the checked arguments, data defaulting to null', () => {
    expect(validatePublishArgs('approved', 'order-1')).toEqual({ name: 'approved', key: 'order-1', data: null });
    expect(validatePublishArgs('approved', 'order-1', { by: 'ann' }, 5)).toEqual({ name: 'approved', key: 'order-1', data: { by: 'ann' }, effectiveAt: 5 });
  });

  it('an empty or blank name or key is INVALID_ARGUMENT naming it', () => {
    expect(thrown(() => validatePublishArgs('', 'k')).details.argument).toBe('name');
    expect(thrown(() => validatePublishArgs('n', ' ')).details.argument).toBe('key');
    expect(thrown(() => validatePublishArgs(undefined, 'k')).message).toBe('name: expected a non-empty string, got undefined');
  });

  it('a payload that is not JSON is NOT_SERIALISABLE naming data and the path', () => {
    const e = thrown(() => validatePublishArgs('n', 'k', { when: new Date(0) }));
    expect(e.code).toBe('NOT_SERIALISABLE');
    expect(e.details.argument).toBe('data');
    expect(e.message).toBe('data is not JSON at data.when (a Date instance)');
    expect(thrown(() => validatePublishArgs('n', 'k', { n: Number.NaN })).message).toMatch(/data\.n \(NaN\)/);
    expect(thrown(() => validatePublishArgs('n', 'k', () => 1)).code).toBe('NOT_SERIALISABLE');
  });

  it('a bad effective time is INVALID_ARGUMENT', () => {
    expect(thrown(() => validatePublishArgs('n', 'k', null, Number.POSITIVE_INFINITY)).details.argument).toBe('effectiveAt');
  });
});

describe('undefined inside data is normalised as JSON.stringify does', () => {
  it('removed from objects, null in arrays, null at the top', () => {
    const value = { a: 1, gone: undefined, list: [1, undefined, { x: undefined, y: 2 }], nested: { deep: undefined } };
    const out = normaliseJson('data', value);
    expect(out).toEqual({ a: 1, list: [1, null, { y: 2 }], nested: {} });
    expect(Object.keys(out as object)).not.toContain('gone');
    expect(out).toStrictEqual(JSON.parse(JSON.stringify(value)));
    expect(normaliseJson('data', undefined)).toBeNull();
  });

  it('WorkflowStarted records the normalised data, so the live run and every replay see the same value', () => {
    const wf = workflow('s').startWith(() => undefined).build();
    const d = workflowSpec(wf)
      .given([])
      .when({ type: 'Start', instanceId: 'i', data: { a: undefined, list: [undefined] } as never })
      .then([
        { type: 'WorkflowStarted', instanceId: 'i', definitionId: 's', definitionVersion: 1, data: { list: [null] } },
        { type: 'StepsActivated', pointers: [{ id: 0, stepId: 0, scope: [] }] },
      ]);
    expect(Object.keys(d.state.data as object)).toEqual(['list']);
  });
});
