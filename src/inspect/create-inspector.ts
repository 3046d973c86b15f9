import { randomUUID } from 'node:crypto';
import { verifyChain } from '../adapters/shared/hash-chain.js';
import type { WorkflowDefinition } from '../domain/definition.js';
import { WfeError } from '../domain/errors.js';
import { fold } from '../domain/evolve.js';
import type { InstanceState } from '../domain/state.js';
import { signHead, type Anchor, type KeyInput } from '../log/signing.js';
import type { StoredEvent } from '../ports/event-log.js';
import type { InstanceQuery, InstanceSummary } from '../ports/instance-index.js';
import type { Persistence } from '../ports/persistence.js';
import type { IndexedDataOptions } from '../projections/instance-summary.js';
import { validateSearchQuery } from '../projections/search-query.js';
import { SNAPSHOT_SCHEMA } from '../projections/snapshot.js';
import { diffStates } from './diff-states.js';
import { explainState, type ExplanationWithFork } from './explain-state.js';
import { forkInstance, type ForkInstanceOptions } from './fork-instance.js';
import { historyEntries } from './history-entries.js';
import type { ChainReport, Inspector, StateView } from './inspector.js';
import { checkVersion, readPrefix, storedDefinition, unknownInstance } from './read-prefix.js';
import { resolveInstanceId } from './resolve-instance-id.js';
import { stateView } from './state-view.js';
import { stepGraph } from './step-graph.js';
import { verifyStream } from './verify-stream.js';
import { watchLog, type LogChange } from './watch-log.js';
import { whatIf, type WhatIfOptions } from './what-if.js';

/** Options of {@link createInspector}. */
export interface InspectorOptions {
  /** The signing key's public half: `verify` checks signatures and that each head is signed. */
  readonly publicKey?: KeyInput;
  /** A checkpoint kept outside the store (`wfe anchor`): `verify` checks each stream still has its head. */
  readonly anchor?: Anchor;
  /** Time for forks (ms). Default `Date.now`. */
  readonly clock?: () => number;
  /** Ids of forked instances. Default random UUIDs. */
  readonly newId?: () => string;
  /** Who forks (the envelope's actor) when a call does not say. */
  readonly actor?: string;
  /** A SQLite file other processes write: `watch` reacts to its changes at once (fs.watch). */
  readonly sqlitePath?: string;
  /** `watch` reads the log at least this often (ms, default 1000; 0: only on triggers). */
  readonly pollIntervalMs?: number;
  /** Which data fields a fork's index row keeps (as the host's `index` option). */
  readonly index?: IndexedDataOptions;
  /** Use snapshots in `stateAt` when they help (default true). */
  readonly useSnapshots?: boolean;
  /** Sign the head of what `fork` appends (Ed25519 private key), as a signing host would. */
  readonly signingKey?: KeyInput;
  /** Close the persistence in `close()` (default false: the caller owns it). */
  readonly closePersistence?: boolean;
}

/** The inspector, with what the CLI needs beyond the shared interface. */
export interface StoreInspector extends Inspector {
  explain(instanceId: string, version?: number): Promise<ExplanationWithFork>;
  fork(instanceId: string, options: ForkInstanceOptions): Promise<{ readonly instanceId: string }>;
  whatIf(instanceId: string, options: WhatIfOptions): ReturnType<typeof whatIf>;
  /** The full id of an instance from its id or an unambiguous prefix. */
  resolveId(text: string): Promise<string>;
  /** Index rows (simple listing). */
  list(query?: InstanceQuery): Promise<InstanceSummary[]>;
  /** The instance's events as stored (envelope, hash, signature where kept). */
  events(instanceId: string, version?: number): Promise<StoredEvent[]>;
  /** The raw folded state at a version (default the head). */
  state(instanceId: string, version?: number): Promise<InstanceState>;
  /** The stored definition an instance ran, when the store has it. */
  definitionOf(instanceId: string): Promise<WorkflowDefinition | undefined>;
}

/**
 * The inspector over a store, with no running host: history, state at any version, diffs,
 * explanations, the step graph, verification, live changes, and fork / what-if. Reads check the
 * hash chain of what they fold (CORRUPT_LOG naming the first bad version).
 */
