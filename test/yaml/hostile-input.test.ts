import { describe, expect, it } from 'vitest';
import { validateWorkflowText } from '../../src/yaml/index.js';

const deno = (extra: string) => `workflow:
  id: w
  steps:
    - name: s
      type: deno
      config:
        script: output("a", 1)
${extra}`;

describe('deno memory_limit in the schema', () => {
  it.each(['        memory_limit: 1GB', '        memory_limit: 256MB', '        memory_limit: 300', '        permissions: { sys: [hostname], ffi: false }'])('accepts %s', (line) => {
    expect(validateWorkflowText(deno(line))).toEqual([]);
  });
  it('refuses a size it cannot read, naming where', () => {
    const issues = validateWorkflowText(deno('        memory_limit: lots'), { file: 'w.yaml' });
    expect(issues.map((i) => `${i.line}:${i.column}: ${i.message}`)).toEqual(['8:23: expected a memory size such as 256MB, 1GB, or a number of MB (at least 16), got string "lots"']);
  });
});
