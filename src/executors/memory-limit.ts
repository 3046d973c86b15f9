import { WfeError } from '../domain/errors.js';

/** A Deno step's memory limit when neither the step nor the host sets one. */
export const DEFAULT_DENO_MEMORY_MB = 512;

/**
 * What V8 reserves as writable address space before a script allocates anything (its code range,
 * about 550 MB on Linux x64, measured with Deno 2.9): `RLIMIT_DATA` counts it, so the OS limit is
 * the step's limit plus this much. Allocations (heap and ArrayBuffers alike) are then bounded near
 * the step's limit.
 */
export const V8_RESERVED_MB = 600;

const SIZE = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)?\s*$/i;
const MB_PER_UNIT: Record<string, number> = { b: 1 / (1024 * 1024), kb: 1 / 1024, kib: 1 / 1024, mb: 1, mib: 1, gb: 1024, gib: 1024 };

/** `512`, `"512MB"`, `"1.5GB"`, `"256MiB"` → megabytes (1 MB = 1 MiB here); undefined for anything else. */
export function parseMemoryMb(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? Math.floor(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const m = SIZE.exec(value);
  if (!m) return undefined;
  const mb = Math.floor(Number(m[1]) * (MB_PER_UNIT[(m[2] ?? 'mb').toLowerCase()] ?? 1));
  return mb > 0 ? mb : undefined;
}

/** The memory limit of one step: its own `memory_limit`, else the host default, else 512 MB. */
export function memoryLimitOf(stepName: string, configured: unknown, fallbackMb: number | undefined): number {
  if (configured === undefined) return fallbackMb ?? DEFAULT_DENO_MEMORY_MB;
  const mb = parseMemoryMb(configured);
  if (mb === undefined || mb < 16) {
    throw new WfeError('EXECUTOR_FAILED', `step '${stepName}': bad memory_limit ${JSON.stringify(configured)} (expected a size of at least 16 MB, such as 256MB, 1GB, or a number of MB)`);
  }
  return mb;
}

/**
 * The command that runs `command args` with an OS-level limit on its data segment
 * (`RLIMIT_DATA`, which since Linux 4.7 counts every private writable mapping, so it bounds
 * ArrayBuffers too, which V8's heap limit does not). Elsewhere the command is returned as it is.
 */
export function withDataLimit(command: string, args: readonly string[], limitMb: number): { command: string; args: string[] } {
  if (process.platform !== 'linux') return { command, args: [...args] };
  const kb = (limitMb + V8_RESERVED_MB) * 1024;
  return { command: '/bin/sh', args: ['-c', 'ulimit -d "$1" && shift && exec "$@"', 'wfe-memory-limit', String(kb), command, ...args] };
}

/** True when Deno's stderr or its end says it ran out of memory. */
export function ranOutOfMemory(stderr: string, signal: NodeJS.Signals | null): boolean {
  return (
    /Fatal JavaScript out of memory|JavaScript heap out of memory|Fatal process out of memory|Array buffer allocation failed|memory allocation of \d+ bytes failed|Reached heap limit|Out of memory/i.test(stderr) ||
    (signal === 'SIGTRAP' && /out of memory/i.test(stderr))
  );
}