export function createInspector(p: Persistence, options: InspectorOptions = {}): StoreInspector {
  const now = options.clock ?? Date.now;
  const newId = options.newId ?? randomUUID;
  const definitions = new Map<string, Promise<WorkflowDefinition | undefined>>();
  const stopWatches = new Set<() => void>();
  const definition = (id: string, version: number) => {
    const key = `${id}@${version}`;
    let d = definitions.get(key);
    if (!d) definitions.set(key, (d = storedDefinition(p.definitions, id, version)));
    return d;
  };
  const defOf = (s: InstanceState) => definition(s.definitionId, s.definitionVersion);

  /** The state after `version`, from a snapshot at or below it when one matches the chain. */
  const stateAtVersion = async (instanceId: string, version?: number): Promise<InstanceState> => {
    const head = await p.log.streamVersion(instanceId);
    if (head === 0) throw unknownInstance(instanceId);
    const upTo = version === undefined ? head : checkVersion(instanceId, version, head);
    if (options.useSnapshots !== false) {
      const snap = await p.snapshots.load(instanceId);
      if (snap && snap.schema === SNAPSHOT_SCHEMA && snap.version <= upTo && snap.version > 1) {
        const tail = await p.log.read(instanceId, snap.version, upTo);
        const base = snap.state as unknown as InstanceState;
        if (tail[0]?.version === snap.version && tail[0].hash === snap.hash && base?.version === snap.version && base.instanceId === instanceId) {
          // The tail's own links are checked; what is before the snapshot is vouched for by its hash.
          const problem = verifyChain(tail.slice(1), snap.hash, snap.version);
          if (problem) throw new WfeError('CORRUPT_LOG', `instance ${instanceId} has a broken log at version ${problem.version}: ${problem.problem}`, { instanceId, version: problem.version });
          return fold(base, tail.slice(1).map((e) => e.event));
        }
      }
    }
    const { events } = await readPrefix(p.log, instanceId, upTo);
    return fold(undefined, events.map((e) => e.event));
  };

  const inspector: StoreInspector = {
    search(query) {
      validateSearchQuery(query);
      return p.instances.search(query);
    },
    counts: () => p.instances.countByStatus(),
    list: (query = {}) => p.instances.query(query),
    resolveId: (text) => resolveInstanceId(p, text),
    async events(instanceId, version) {
      return (await readPrefix(p.log, instanceId, version)).events;
    },
    state: stateAtVersion,
    async definitionOf(instanceId) {
      const { events } = await readPrefix(p.log, instanceId, 1);
      const first = events[0]!.event;
      return first.type === 'WorkflowStarted' ? definition(first.definitionId, first.definitionVersion) : undefined;
    },
    async history(instanceId) {
      const { events } = await readPrefix(p.log, instanceId);
      const first = events[0]!.event;
      const def = first.type === 'WorkflowStarted' ? await definition(first.definitionId, first.definitionVersion) : undefined;
      return historyEntries(def, events);
    },
    async stateAt(instanceId, version): Promise<StateView> {
      const state = await stateAtVersion(instanceId, version);
      return stateView(await defOf(state), state);
    },
    async diff(instanceId, from, to) {
      const { events, head } = await readPrefix(p.log, instanceId);
      if (from !== 0) checkVersion(instanceId, from, head, 'from');
      checkVersion(instanceId, to, head, 'to');
      const a = fold(undefined, events.slice(0, from).map((e) => e.event));
      const b = fold(undefined, events.slice(0, to).map((e) => e.event));
      return diffStates(await defOf(b), a, b);
    },
    async explain(instanceId, version) {
      const { events } = await readPrefix(p.log, instanceId, version);
      const raw = events.map((e) => e.event);
      const state = fold(undefined, raw);
      return explainState(await defOf(state), state, raw);
    },
    async graph(instanceId, version) {
      const state = await stateAtVersion(instanceId, version);
      const def = await defOf(state);
      if (!def) throw new WfeError('UNKNOWN_DEFINITION', `definition ${state.definitionId}@${state.definitionVersion} of instance ${instanceId} is not in the store`, { instanceId });
      return stepGraph(def, state);
    },
    async verify(instanceId): Promise<ChainReport> {
      const events = await p.log.read(instanceId);
      if (events.length === 0 && !options.anchor?.heads.some((h) => h.instanceId === instanceId)) throw unknownInstance(instanceId);
      return verifyStream(instanceId, events, { ...(options.publicKey ? { publicKey: options.publicKey } : {}), ...(options.anchor ? { anchor: options.anchor } : {}) });
    },
    fork(instanceId, forkOptions) {
      return forkInstance(p, instanceId, { ...(options.actor !== undefined ? { actor: options.actor } : {}), ...forkOptions }, { now, newId, ...(options.index ? { index: options.index } : {}), ...(options.signingKey ? { sign: (h: string) => signHead(options.signingKey!, h) } : {}) });
    },
    whatIf(instanceId, whatIfOptions) {
      return whatIf(p, instanceId, whatIfOptions, { now, newId });
    },
    watch(listener: (change: LogChange) => void) {
      const stop = watchLog(p.log, {
        ...(p.wakeups ? { wakeups: p.wakeups } : {}),
        ...(options.sqlitePath ? { sqlitePath: options.sqlitePath } : {}),
        ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
      }, listener);
      stopWatches.add(stop);
      return () => {
        stopWatches.delete(stop);
        stop();
      };
    },
    async close() {
      for (const stop of stopWatches) stop();
      stopWatches.clear();
      if (options.closePersistence) {
        const closeable = p as Persistence & { close?: () => Promise<void> };
        await closeable.close?.();
      }
    },
  };
  return inspector;
}
