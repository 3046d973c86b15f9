import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWfeError } from '../domain/errors.js';
import { workflowSchema } from '../yaml/schema-check.js';
import { resolveDenoBinary } from './deno-binary.js';
import { runDenoStep, type DenoStepConfig } from './deno-executor.js';
import { PERMISSION_NAMES } from './deno-permissions.js';

const schemaPermissions = (workflowSchema() as { definitions: { denoConfig: { properties: { permissions: { properties: Record<string, unknown> } } } } }).definitions.denoConfig.properties.permissions.properties;

const dir = mkdtempSync(join(tmpdir(), 'wfe-deno-test-'));
const secret = join(dir, 'secret.json');
writeFileSync(secret, '{"token":"s3cr3t"}');
const deno = (config: DenoStepConfig, data: unknown = {}) => runDenoStep({ stepName: 'd', config, data, baseDir: dir });
const failure = (config: DenoStepConfig) =>
  deno(config).then(
    () => {
      throw new Error('expected the step to fail');
    },
    (e: unknown) => e as Error & { details: Record<string, unknown> },
  );

let server: Server;
let port = 0;
beforeAll(async () => {
  server = createServer((_req, res) => res.end('pong'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('deno steps', () => {
  it('sees inputs and returns outputs through the globals and their Wfe aliases', async () => {
    const out = await deno(
      { script: 'const d: { a: number; b: number } = inputs(); output("sum", d.a + d.b); Wfe.setOutput("copy", Wfe.getData()); output("u", undefined); log("note"); console.log("printed");' },
      { a: 1, b: 2 },
    );
    expect(out).toEqual({ sum: 3, copy: { a: 1, b: 2 }, u: null, 'd.stdout': 'printed\n', 'd.stderr': 'note\n' });
  });

  it('runs a file that imports a module beside it', async () => {
    writeFileSync(join(dir, 'lib.ts'), 'export const twice = (n: number) => n * 2;\n');
    writeFileSync(join(dir, 'main.ts'), 'import { twice } from "./lib.ts";\noutput("r", twice(inputs().n));\n');
    expect((await deno({ file: 'main.ts' }, { n: 21 })).r).toBe(42);
  });

  it('fails with the script error', async () => {
    const err = await failure({ script: 'throw new Error("kaput")' });
    expect(isWfeError(err, 'EXECUTOR_FAILED')).toBe(true);
    expect(err.message).toBe("step 'd' failed: Error: kaput");
    expect(String(err.details.stderr)).toContain('kaput');
  });

  it('stdout cannot forge outputs, whatever the data holds', async () => {
    const out = await deno({ script: 'console.log(inputs().msg); console.log("##wfe[output admin=true]")' }, { msg: '##wfe[output root=1]' });
    expect(Object.keys(out).sort()).toEqual(['d.stderr', 'd.stdout']);
  });

  it('refuses more than 1 MiB of outputs', async () => {
    const err = await failure({ script: 'output("big", "x".repeat(1100000))' });
    expect(err.message).toBe("step 'd' produced more than 1 MiB of outputs");
  });

  it('kills a synchronous infinite loop at its timeout', async () => {
    const started = performance.now();
    const err = await failure({ script: 'while (true) {}', timeout: '500ms' });
    expect(isWfeError(err, 'TIMEOUT')).toBe(true);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('deno memory limit', () => {
  it('a heap bomb stops at the limit with a clear error', async () => {
    const err = await failure({ script: 'const a = []; for (;;) a.push(new Array(1e6).fill(1));', memory_limit: '128MB', timeout: '60s' });
    expect(isWfeError(err, 'EXECUTOR_FAILED')).toBe(true);
    expect(err.message).toBe("step 'd' exceeded its memory limit (128 MB); raise it with config.memory_limit");
    expect(err.details.memoryLimitMb).toBe(128);
  });

  it('an ArrayBuffer bomb (outside V8\'s heap) stops at the OS limit', async () => {
    const err = await failure({
      script: 'const a = []; for (let i = 0; i < 64; i++) { a.push(new Uint8Array(64 * 1024 * 1024).fill(1)); } output("reached", a.length * 64);',
      memory_limit: 256,
      timeout: '60s',
    });
    expect(err.message).toBe("step 'd' exceeded its memory limit (256 MB); raise it with config.memory_limit");
  });

  it('the default is 512 MB, and the host may change it', async () => {
    const script = 'const a = []; for (let i = 0; i < 12; i++) a.push(new Uint8Array(64 * 1024 * 1024).fill(1)); output("mb", a.length * 64);';
    const err = await failure({ script, timeout: '60s' });
    expect(err.message).toContain('exceeded its memory limit (512 MB)');
    const out = await runDenoStep({ stepName: 'd', config: { script, timeout: '60s' }, data: {}, baseDir: dir, memoryLimitMb: 1536 });
    expect(out.mb).toBe(768);
  });

  it('a bad memory_limit is refused', async () => {
    const err = await failure({ script: '1', memory_limit: 'lots' });
    expect(err.message).toMatch(/bad memory_limit "lots"/);
  });
});

describe('deno permissions: denied unless granted', () => {
  it.each<[string, DenoStepConfig, string]>([
    ['net', { script: `await fetch("http://127.0.0.1:PORT/")` }, 'net'],
    ['read', { script: `Deno.readTextFileSync(${JSON.stringify(secret)})` }, 'read'],
    ['readFile global', { script: `await readFile(${JSON.stringify(secret)})` }, 'read'],
    ['write', { script: `Deno.writeTextFileSync(${JSON.stringify(join(dir, 'w.txt'))}, "x")` }, 'write'],
    ['env', { script: 'Deno.env.get("HOME")' }, 'env'],
    ['run', { script: 'new Deno.Command("echo").outputSync()' }, 'run'],
    ['remote import', { script: 'await import("https://deno.land/std/version.ts")' }, 'dynamic_import'],
    ['local file import', { script: `await import(${JSON.stringify(secret)}, { with: { type: "json" } })` }, 'read'],
    ['the whole environment', { script: 'Deno.env.toObject()' }, 'env'],
    ['npm: import (dynamic)', { script: 'await import("npm:left-pad")' }, 'dynamic_import'],
    ['npm: import (static)', { script: 'import pad from "npm:left-pad"; console.log(pad)' }, 'dynamic_import'],
    ['jsr: import', { script: 'await import("jsr:@std/path")' }, 'dynamic_import'],
    ['FFI', { script: 'Deno.dlopen("libc.so.6", {})' }, 'ffi'],
    ['hostname()', { script: 'Deno.hostname()' }, 'sys'],
  ])('%s', async (_label, config, permission) => {
    const script = config.script!.replace('PORT', String(port));
    const err = await failure({ ...config, script });
    expect(isWfeError(err, 'EXECUTOR_FAILED')).toBe(true);
    expect(err.details.permission).toBe(permission);
    expect(err.message).toContain(`permissions.${permission}`);
    // The key the message names exists in the published schema.
    expect(Object.keys(schemaPermissions)).toContain(permission);
  });

  it('every permission a refusal can name is a key of the schema, and the reverse', () => {
    expect(Object.keys(schemaPermissions).sort()).toEqual([...PERMISSION_NAMES].sort());
  });

  it('grants sys', async () => {
    const out = await deno({ script: 'output("host", typeof Deno.hostname())', permissions: { sys: ['hostname'] } });
    expect(out.host).toBe('string');
  });

  it('a write outside the granted paths is still denied', async () => {
    const err = await failure({ script: `Deno.writeTextFileSync("/tmp/wfe-nope.txt", "x")`, permissions: { write: [join(dir, 'allowed')] } });
    expect(err.details.permission).toBe('write');
    expect(existsSync('/tmp/wfe-nope.txt')).toBe(false);
  });

  it('grants what permissions list', async () => {
    const out = await deno({
      script: `
        output("net", await (await fetch("http://127.0.0.1:${port}/")).text());
        output("read", JSON.parse(await readFile(${JSON.stringify(secret)})).token);
        Deno.writeTextFileSync(${JSON.stringify(join(dir, 'granted.txt'))}, "w");
        output("env", Deno.env.get("STEP_VAR"));
        output("run", new TextDecoder().decode(new Deno.Command("echo", { args: ["hi"] }).outputSync().stdout).trim());
        const m = await import(${JSON.stringify(secret)}, { with: { type: "json" } });
        output("imported", m.default.token);`,
      permissions: { net: [`127.0.0.1:${port}`], read: [secret], write: [dir], run: ['echo'] },
      env: { STEP_VAR: 'v' },
    });
    expect(out).toMatchObject({ net: 'pong', read: 's3cr3t', env: 'v', run: 'hi', imported: 's3cr3t' });
    expect(readFileSync(join(dir, 'granted.txt'), 'utf8')).toBe('w');
  });
});

describe('resolveDenoBinary', () => {
  it('finds the binary of the deno npm package', () => {
    expect(existsSync(resolveDenoBinary())).toBe(true);
  });
  it('names the package when it is missing', () => {
    const missing = () =>
      resolveDenoBinary({
        resolvePackage: () => {
          throw new Error('not found');
        },
        env: {},
      });
    expect(missing).toThrow(/optional npm package 'deno'/);
    try {
      missing();
    } catch (e) {
      expect(isWfeError(e, 'MISSING_DEPENDENCY')).toBe(true);
    }
  });
});
