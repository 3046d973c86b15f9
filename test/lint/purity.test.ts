import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname });
const messages = async (code: string, filePath: string) =>
  (await eslint.lintText(code, { filePath }))[0]?.messages.map((m) => `${m.ruleId}: ${m.message}`) ?? [];

describe('the domain stays pure (lint)', () => {
  it('rejects clocks, randomness, node built-ins and outer layers inside src/domain', async () => {
    const found = await messages(
      [
        "import { readFileSync } from 'node:fs';",
        "import { WorkflowHost } from '../runtime/host.js';",
        'export const a = Date.now();',
        'export const b = Math.random();',
        'export const c = new Date();',
        'export const d = [readFileSync, WorkflowHost];',
      ].join('\n'),
      'src/domain/impure.ts',
    );
    expect(found.some((m) => m.includes('no-restricted-imports') && m.includes('does no I/O'))).toBe(true);
    expect(found.some((m) => m.includes('no-restricted-imports') && m.includes('outer layers'))).toBe(true);
    expect(found.filter((m) => m.includes('has no clock'))).toHaveLength(2);
    expect(found.some((m) => m.includes('no randomness'))).toBe(true);
  });

  it('allows the same code outside the domain, and an explicit time inside it', async () => {
    expect(await messages('export const a = Date.now();', 'src/runtime/clock-user.ts')).toEqual([]);
    expect(await messages('export const at = (ms: number) => new Date(ms);', 'src/domain/time.ts')).toEqual([]);
  });

  it('the real source tree passes', async () => {
    const results = await eslint.lintFiles(['src/domain']);
    expect(results.flatMap((r) => r.messages.map((m) => `${r.filePath}: ${m.message}`))).toEqual([]);
  });
});
