/**
 * How workflow data reaches a shell step's environment.
 *
 * The rule is an allowlist: a top-level data key becomes an environment variable only when the
 * workflow's author declared it (a workflow input or output, a step output, a step `inputs:` name:
 * the caller passes these as `allowed`), and even then never under a name that changes how a
 * common program behaves (`PROTECTED_ENV`, `PROTECTED_ENV_PREFIXES`). Data arriving from outside
 * (`--input`, an event payload, an undeclared output) therefore cannot pick variable names. The
 * step's own `env` (written by the author) may still set any name.
 */

/**
 * Exact names data may never set: they decide which programs run, how a shell or a tool starts,
 * where it reads configuration or which editor, pager or browser it opens.
 */
export const PROTECTED_ENV: ReadonlySet<string> = new Set([
  // shells
  'PATH', 'HOME', 'SHELL', 'USER', 'LOGNAME', 'PWD', 'OLDPWD', 'IFS', 'ENV', 'BASH_ENV', 'CDPATH',
  'PS1', 'PS2', 'PS3', 'PS4', 'PROMPT_COMMAND', 'SHELLOPTS', 'BASHOPTS', 'GLOBIGNORE', 'HISTFILE',
  'INPUTRC', 'ZDOTDIR', 'POSIXLY_CORRECT', 'MAIL', 'MAILPATH', 'FPATH',
  // temp files, terminal, locale, resolver
  'TMPDIR', 'TMP', 'TEMP', 'TERM', 'TERMINFO', 'TERMCAP', 'LANG', 'LANGUAGE', 'LOCPATH', 'NLSPATH', 'TZDIR',
  'HOSTALIASES', 'LOCALDOMAIN', 'RES_OPTIONS', 'GCONV_PATH', 'GLIBC_TUNABLES', 'DISPLAY', 'XAUTHORITY',
  // programs other programs start
  'EDITOR', 'VISUAL', 'PAGER', 'MANPAGER', 'MANOPT', 'BROWSER', 'LESS', 'LESSOPEN', 'LESSCLOSE', 'LESSKEY',
  'SUDO_ASKPASS', 'SSH_ASKPASS', 'CVS_RSH', 'RSYNC_RSH', 'GREP_OPTIONS', 'GZIP', 'BZIP2', 'XZ_OPT', 'TAR_OPTIONS',
  // build tools and compilers
  'MAKEFLAGS', 'MFLAGS', 'MAKEFILES', 'MAKELEVEL', 'CC', 'CXX', 'CPP', 'LD', 'AR', 'AS', 'CFLAGS', 'CXXFLAGS',
  'CPPFLAGS', 'LDFLAGS', 'LIBS', 'PKG_CONFIG_PATH', 'CONFIG_SITE', 'CLASSPATH', 'MAVEN_OPTS', 'GRADLE_OPTS',
  'ANT_OPTS', 'SBT_OPTS', 'GOFLAGS', 'GOPATH', 'GOROOT', 'GOPROXY', 'GOTOOLCHAIN', 'PHPRC', 'PHP_INI_SCAN_DIR',
  'TCLLIBPATH', 'LUA_PATH', 'LUA_CPATH', 'R_PROFILE', 'R_PROFILE_USER', 'R_ENVIRON', 'R_ENVIRON_USER',
  // network and TLS
  'HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'FTP_PROXY', 'NO_PROXY', 'CURL_HOME', 'CURL_CA_BUNDLE', 'WGETRC',
  'SSLKEYLOGFILE', 'REQUESTS_CA_BUNDLE', 'KUBECONFIG', 'DOCKER_HOST', 'DOCKER_CONFIG', 'GNUPGHOME', 'KRB5_CONFIG',
  'VIRTUAL_ENV', 'HGRCPATH',
]);

/**
 * Prefixes data may never set: the dynamic loader's, exported shell functions, git, npm and the
 * other package managers, the language runtimes (Node, Python, Perl, Ruby, Java, .NET, Rust, Go
 * tooling), TLS libraries, locale, desktop and cloud tool configuration, and our own.
 */
export const PROTECTED_ENV_PREFIXES: readonly string[] = [
  'LD_', 'DYLD_', 'BASH_FUNC_', 'MALLOC_', 'LC_', 'XDG_', 'DBUS_', 'SYSTEMD_',
  'GIT_', 'NPM_', 'NPX_', 'YARN_', 'PNPM_', 'COREPACK_', 'BUN_', 'NODE_', 'UV_', 'DENO_', 'WFE_',
  'PYTHON', 'PIP_', 'CONDA', 'PERL', 'RUBY', 'GEM_', 'BUNDLE_', 'JAVA_', '_JAVA_', 'JDK_',
  'DOTNET_', 'COMPLUS_', 'CORECLR_', 'CARGO_', 'RUST', 'OPENSSL_', 'SSL_', 'GNUTLS_', 'SSH_', 'GPG_',
  'AWS_', 'GOOGLE_', 'CLOUDSDK_', 'AZURE_', 'SUDO_', 'SVN_',
];

/** Linux refuses a single `NAME=value` longer than 128 KiB (MAX_ARG_STRLEN). */
const MAX_ENV_ENTRY = 128 * 1024 - 1;
/** Total bytes of data-derived variables; the kernel's limit on argv + env is about 2 MiB. */
const MAX_ENV_TOTAL = 1024 * 1024;

/** `build-id` → `BUILD_ID`, `2fa` → `_2FA`: letters, digits and `_`, upper case. */
export function envName(key: string): string {
  const name = key.replace(/[^A-Za-z0-9_]/g, '_').toUpperCase();
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

/** True for names data may not set (see `PROTECTED_ENV` and `PROTECTED_ENV_PREFIXES`). */
export function isProtectedEnv(name: string): boolean {
  const upper = name.toUpperCase();
  return PROTECTED_ENV.has(upper) || PROTECTED_ENV_PREFIXES.some((p) => upper.startsWith(p));
}

/** Data turned into environment variables. */
export interface DataEnv {
  readonly env: Record<string, string>;
  /** Declared keys not exported, with the reason (protected name, NUL byte, too large). */
  readonly skipped: readonly { readonly key: string; readonly reason: string }[];
  /** Keys present in the data but not declared (not in `allowed`): never exported. */
  readonly undeclared: readonly string[];
}

/**
 * The top-level keys of `data` that are in `allowed` (the names the workflow declares), as
 * environment variables: strings raw, everything else as JSON. Protected names, values with a NUL
 * byte, and values too large for the kernel are skipped; keys not in `allowed` are never exported.
 */
export function dataToEnv(data: unknown, allowed: Iterable<string>): DataEnv {
  const env: Record<string, string> = {};
  const skipped: { key: string; reason: string }[] = [];
  const undeclared: string[] = [];
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { env, skipped, undeclared };
  const allow = new Set(allowed);
  const entries: [string, string, string][] = [];
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined) continue;
    if (!allow.has(key)) {
      undeclared.push(key);
      continue;
    }
    const name = envName(key);
    if (!name || isProtectedEnv(name)) {
      skipped.push({ key, reason: `${name} is a protected variable (it changes how programs behave; set it in the step's env if you mean it)` });
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
  return { env, skipped, undeclared };
}
