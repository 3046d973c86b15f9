import { existsSync, readFileSync } from 'node:fs';
import { parseDuration } from '../executors/index.js';
import { CliError } from './cli-error.js';

/** Parses a JSON option; `what` names it in the error. */
export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new CliError(`${what} is not valid JSON: ${(e as Error).message}`);
  }
}

function objectOf(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CliError(`${what} must be a JSON object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`);
  return value as Record<string, unknown>;
}

/** Reads a file the user named, or fails with one clear message. */
export function readUserFile(path: string, what: string): string {
  if (!existsSync(path)) throw new CliError(`${what} ${path} does not exist`);
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${what} ${path}: ${(e as Error).message}`);
  }
}

/**
 * The interpolation config: `--config JSON`, `--config-file F` (JSON), or the `WFE_CONFIG`
 * environment variable (JSON); `{}` when none is given.
 */
export function configFrom(options: { config?: string; configFile?: string }, env: NodeJS.ProcessEnv = process.env): Record<string, unknown> {
  if (options.config !== undefined && options.configFile !== undefined) throw new CliError('give --config or --config-file, not both');
  if (options.config !== undefined) return objectOf(parseJson(options.config, '--config'), '--config');
  if (options.configFile !== undefined) return objectOf(parseJson(readUserFile(options.configFile, 'config file'), `config file ${options.configFile}`), `config file ${options.configFile}`);
  if (env.WFE_CONFIG) return objectOf(parseJson(env.WFE_CONFIG, 'WFE_CONFIG'), 'WFE_CONFIG');
  return {};
}

/** The run's start data from `--input JSON` (`{}` when absent). */
export function inputFrom(input: string | undefined): Record<string, unknown> {
  return input === undefined ? {} : objectOf(parseJson(input, '--input'), '--input');
}

const SIZE = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|kib|k|mb|mib|m|gb|gib|g)?\s*$/i;
const UNIT: Record<string, number> = { b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3 };

/** `--max-file-size`: `5MB`, `512KB`, `1GB`, or bytes (1 KB = 1024 bytes); undefined when absent. */
export function sizeFrom(size: string | undefined, what = '--max-file-size'): number | undefined {
  if (size === undefined) return undefined;
  const m = SIZE.exec(size);
  const bytes = m ? Math.floor(Number(m[1]) * (UNIT[(m[2] ?? 'b').toLowerCase()] ?? 1)) : NaN;
  if (!(bytes > 0)) throw new CliError(`${what} expects a size such as 5MB, 512KB or a number of bytes, got ${JSON.stringify(size)}`);
  return bytes;
}

/** `--timeout`: `30s`, `10m`, `1h`, or milliseconds. */
export function timeoutFrom(timeout: string | undefined): number | undefined {
  if (timeout === undefined) return undefined;
  const ms = parseDuration(timeout);
  if (ms === undefined || ms <= 0) throw new CliError(`--timeout expects a duration such as 30s, 10m or 1h, got ${JSON.stringify(timeout)}`);
  return ms;
}
