import { describe, expect, it } from 'vitest';
import { dataToEnv, envName, isProtectedEnv } from './data-env.js';

const all = (data: Record<string, unknown>) => dataToEnv(data, Object.keys(data));

describe('dataToEnv', () => {
  it('upper-cases declared keys, passes strings raw and other values as JSON', () => {
    const { env } = all({ name: 'x y', count: 3, flag: true, obj: { a: [1] }, nothing: null, 'build-id': 'b1' });
    expect(env).toEqual({ NAME: 'x y', COUNT: '3', FLAG: 'true', OBJ: '{"a":[1]}', NOTHING: 'null', BUILD_ID: 'b1' });
  });
  it('exports only the keys the workflow declared', () => {
    const { env, undeclared } = dataToEnv({ release: 'r1', git_config_count: '1', surprise: 'x' }, ['release']);
    expect(env).toEqual({ RELEASE: 'r1' });
    expect([...undeclared].sort()).toEqual(['git_config_count', 'surprise']);
  });
  it('never sets protected variables from data, even declared ones', () => {
    const { env, skipped } = all({
      path: '/evil', ld_preload: '/evil.so', home: '/x', bash_env: '/x', shell: 'x', user: 'x', ps4: '$(id)', dyld_insert_libraries: 'x', wfe_x: 1,
      git_config_count: '1', npm_config_script_shell: '/x', pythonwarnings: 'x', browser: 'x', node_options: 'x', perl5opt: 'x', rubyopt: 'x', env: 'x', editor: 'x', pager: 'x',
    });
    expect(env).toEqual({});
    expect(skipped).toHaveLength(19);
    expect(skipped[0]!.reason).toMatch(/PATH is a protected variable/);
  });
  it('skips NUL bytes and values the kernel would refuse', () => {
    const { env, skipped } = all({ nul: 'a\0b', big: 'x'.repeat(200_000), ok: 'fine' });
    expect(env).toEqual({ OK: 'fine' });
    expect(skipped.map((s) => s.reason).sort()).toEqual(['contains a NUL byte', 'larger than 128 KiB']);
  });
  it('names start with a letter or _', () => {
    expect(envName('2fa')).toBe('_2FA');
    expect(envName('a.b')).toBe('A_B');
  });
  it('protects by exact name and by prefix, in any case', () => {
    for (const name of ['GIT_DIR', 'npm_config_x', 'PYTHONSTARTUP', 'LD_AUDIT', 'NODE_EXTRA_CA_CERTS', 'PERL5LIB', 'RUBYLIB', 'BASH_ENV', 'ENV', 'CC', 'LC_ALL']) {
      expect(isProtectedEnv(name), name).toBe(true);
    }
    for (const name of ['RELEASE', 'ENVIRONMENT', 'COUNT', 'GITHUB_REF']) expect(isProtectedEnv(name), name).toBe(false);
  });
});
