import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { workflowSchema, workflowSchemaPath } from '../../src/yaml/index.js';

const fixtures = join(import.meta.dirname, '../fixtures/yaml');

describe('the published JSON Schema', () => {
  it('is schema/wfe-workflow.schema.json, shipped with the package', () => {
    expect(workflowSchemaPath().endsWith(join('schema', 'wfe-workflow.schema.json'))).toBe(true);
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('schema');
  });

  it('compiles on its own, as an editor would use it', () => {
    const validate = new Ajv({ strict: false }).compile(workflowSchema());
    const good = parse(readFileSync(join(fixtures, 'pipeline.yaml'), 'utf8'), { merge: true }) as unknown;
    expect(validate(good)).toBe(true);
    const bad = parse(readFileSync(join(fixtures, 'many-errors.yaml'), 'utf8')) as unknown;
    expect(validate(bad)).toBe(false);
  });

  it('every fixture is either valid or named for its errors', () => {
    for (const name of readdirSync(fixtures).filter((f) => f.endsWith('.yaml'))) {
      expect(name === 'pipeline.yaml' || name.includes('error')).toBe(true);
    }
  });
});
