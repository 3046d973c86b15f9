import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isWfeError } from '../../src/domain/errors.js';
import { parseWorkflows, validateFile, validateWorkflowText } from '../../src/yaml/index.js';

/** Each issue as `line:column message`. */
const issues = (text: string, config: Record<string, unknown> = {}) => validateWorkflowText(text, { file: 'wf.yaml', config }).map((i) => `${i.line}:${i.column} ${i.message}`);

/** A workflow around the given step lines (indented 4). */
const steps = (body: string, head = '') => `workflow:\n  id: w\n${head}  steps:\n${body.replace(/^/gm, '    ')}\n`;

describe('every load error names file:line:column and what was expected', () => {
  it('malformed YAML', () => {
    expect(issues('workflow:\n  id: [a, b\n  steps: x\n')[0]).toMatch(/^3:\d+ .*\(YAML syntax\)$/);
    expect(issues('workflow:\n  id: a\n  id: b\n')).toEqual(['3:3 Map keys must be unique (YAML syntax)']);
  });

  it('more than one document', () => {
    expect(issues('workflow: {}\n---\nworkflow: {}\n')[0]).toMatch(/^2:1 Source contains multiple documents/);
  });

  it('an unknown alias and a merge of a non-map', () => {
    expect(issues(steps('- <<: *nope\n  name: a')).some((m) => m.startsWith('4:11 unknown alias *nope'))).toBe(true);
    expect(issues('_t: &x 5\nworkflow:\n  <<: *x\n')).toEqual(['3:7 a merge key (<<) needs a map or an alias of a map']);
  });

  it('an alias bomb is refused instead of expanded', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    expect(issues(`${bomb.join('\n')}\nworkflow: {}\n`)).toEqual(['1:1 cannot read the document: Excessive alias count indicates a resource exhaustion attack']);
  });

  it('a file without workflow or workflows, and an unknown top-level key', () => {
    expect(issues('name: x\n').sort()).toEqual([
      '1:1 a workflow file needs exactly one of `workflow` or `workflows` at the top level',
      "1:1 unknown key 'name' (expected workflow, workflows, or a key starting with _ for templates)",
    ]);
  });

  it('unknown keys in a workflow, a step and a config, pointing at the key', () => {
    expect(issues(steps('- name: a\n  config: { run: x, cwd: /tmp }\n  retries: 3', '  owner: me\n'))).toEqual([
      "3:3 unknown key 'owner' (expected one of: id, version, name, description, error_behavior, inputs, outputs, steps)",
      "6:25 unknown key 'cwd' (expected one of: run, file, shell, env, working_dir, timeout)",
      "7:7 unknown key 'retries' (expected one of: name, type, config, inputs, outputs, parallel, error_behavior, on_success, on_failure, ensure, when)",
    ]);
  });

  it('an unknown step type', () => {
    expect(issues(steps('- name: a\n  type: python\n  config: { run: x }'))).toEqual(['5:13 expected a step type: shell, deno, workflow or wait, got string "python"']);
  });

  it('a missing config, and a config without run or file', () => {
    expect(issues(steps('- name: a'))).toEqual([
      "4:7 missing required key 'config' (its settings: run or file for shell, script or file for deno, workflow for type workflow)",
    ]);
    expect(issues(steps('- name: a\n  config: { shell: bash }'))).toEqual(["5:15 a shell step's config needs exactly one of `run` or `file`"]);
    expect(issues(steps('- name: a\n  type: deno\n  config: { script: x, file: y }'))).toEqual(["6:15 a deno step's config needs exactly one of `script` or `file`"]);
    expect(issues(steps('- name: a\n  type: workflow\n  config: {}'))).toEqual(["6:15 missing required key 'workflow'"]);
  });

  it('duplicate step names, hooks and parallel children included', () => {
    const text = steps('- name: a\n  config: { run: x }\n  ensure: { name: b, config: { run: x } }\n- name: p\n  parallel:\n    - name: b\n      config: { run: x }');
    expect(issues(text)).toEqual([
      "9:17 duplicate step name 'b' (first used at line 6; names are unique in a workflow, hooks and parallel children included)",
    ]);
  });

  it('a step name with a colon or a dot', () => {
    expect(issues(steps('- name: "a:when"\n  config: { run: x }'))).toEqual([
      "4:13 expected a step name without ':', '.' or line breaks (it names data keys such as <step>.stdout), got string \"a:when\"",
    ]);
  });

  it('a bad duration', () => {
    expect(issues(steps('- name: a\n  config: { run: x, timeout: 5 parsecs }'))).toEqual([
      '5:34 expected a duration such as 500ms, 30s, 5m, 2h, or a number of milliseconds, got string "5 parsecs"',
    ]);
    expect(issues(steps('- name: a\n  config: { run: x }\n  error_behavior: { type: retry, interval: -1 }'))).toEqual([
      '6:48 expected a duration such as 500ms, 30s, 5m, 2h, or a number of milliseconds, got number -1',
    ]);
  });

  it('a `when` on an undeclared field', () => {
    const head = '  inputs: { env: string }\n';
    expect(issues(steps('- name: a\n  config: { run: x }\n  when: { field: .inputs.enviroment, equals: prod }', head))).toEqual([
      "7:22 `when` field '.inputs.enviroment' names an undeclared input 'enviroment' (declared inputs: env)",
    ]);
    expect(issues(steps('- name: a\n  config: { run: x }\n  when: { any: [{ field: .outputs.ok, equals: true }] }', head))[0]).toMatch(
      /^7:30 `when` field '.outputs.ok' names an undeclared output 'ok'/,
    );
  });

  it('a `when` with no operator or two, or a field beside a combinator', () => {
    expect(issues(steps('- name: a\n  config: { run: x }\n  when: { field: .inputs.e, equals: 1, gt: 0 }', '  inputs: { e: integer }\n'))).toEqual([
      "7:13 a condition on field '.inputs.e' needs exactly one operator (equals, not_equals, gt, gte, lt, lte, contains, is_null, is_not_null), found equals, gt",
    ]);
    expect(issues(steps('- name: a\n  config: { run: x }\n  when: { all: [], any: [] }'))).toContain(
      '6:13 a condition needs a field and an operator, or exactly one of all, any, none, one_of, not, found all, any',
    );
  });

  it('a workflow cycle', () => {
    const text = `workflows:
  - id: a
    steps:
      - name: call_b
        type: workflow
        config: { workflow: b }
  - id: b
    steps:
      - name: call_a
        type: workflow
        config: { workflow: a }
  - id: c
    steps:
      - name: self
        type: workflow
        config: { workflow: c }
`;
    expect(issues(text)).toEqual(['11:29 workflow cycle: a -> b -> a', '16:29 workflow cycle: c -> c']);
  });

  it('an unknown child workflow or version', () => {
    expect(issues(steps('- name: a\n  type: workflow\n  config: { workflow: nope }'))).toEqual(["6:27 unknown workflow 'nope' (workflows in this file: w)"]);
    expect(issues(steps('- name: a\n  type: workflow\n  config: { workflow: w, workflow_version: 3 }'))).toContain("6:48 workflow 'w' has version 1 in this file, not 3");
  });

  it('an unknown interpolation path', () => {
    expect(issues(steps('- name: a\n  config: { run: "deploy ((env.region))" }'), { env: { zone: 'a' } })).toEqual([
      "5:22 unknown interpolation path 'env.region': config 'env' has no 'region' (it has: zone)",
    ]);
    expect(issues(steps('- name: a\n  config: { run: "${{ nope }}" }'))).toEqual([
      "5:22 unknown interpolation path 'nope': the config map has no 'nope' (it is empty or not an object)",
    ]);
  });

  it('duplicate workflow ids', () => {
    const wf = '  - id: x\n    steps:\n      - name: a\n        config: { run: x }\n';
    expect(issues(`workflows:\n${wf}${wf}`)).toEqual(["6:9 duplicate workflow id 'x' (first defined at line 2)"]);
  });

  it('a bad type declaration', () => {
    expect(issues(steps('- name: a\n  config: { run: x }', '  inputs: { n: int3ger, l: list<string }\n'))).toEqual([
      "3:16 unknown type 'int3ger' (expected string, number, integer, bool, any, list<T>, map<T>, or T?)",
      "3:28 type 'list<string': expected '>' to close list<",
    ]);
  });

  it('a parallel step with a type or config', () => {
    expect(issues(steps('- name: p\n  type: shell\n  parallel: [{ name: a, config: { run: x } }]'))).toEqual([
      '4:7 a parallel step has no type or config: its children do the work',
    ]);
  });

  it('an error inside a template points at the template', () => {
    const text = `_t:\n  bad: &bad\n    config: { run: x, timeout: soon }\n${steps('- name: a\n  <<: *bad')}`;
    expect(issues(text)).toEqual(['3:32 expected a duration such as 500ms, 30s, 5m, 2h, or a number of milliseconds, got string "soon"']);
  });

  it('parseWorkflows throws one YAML_INVALID listing every issue', () => {
    try {
      parseWorkflows(steps('- name: a\n- name: a\n  config: { run: x }'), { file: 'f.yaml' });
      expect.unreachable();
    } catch (e) {
      expect(isWfeError(e, 'YAML_INVALID')).toBe(true);
      expect((e as Error).message).toBe(
        [
          '2 errors in f.yaml:',
          "  f.yaml:4:7: missing required key 'config' (its settings: run or file for shell, script or file for deno, workflow for type workflow)",
          "  f.yaml:5:13: duplicate step name 'a' (first used at line 4; names are unique in a workflow, hooks and parallel children included)",
        ].join('\n'),
      );
      expect((e as { details: { issues: unknown[] } }).details.issues).toHaveLength(2);
    }
  });

  it('validateFile returns all errors of a file with its path', () => {
    const file = join(import.meta.dirname, '../fixtures/yaml/many-errors.yaml');
    const found = validateFile(file);
    expect(found.every((i) => i.file === file)).toBe(true);
    expect(found.map((i) => `${i.line}:${i.column}`)).toEqual(['5:13', '7:13', '8:15', '10:22', '12:7', '15:27']);
  });

  it('validateFile reports a missing file instead of throwing', () => {
    expect(validateFile('/nonexistent/wf.yaml')[0]!.message).toMatch(/cannot read the file/);
  });
});
