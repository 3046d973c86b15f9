import { pathToFileURL } from 'node:url';
import { isAbsolute, resolve } from 'node:path';

/** `true` grants everything of a kind; a list grants only those hosts, paths, names or programs. */
export type PermissionGrant = boolean | readonly string[];

/** A Deno step's `permissions`: all denied unless granted. */
export interface DenoPermissions {
  readonly net?: PermissionGrant;
  readonly read?: PermissionGrant;
  readonly write?: PermissionGrant;
  readonly env?: PermissionGrant;
  readonly run?: PermissionGrant;
  /** Remote module imports (static or dynamic, `https:`, `npm:`, `jsr:`), from these hosts or all. */
  readonly dynamic_import?: PermissionGrant;
  /** System information (`Deno.hostname()`, `osRelease`, `loadavg`, …): all, or these APIs. */
  readonly sys?: PermissionGrant;
  /** Native libraries through FFI (`Deno.dlopen`): all, or these library paths. Grants native code: everything. */
  readonly ffi?: PermissionGrant;
}

/** A permission a Deno step can be granted. */
export type PermissionName = keyof DenoPermissions;

function flag(name: string, grant: PermissionGrant | undefined, extra: readonly string[] = []): string[] {
  if (grant === true) return [`--allow-${name}`];
  const list = [...(Array.isArray(grant) ? grant : []), ...extra];
  return list.length ? [`--allow-${name}=${list.join(',')}`] : [];
}

/**
 * The `deno run` flags for these permissions. `privateWrite` (the output channel) is always
 * writable; `read`/`write` paths are resolved against `baseDir`.
 */
export function permissionFlags(perms: DenoPermissions, options: { baseDir: string; privateWrite: string }): string[] {
  const paths = (g: PermissionGrant | undefined): PermissionGrant | undefined =>
    Array.isArray(g) ? g.map((p: string) => (isAbsolute(p) ? p : resolve(options.baseDir, p))) : g;
  const flags = [
    ...flag('net', perms.net),
    ...flag('read', paths(perms.read)),
    ...flag('write', paths(perms.write), perms.write === true ? [] : [options.privateWrite]),
    ...flag('env', perms.env),
    ...flag('run', perms.run),
    ...flag('sys', perms.sys),
    ...flag('ffi', paths(perms.ffi)),
  ];
  if (perms.dynamic_import) flags.push(...flag('import', perms.dynamic_import));
  else flags.push('--no-remote', '--no-npm');
  return flags;
}

/**
 * An import map that makes local files outside `allowedDirs` (and the `read` grant) impossible to
 * import: Deno loads local modules without asking for `read` permission, so without this a script
 * could `import` any JSON or JS file on the machine.
 */
export function importMap(perms: DenoPermissions, allowedDirs: readonly string[], baseDir: string): { imports: Record<string, string> } {
  if (perms.read === true) return { imports: {} };
  const imports: Record<string, string> = { 'file:///': 'wfe-denied:/', '/': 'wfe-denied:/' };
  const allow = (path: string, dir: boolean): void => {
    const url = pathToFileURL(path).href;
    const key = dir && !url.endsWith('/') ? `${url}/` : url;
    imports[key] = key;
  };
  for (const dir of allowedDirs) allow(dir, true);
  for (const p of Array.isArray(perms.read) ? perms.read : []) {
    const abs = isAbsolute(p) ? p : resolve(baseDir, p);
    allow(abs, false);
    allow(abs, true);
  }
  return { imports };
}

const FLAG_TO_PERMISSION: Record<string, PermissionName> = {
  net: 'net', read: 'read', write: 'write', env: 'env', run: 'run', import: 'dynamic_import', sys: 'sys', ffi: 'ffi',
};

/** Every permission key a denial can name (the schema's `permissions` has each). */
export const PERMISSION_NAMES: readonly PermissionName[] = ['net', 'read', 'write', 'env', 'run', 'dynamic_import', 'sys', 'ffi'];

/** A permission denial found in Deno's stderr, if any. */
export function findDenial(stderr: string): { permission: PermissionName; target: string; message: string } | undefined {
  const m = /Requires (\w+) access(?: to (.+?))?, run again with the --allow-(\w+) flag/.exec(stderr);
  if (m) {
    const permission = FLAG_TO_PERMISSION[m[3]!] ?? 'run';
    const target = m[2] ?? `all ${m[1] === 'env' ? 'variables' : m[1]}`;
    const hint = m[2] ? '' : permission === 'env' ? ' with true' : '';
    return { permission, target, message: `denied ${m[1]} access to ${target} (grant it with permissions.${permission}${hint})` };
  }
  if (/npm specifiers were requested; but --no-npm is specified|Importing npm packages is disabled/.test(stderr)) {
    const spec = /(npm:[^"'\s)]+)/.exec(stderr)?.[1] ?? 'an npm: package';
    return { permission: 'dynamic_import', target: spec, message: `denied import of ${spec} (grant it with permissions.dynamic_import)` };
  }
  if (/A remote specifier was requested: "([^"]+)", but --no-remote is specified|Importing npm packages is disabled/.test(stderr)) {
    const spec = /"([^"]+)"/.exec(stderr)?.[1] ?? 'a remote module';
    return { permission: 'dynamic_import', target: spec, message: `denied import of ${spec} (grant it with permissions.dynamic_import)` };
  }
  if (/Unsupported scheme "wfe-denied" for module "wfe-denied:([^"]+)"/.test(stderr)) {
    const path = /wfe-denied:([^"]+)"/.exec(stderr)?.[1] ?? 'a local file';
    return { permission: 'read', target: path, message: `denied import of local file ${path} (grant it with permissions.read)` };
  }
  return undefined;
}
