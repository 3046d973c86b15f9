import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isWfeError } from '../../src/domain/errors.js';
import { checkInputs, checkOutputs, loadWorkflows } from '../../src/yaml/index.js';

const loaded = loadWorkflows(join(import.meta.dirname, '../fixtures/yaml/pipeline.yaml'), {
  config: { app: { version: '1', channel: 'c' }, limits: { step_timeout: '1m' } },
});

describe('checkInputs', () => {
  it('accepts data matching the declared inputs (optional ones may be absent or null)', () => {
    expect(() => checkInputs(loaded, 'release', { env: 'prod' })).not.toThrow();
    expect(() => checkInputs(loaded, 'release', { env: 'prod', replicas: 3, tags: ['a'], extra: { any: 1 } })).not.toThrow();
    expect(() => checkInputs(loaded, 'release', { env: 'prod', replicas: null })).not.toThrow();
  });

  it('throws INVALID_COMMAND naming every bad input', () => {
    try {
      checkInputs(loaded, 'release', { replicas: 1.5, tags: ['a', 2] });
      expect.unreachable();
    } catch (e) {
      expect(isWfeError(e, 'INVALID_COMMAND')).toBe(true);
      expect((e as Error).message).toBe(
        `workflow 'release' (${loaded.file}) cannot start: input 'env': expected string, got nothing; input 'replicas': expected integer?, got number 1.5; input 'tags'[1]: expected string, got number 2`,
      );
    }
  });

  it('rejects data that is not a map', () => {
    expect(() => checkInputs(loaded, 'release', [1])).toThrow(/expected a map of values, got a list/);
  });

  it('an unknown workflow id is UNKNOWN_DEFINITION', () => {
    try {
      checkInputs(loaded, 'nope', {});
      expect.unreachable();
    } catch (e) {
      expect(isWfeError(e, 'UNKNOWN_DEFINITION')).toBe(true);
    }
  });
});

describe('checkOutputs', () => {
  it('lists missing and mistyped declared outputs', () => {
    expect(checkOutputs(loaded, 'release', { url: 'u', published: true })).toEqual([]);
    expect(checkOutputs(loaded, 'release', { published: 'yes' })).toEqual([
      "output 'url': expected string, got nothing",
      "output 'published': expected bool?, got string \"yes\"",
    ]);
  });
});
