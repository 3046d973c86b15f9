import { describe, expect, it } from 'vitest';
import { parseWorkflows, validateWorkflowText } from '../../src/yaml/index.js';
import { runStep } from './step-context.js';
import { invalidUtf8Offset } from '../../src/yaml/read-workflow-file.js';

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

describe('workflow text limits', () => {
  it('text over maxBytes is refused before parsing', () => {
    const text = `workflow:\n  id: w\n  steps:\n    - name: a\n      config: { run: "true" }\n# ${'x'.repeat(2000)}\n`;
    expect(validateWorkflowText(text, { maxBytes: 1024 }).map((i) => i.message)).toEqual([
      `the file is 2 KiB, more than the 1 KiB a workflow file may have (raise the limit with --max-file-size, or maxBytes in the load options)`,
    ]);
    expect(validateWorkflowText(text)).toEqual([]);
  });

  it('finds the first byte that is not UTF-8', () => {
    const ok = Buffer.from('plain ascii, café, 日本, 🙂');
    expect(invalidUtf8Offset(ok)).toBeUndefined();
    const cases: [number[], number][] = [
      [[0x61, 0xff], 1],
      [[0x61, 0xc3], 1], // truncated sequence
      [[0xc0, 0xaf], 0], // overlong '/'
      [[0xed, 0xa0, 0x80], 0], // a UTF-16 surrogate
      [[0xf4, 0x90, 0x80, 0x80], 0], // past U+10FFFF
      [[0x61, 0xe2, 0x82, 0x41], 1],
    ];
    for (const [bytes, at] of cases) expect(invalidUtf8Offset(Buffer.from(bytes)), bytes.join(',')).toBe(at);
  });
});

describe('control characters in commands', () => {
  const wf = (config: string, type = 'shell') => `workflow:\n  id: w\n  steps:\n    - name: a\n      type: ${type}\n      config: ${config}\n`;
  it.each([
    [wf('{ run: "echo a\\0b" }'), "run of step 'a' contains U+0000 (NUL) at line 1, column 7"],
    [wf('{ run: "echo safe\\rrm -rf x" }'), "run of step 'a' contains U+000D (carriage return) at line 1, column 10"],
    [wf('{ run: "echo \\e[2Jx" }'), "run of step 'a' contains U+001B (escape)"],
    [wf('{ run: "true", shell: "bash\\b" }'), "shell of step 'a' contains U+0008 (backspace)"],
    [wf('{ run: "true", env: { X: "a\\u202Eb" } }'), "env X of step 'a' contains U+202E (a bidirectional override)"],
    [wf('{ script: "output(1)\\u0007" }', 'deno'), "script of step 'a' contains U+0007 (a control character)"],
  ])('%j is refused', (text, message) => {
    const issues = validateWorkflowText(text, { file: 'w.yaml' });
    expect(issues).toHaveLength(1);
    expect(issues[0]!.message).toContain(message);
    expect(issues[0]!.line).toBe(6);
  });
  it('tabs, line feeds and CRLF line ends of the file itself are fine', () => {
    expect(validateWorkflowText(wf('{ run: "printf \'a\\tb\\n\'" }').replace(/\n/g, '\r\n'))).toEqual([]);
  });
});

describe('which data keys reach a shell step of a YAML workflow', () => {
  const loaded = parseWorkflows(
    `workflows:
  - id: w
    inputs: { release: string, git_config_count: string? }
    outputs: { url: string? }
    steps:
      - name: build
        outputs: [artifact]
        config:
          run: |
            for v in RELEASE ARTIFACT URL BUILD_STDOUT SURPRISE GIT_CONFIG_COUNT CHILD_OUT; do
              eval "printf '%s=%s\\\\n' $v \\"\\\${$v:-unset}\\"" >> "$WFE_OUTPUT"
            done
      - name: narrow
        inputs: [{ name: token, path: .release }]
        config: { run: 'echo "seen=\${TOKEN:-unset}/\${RELEASE:-unset}" >> "$WFE_OUTPUT"' }
      - name: call
        type: workflow
        config: { workflow: child }
  - id: child
    outputs: { child_out: string }
    steps:
      - name: c
        config: { run: 'echo "child_out=1" >> "$WFE_OUTPUT"' }
`,
    { file: 'w.yaml' },
  );
  const data = { release: 'r1', artifact: 'a.tgz', url: 'u', 'build.stdout': 'log', surprise: 'from an event', git_config_count: '1', child_out: 'c' };

  it('declared inputs and outputs (also of called children) do; undeclared keys, step logs and protected names do not', async () => {
    const { data: after } = await runStep(loaded, 'w', 'build', { data });
    expect(after).toMatchObject({ RELEASE: 'r1', ARTIFACT: 'a.tgz', URL: 'u', CHILD_OUT: 'c', BUILD_STDOUT: 'unset', SURPRISE: 'unset', GIT_CONFIG_COUNT: 'unset' });
    expect(after['build.stderr']).toContain("data key 'git_config_count' not exported to the environment: GIT_CONFIG_COUNT is a protected variable");
    expect(after['build.stderr']).toContain('data keys not exported to the environment (not declared as an input or output): build.stdout, surprise');
  });

  it("a step's own inputs: names do", async () => {
    const { data: after } = await runStep(loaded, 'w', 'narrow', { data });
    expect(after.seen).toBe('r1/unset');
  });
});
