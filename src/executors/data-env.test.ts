import { describe, expect, it } from 'vitest';
import { dataToEnv, envName } from './data-env.js';

describe('dataToEnv', () => {
  it('upper-cases keys, passes strings raw and other values as JSON', () => {
    const { env } = dataToEnv({ name: 'x y', count: 3, flag: true, obj: { a: [1] }, nothing: null, 'build-id': 'b1' });
    expect(env).toEqual({ NAME: 'x y', COUNT: '3', FLAG: 'true', OBJ: '{"a":[1]}', NOTHING: 'null', BUILD_ID: 'b1' });
  });
  it('never sets protected variables from data', () => {
    const { env, skipped } = dataToEnv({ path: '/evil', ld_preload: '/evil.so', home: '/x', bash_env: '/x', shell: 'x', user: 'x', ps4: '$(id)', dyld_insert_libraries: 'x', wfe_x: 1 });
    expect(env).toEqual({});
    expect(skipped.map((s) => s.key).sort()).toEqual(['bash_env', 'dyld_insert_libraries', 'home', 'ld_preload', 'path', 'ps4', 'shell', 'user', 'wfe_x']);
  });
  it('skips NUL bytes and values the kernel would refuse', () => {
    const { env, skipped } = dataToEnv({ nul: 'a\0b', big: 'x'.repeat(200_000), ok: 'fine' });
    expect(env).toEqual({ OK: 'fine' });
    expect(skipped.map((s) => s.reason).sort()).toEqual(['contains a NUL byte', 'larger than 128 KiB']);
  });
  it('names start with a letter or _', () => {
    expect(envName('2fa')).toBe('_2FA');
    expect(envName('a.b')).toBe('A_B');
  });
});
