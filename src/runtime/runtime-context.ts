import { EventEmitter } from 'node:events';
import type { AppendOutcome, AppendRequest, EventMeta } from '../ports/event-log.js';
import type { InstanceSummary } from '../ports/instance-index.js';
import type { Persistence } from '../ports/persistence.js';
import type { Snapshot } from '../ports/snapshot-store.js';
import { Batcher } from './batcher.js';
import type { Slicer } from './slicer.js';
import type { DefinitionRegistry } from './definition-registry.js';
import type { HostEventName, HostEvents } from './hooks.js';
import type { CompiledHostOptions } from './host-options.js';
import type { InstanceLoader } from './instance-loader.js';
import type { InlineProjections } from './inline-projections.js';
import { stderrLogger, type HostLogger } from './logger.js';

/** Telemetry: a typed channel beside the log. A listener that throws is reported on `host:error`. */
export class Telemetry {
  private readonly emitter = new EventEmitter();
  /** Where a `host:error` goes when nobody listens (set by the host from its `logger` option). */
  logger: HostLogger | undefined = stderrLogger;

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  on<K extends HostEventName>(event: K, listener: (payload: HostEvents[K]) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  emit<K extends HostEventName>(event: K, payload: HostEvents[K]): void {
    if (event === 'host:error' && this.emitter.listenerCount(event) === 0) {
      const { error, ...where } = payload as HostEvents['host:error'];
      this.logger?.error({ err: error, ...where }, `host error in ${where.where}: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    try {
      this.emitter.emit(event, payload);
    } catch (error) {
      if (event !== 'host:error') this.emit('host:error', { error, where: `listener of ${event}` });
    }
  }

  /** Report a failed background write without letting it reject anywhere. */
  report(where: string, instanceId?: string): (error: unknown) => void {
    return (error) => this.emit('host:error', { error, where, ...(instanceId !== undefined ? { instanceId } : {}) });
  }
}

/** Group commit for the host's writes: concurrent instances share one transaction per port. */
export interface Writers {
  readonly append: Batcher<AppendRequest, AppendOutcome>;
  readonly enqueue: Batcher<{ instanceId: string; dueAt: number }>;
  readonly release: Batcher<{ instanceId: string; nextDueAt?: number }>;
  /** Index rows and snapshots a log could not write in its append's transaction. */
  readonly index: Batcher<InstanceSummary>;
  readonly snapshot: Batcher<Snapshot>;
}

export function createWriters(p: Persistence, hostId: string, sign?: (lastHash: string) => string): Writers {
  return {
    // Bounded so that the work a group commit wakes (each instance's next pass) fits a turn of the event loop.
    append: new Batcher((requests) => p.log.appendBatch(sign ? requests.map((r) => ({ ...r, sign })) : requests), 128),
    enqueue: new Batcher((items) => p.queue.enqueue(items)),
    release: new Batcher((items) => p.queue.release(hostId, items)),
    index: new Batcher((items) => p.instances.upsert(latestPerInstance(items))),
    snapshot: new Batcher(async (items) => {
      for (const s of latestPerInstance(items.map((x) => ({ ...x, instanceId: x.streamId })))) await p.snapshots.save(s);
    }),
  };
}

function latestPerInstance<T extends { instanceId: string; version: number }>(items: readonly T[]): T[] {
  const m = new Map<string, T>();
  for (const s of items) {
    const prev = m.get(s.instanceId);
    if (!prev || prev.version <= s.version) m.set(s.instanceId, s);
  }
  return [...m.values()];
}

/** What this host is doing with which instance, so its parts wait for each other instead of racing. */
export interface InstanceWork {
  /** Claimed instances being worked on (scheduler -> worker). */
  readonly inflight: Map<string, Promise<void>>;
  /** Commands (suspend, resume, terminate...) being applied. */
  readonly commanding: Map<string, Promise<unknown>>;
  /** Starts queued whose first append is not yet durable. */
  readonly starting: Map<string, Promise<unknown>>;
}

/** Everything the host's parts share once the host is started. */
export interface RuntimeContext {
  readonly opts: CompiledHostOptions;
  readonly p: Persistence;
  /** Whether the log takes queue entries (and leases) in its appends' transactions (`inlineWorkOf`). */
  readonly inlineWork: { readonly queue: boolean; readonly leases: boolean };
  readonly telemetry: Telemetry;
  readonly registry: DefinitionRegistry;
  readonly loader: InstanceLoader;
  readonly writers: Writers;
  readonly inline: InlineProjections;
  /** The `traceparent` each instance was started under (from its `WorkflowStarted` envelope), for its pass spans. */
  readonly traces: Map<string, string>;
  /** The envelope meta of events this host appends on its own (not on a caller's behalf). */
  readonly hostMeta: EventMeta;
  readonly work: InstanceWork;
  /** Keeps the event loop responsive: starts and passes pause here when this turn has run long. */
  readonly slicer: Slicer;
  /** Aborted when the host stops. */
  readonly stopSignal: AbortSignal;
  /** Is the host stopping (no new passes)? */
  stopping(): boolean;
  /** Wake the scheduler: work may be due. */
  wake(): void;
  /**
   * Tell other hosts work is due (the wakeup channel), coalesced: one notification in flight at a
   * time and one after it for every call meanwhile, so a burst of starts costs a few, not one each.
   */
  notifyOthers(): void;
}

/** A coalescing `notifyOthers` over a persistence's wakeup channel. */
export function coalescedNotify(p: Persistence): () => void {
  let inFlight = false;
  let again = false;
  const send = (): void => {
    if (!p.wakeups) return;
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    void p.wakeups
      .notify()
      .catch(() => undefined)
      .finally(() => {
        inFlight = false;
        if (again) {
          again = false;
          send();
        }
      });
  };
  return send;
}
