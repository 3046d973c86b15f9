/**
 * Environment variables a step's data may never set: the ones that decide which programs run, how
 * a shell starts, or what the dynamic loader injects. The step's own `env` (written by the
 * workflow's author) may still set them; data (inputs, outputs of earlier steps, event payloads)
 * may not. (`ENV` is not in the list: shells read it only when interactive, and `env` is a common
 * input name; `BASH_ENV`, which non-interactive bash runs, is.)
 */
export const PROTECTED_ENV: ReadonlySet<string> = new Set([
  'PATH', 'HOME', 'SHELL', 'USER', 'LOGNAME', 'PWD', 'OLDPWD', 'IFS', 'BASH_ENV', 'CDPATH',
  'PS1', 'PS2', 'PS3', 'PS4', 'PROMPT_COMMAND', 'SHELLOPTS', 'BASHOPTS', 'GLOBIGNORE', 'HISTFILE',
  'TMPDIR', 'TERM', 'HOSTALIASES', 'LOCALDOMAIN', 'RES_OPTIONS', 'GCONV_PATH', 'NLSPATH',
  'NODE_OPTIONS', 'NODE_PATH', 'PYTHONPATH', 'PYTHONSTARTUP', 'PERL5OPT', 'PERL5LIB', 'RUBYOPT',
  'GIT_SSH', 'GIT_SSH_COMMAND', 'GIT_EXEC_PATH', 'EDITOR', 'VISUAL', 'PAGER',
]);
/** Prefixes data may never set: the dynamic loader's, exported shell functions, our own. */
export const PROTECTED_ENV_PREFIXES: readonly string[] = ['LD_', 'DYLD_', 'BASH_FUNC_', 'DENO_', 'WFE_', 'MALLOC_'];

/** Linux refuses a single `NAME=value` longer than 128 KiB (MAX_ARG_STRLEN). */
const MAX_ENV_ENTRY = 128 * 1024 - 1;
/** Total bytes of data-derived variables; the kernel's limit on argv + env is about 2 MiB. */
const MAX_ENV_TOTAL = 1024 * 1024;

/** `build-id` → `BUILD_ID`, `2fa` → `_2FA`: letters, digits and `_`, upper case. */
export function envName(key: string): string {
  const name = key.replace(/[^A-Za-z0-9_]/g, '_').toUpperCase();
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

/** True for names data may not set (see `PROTECTED_ENV`). */
export function isProtectedEnv(name: string): boolean {
  return PROTECTED_ENV.has(name) || PROTECTED_ENV_PREFIXES.some((p) => name.startsWith(p));
}

/** Data turned into environment variables. */
export interface DataEnv {
  readonly env: Record<string, string>;
  /** Keys not exported, with the reason (protected name, NUL byte, too large). */
  readonly skipped: readonly { readonly key: string; readonly reason: string }[];
}

/**
 * The top-level keys of `data` as environment variables: strings raw, everything else as JSON.
 * Protected names, values with a NUL byte, and values too large for the kernel are skipped.
 */
export function dataToEnv(data: unknown): DataEnv {
  const env: Record<string, string> = {};
  const skipped: { key: string; reason: string }[] = [];
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { env, skipped };
  const entries: [string, string, string][] = [];
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined) continue;
    const name = envName(key);
    if (!name || isProtectedEnv(name)) {
      skipped.push({ key, reason: `protected variable ${name}` });
      continue;
    }
    const text = typeof value === 'string' ? value : JSON.stringify(value) ?? '';
    if (text.includes('\0')) skipped.push({ key, reason: 'contains a NUL byte' });
    else if (Buffer.byteLength(text) + name.length + 1 > MAX_ENV_ENTRY) skipped.push({ key, reason: 'larger than 128 KiB' });
    else entries.push([key, name, text]);
  }
  let total = 0;
  // Small values first, so one huge value does not push out many small ones.
  for (const [key, name, text] of entries.sort((a, b) => a[2].length - b[2].length)) {
    const size = Buffer.byteLength(text) + name.length + 2;
    if (total + size > MAX_ENV_TOTAL) {
      skipped.push({ key, reason: 'environment budget (1 MiB) exhausted' });
      continue;
    }
    total += size;
    env[name] = text;
  }
  return { env, skipped };
}
