import { createPrivateKey } from 'node:crypto';
import type { KeyInput } from '../log/signing.js';
import type { Persistence } from '../ports/persistence.js';
import type { IndexedDataOptions } from '../projections/instance-summary.js';
import type { Clock } from './clock.js';
import type { HostEvents, HostListener, WorkflowMiddleware } from './hooks.js';
import { stderrLogger, type HostLogger } from './logger.js';
import { NOOP_TELEMETRY, type TelemetryPort } from '../ports/telemetry.js';
import type { StepMiddleware } from './step-runner.js';

/** Everything a host can be configured with; `compileHostOptions` fills the defaults in one place. */
export interface HostOptions {
  /** The stores. Default: embedded SQLite at `sqlitePath`. */
  persistence?: Persistence;
  /** Where the default SQLite database lives: `./.wfe/wfe.db`, or ':memory:'. */
  sqlitePath?: string;
  clock?: Clock;
  /** Ids for instances and published events. Default: random UUIDs. */
  newId?: () => string;
  /** This host's name in leases and in the `actor` of the events it appends. */
  hostId?: string;
  /** How often an idle host looks for due work (ms). Default 1000. */
  pollInterval?: number;
  /** Instances worked on at once. Default 64. */
  maxConcurrentWorkflows?: number;
  /** Lease on an instance while working on it (ms). Default 30 000. */
  leaseMs?: number;
  /** Save a snapshot once this many events have been appended since the last one. Default 500. */
  snapshotEvery?: number;
  /** After an unexpected error while working on an instance (a store down), retry after (ms). Default 5000. */
  errorRetryInterval?: number;
  /** Passes over one instance before it yields to others (a tight loop cannot starve the host). Default 200. */
  maxPassesPerClaim?: number;
  /**
   * Run the async projections (step rows, counters) in this host. Default false: they fold every
   * stream a second time (about a third of a durable burst's throughput here), so run them in one
   * host of a cluster or build them on demand (`wfe projections rebuild`, `host.projections()`).
   */
  asyncProjections?: boolean;
  /** Which data fields the instance index keeps for search filters and free text. */
  index?: IndexedDataOptions;
  stepMiddleware?: readonly StepMiddleware[];
  workflowMiddleware?: readonly WorkflowMiddleware[];
  hooks?: { [K in keyof HostEvents]?: HostListener<K> };
  /**
   * Sign each append's last chain hash with this Ed25519 private key (a KeyObject or PEM; keep it
   * outside the store). `wfe verify --public-key` then detects rewrites with recomputed hashes.
   */
  signing?: { readonly privateKey: KeyInput };
  /** Spans and metrics (`createOtelTelemetry()` from `wfe/otel`). Default: none. */
  telemetry?: TelemetryPort;
  /** Where a `host:error` goes when no listener takes it (pino-compatible). Default: warnings and errors to stderr. */
  logger?: HostLogger;
}

export type CompiledHostOptions = Required<Omit<HostOptions, 'persistence' | 'hooks' | 'signing'>> & Pick<HostOptions, 'persistence' | 'hooks' | 'signing'>;

export function compileHostOptions(o: HostOptions, defaults: { clock: Clock; newId: () => string; hostId: string }): CompiledHostOptions {
  const positive = (name: string, v: number | undefined, d: number) => {
    const value = v ?? d;
    if (!(value > 0)) throw new RangeError(`host option ${name} must be > 0, not ${value}`);
    return value;
  };
  return {
    ...(o.persistence ? { persistence: o.persistence } : {}),
    ...(o.hooks ? { hooks: o.hooks } : {}),
    ...(o.signing ? { signing: { privateKey: typeof o.signing.privateKey === 'string' ? createPrivateKey(o.signing.privateKey) : o.signing.privateKey } } : {}),
    sqlitePath: o.sqlitePath ?? './.wfe/wfe.db',
    clock: o.clock ?? defaults.clock,
    newId: o.newId ?? defaults.newId,
    hostId: o.hostId ?? defaults.hostId,
    pollInterval: positive('pollInterval', o.pollInterval, 1000),
    maxConcurrentWorkflows: positive('maxConcurrentWorkflows', o.maxConcurrentWorkflows, 64),
    leaseMs: positive('leaseMs', o.leaseMs, 30_000),
    snapshotEvery: positive('snapshotEvery', o.snapshotEvery, 500),
    errorRetryInterval: positive('errorRetryInterval', o.errorRetryInterval, 5000),
    maxPassesPerClaim: positive('maxPassesPerClaim', o.maxPassesPerClaim, 200),
    index: o.index ?? {},
    asyncProjections: o.asyncProjections ?? false,
    stepMiddleware: o.stepMiddleware ?? [],
    workflowMiddleware: o.workflowMiddleware ?? [],
    telemetry: o.telemetry ?? NOOP_TELEMETRY,
    logger: o.logger ?? stderrLogger,
  };
}
