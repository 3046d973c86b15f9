import { describe, expect, it } from 'vitest';
import { fixture, runCli } from './cli-process.js';

const T = 60_000;

/** One clear message on stderr, no stack trace, exit code 2. */
function expectUsageError(r: { code: number | null; stdout: string; stderr: string }, message: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stdout).not.toMatch(/status:/);
}

describe('wfe: bad input is one clear message and exit code 2', () => {
  it('a missing file', async () => {
    expectUsageError(await runCli(['run', 'no/such/file.yaml', '--db', ':memory:']), /^wfe: no\/such\/file\.yaml does not exist\n$/);
    expectUsageError(await runCli(['validate', 'no/such/file.yaml']), /^wfe: no\/such\/file\.yaml does not exist\n$/);
  }, T);

  it('malformed YAML names file, line and column, and nothing runs', async () => {
    expectUsageError(await runCli(['run', fixture('malformed.yaml'), '--db', ':memory:']), /^wfe: test\/fixtures\/cli\/malformed\.yaml:6:5: .*YAML syntax/);
  }, T);

  it('an unknown workflow, or no default among several, lists the workflows', async () => {
    expectUsageError(await runCli(['run', fixture('multi.yaml'), '--workflow', 'three', '--db', ':memory:']), /has no workflow 'three' \(it has: one, two\)/);
    expectUsageError(await runCli(['run', fixture('multi.yaml'), '--db', ':memory:']), /has 2 workflows; choose one with --workflow \(it has: one, two\)/);
  }, T);

  it('bad inputs: not JSON, not an object, not what the workflow declares', async () => {
    expectUsageError(await runCli(['run', fixture('needs-input.yaml'), '--db', ':memory:', '--input', '{env:']), /^wfe: --input is not valid JSON/);
    expectUsageError(await runCli(['run', fixture('needs-input.yaml'), '--db', ':memory:', '--input', '[1]']), /^wfe: --input must be a JSON object, got an array/);
    expectUsageError(
      await runCli(['run', fixture('needs-input.yaml'), '--db', ':memory:', '--input', '{"env": 3}']),
      /input 'env': expected string, got number 3; input 'replicas': expected integer, got nothing/,
    );
    expectUsageError(await runCli(['run', fixture('pipeline.yaml'), '--db', ':memory:', '--timeout', 'soon']), /--timeout expects a duration/);
    expectUsageError(await runCli(['run', fixture('pipeline.yaml'), '--config', '{}', '--config-file', 'x.json']), /--config.*cannot be used with.*--config-file/);
  }, T);

  it('unknown options and commands', async () => {
    expectUsageError(await runCli(['run', fixture('pipeline.yaml'), '--bogus']), /unknown option '--bogus'/);
    expectUsageError(await runCli(['launch']), /unknown command 'launch'/);
  }, T);

  it('history and verify of an unknown instance or database', async () => {
    expectUsageError(await runCli(['history', 'nope', '--db', 'no/such.db']), /^wfe: no database at no\/such\.db/);
    expectUsageError(await runCli(['verify', 'nope', '--db', ':memory:']), /in-memory database keeps nothing/);
  }, T);
});
