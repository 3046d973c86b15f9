import type { ServerResponse } from 'node:http';
import { isWfeError } from '../domain/errors.js';

/** A request the API refuses, with the HTTP status and a message for people. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const STATUS_OF: Record<string, number> = {
  UNKNOWN_INSTANCE: 404,
  UNKNOWN_DEFINITION: 404,
  INVALID_ARGUMENT: 400,
  INVALID_QUERY: 400,
  NOT_SERIALISABLE: 422,
  DEFINITION_INVALID: 422,
  INVALID_STATE: 409,
  INVALID_COMMAND: 409,
  CONCURRENCY_CONFLICT: 409,
  STORE_UNAVAILABLE: 503,
  CORRUPT_STORE: 503,
  SCHEMA_TOO_NEW: 503,
};

/** The JSON error body the page shows: `{ error: { code, message } }`; never a stack trace. */
export function errorBody(error: unknown): { status: number; body: { error: { code: string; message: string } } } {
  if (error instanceof ApiError) return { status: error.status, body: { error: { code: error.code, message: error.message } } };
  if (isWfeError(error)) return { status: STATUS_OF[error.code] ?? 500, body: { error: { code: error.code, message: error.message } } };
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, body: { error: { code: 'INTERNAL', message: `the server could not answer: ${message}` } } };
}

/** Sends JSON with the security headers every API answer carries. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}
