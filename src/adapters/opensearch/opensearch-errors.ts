import { isWfeError, WfeError } from '../../domain/errors.js';

/** How an unreachable OpenSearch is retried: `attempts` in all, waits doubling from `baseDelayMs` up to `maxDelayMs`. */
export interface OpenSearchRetryOptions {
  readonly attempts?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
}

const UNREACHABLE = new Set(['ConnectionError', 'NoLivingConnectionsError', 'TimeoutError', 'RequestAbortedError']);

/** `host:port` of a node URL, never its user or password. */
export function nodeTarget(node: string | undefined): string {
  if (!node) return 'OpenSearch';
  try {
    const u = new URL(node);
    return `${u.protocol}//${u.host}`;
  } catch {
    return 'OpenSearch';
  }
}

/** Remove `user:password@` and any given secret from a message. */
export function scrubCredentials(message: string, secrets: readonly string[] = []): string {
  let out = message.replace(/(\w+:\/\/)[^/@\s]+@/g, '$1');
  for (const s of secrets) if (s) out = out.split(s).join('***');
  return out;
}

/** True for the client's errors that mean "the server could not be reached" (and 502/503/504 answers). */
export function isUnreachable(e: unknown): boolean {
  const err = e as { name?: unknown; meta?: { statusCode?: unknown } } | null;
  if (typeof err?.name === 'string' && UNREACHABLE.has(err.name)) return true;
  const status = err?.meta?.statusCode;
  return err?.name === 'ResponseError' && (status === 502 || status === 503 || status === 504);
}

/** The client's error as a `WfeError`: unreachable -> `STORE_UNAVAILABLE` naming the node (no credentials). */
export function toOpenSearchError(e: unknown, doing: string, target: string, secrets: readonly string[] = []): unknown {
  if (isWfeError(e)) return e;
  const said = scrubCredentials(e instanceof Error ? e.message : String(e), secrets);
  if (isUnreachable(e)) return new WfeError('STORE_UNAVAILABLE', `OpenSearch at ${target} is unavailable while ${doing}: ${said}`, { target });
  return new WfeError('STORE_UNAVAILABLE', `OpenSearch at ${target} refused ${doing}: ${said}`, { target, status: (e as { meta?: { statusCode?: unknown } }).meta?.statusCode });
}

/**
 * Run `fn`; while OpenSearch is unreachable, retry with doubling waits, then throw
 * `STORE_UNAVAILABLE`. Other failures are mapped at once (a bad request does not get better).
 */
export async function withRetry<T>(
  doing: string,
  target: string,
  fn: () => Promise<T>,
  options: OpenSearchRetryOptions & { readonly sleep?: (ms: number) => Promise<void>; readonly secrets?: readonly string[] } = {},
): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 5);
  const base = options.baseDelayMs ?? 100;
  const max = options.maxDelayMs ?? 5000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!isUnreachable(e) || attempt >= attempts) throw toOpenSearchError(e, doing, target, options.secrets);
      await sleep(Math.min(max, base * 2 ** (attempt - 1)));
    }
  }
}
