import { WfeError, isWfeError } from '../../domain/errors.js';

/** Node socket errors and SQLSTATEs that mean "the server or the connection went away". */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  '57P01', // admin_shutdown: pg_terminate_backend, fast shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up, recovering
  '25P03', // idle_in_transaction_session_timeout: a stalled append cut off by the server
]);

/** True when `e` says the connection failed (a retry on a new connection may succeed). */
export function isConnectionError(e: unknown): boolean {
  if (isWfeError(e, 'STORE_UNAVAILABLE')) return true;
  if (typeof e !== 'object' || e === null) return false;
  const { code, message } = e as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (CONNECTION_CODES.has(code) || code.startsWith('08'))) return true;
  return typeof message === 'string' && /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(message);
}

/** True for authentication and "no such database/role" failures: retrying will not help. */
export function isConfigurationError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === '28P01' || code === '28000' || code === '3D000';
}

/**
 * Wrap a failure to reach the server as `WfeError('STORE_UNAVAILABLE')`, naming `target` (which
 * never holds the password) and scrubbing `secret` from the driver's message; other errors pass.
 */
export function toStoreError(e: unknown, action: string, target: string, secret?: string): unknown {
  if (isWfeError(e)) return e;
  if (!isConnectionError(e) && !isConfigurationError(e)) return e;
  let reason = e instanceof Error ? e.message : String(e);
  if (secret) reason = reason.split(secret).join('***');
  const code = (e as { code?: unknown }).code;
  return new WfeError('STORE_UNAVAILABLE', `PostgreSQL at ${target} is unavailable while ${action}: ${reason}`, {
    target,
    ...(typeof code === 'string' ? { code } : {}),
  });
}
