import type { EventMeta } from '../ports/event-log.js';

/** Who calls the host and why: recorded in the envelope of the events the call appends. */
export interface CallerMeta {
  /** A user, service or tool (default: the host id). */
  readonly actor?: string;
  /** Why (suspend, terminate, data change, fork...). */
  readonly reason?: string;
  /** Ties the events to a business transaction or request across instances. */
  readonly correlationId?: string;
}

/** The envelope meta of an API call: the caller (or the host), why, the correlation, and the command as causation. */
export function callMeta(hostId: string, who: CallerMeta | undefined, command: string, reason?: string): EventMeta {
  const why = who?.reason ?? reason;
  return {
    actor: who?.actor ?? hostId,
    causationId: `api:${command}`,
    ...(why !== undefined ? { reason: why } : {}),
    ...(who?.correlationId !== undefined ? { correlationId: who.correlationId } : {}),
  };
}
