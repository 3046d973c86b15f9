/**
 * An in-process stand-in for the parts of the EventStoreDB client that `wfe/eventstoredb` calls
 * (`appendToStream` with an expected revision, `readStream`, `readAll` forwards and backwards from
 * an inclusive position, soft `deleteStream` with truncate-before metadata, `getStreamMetadata`),
 * with the server's semantics as documented: revisions continue after a soft delete, `$all` keeps
 * a deleted stream's events until a scavenge, and other writers' and system events are interleaved
 * in `$all`. The real server is tested by the conformance run when EVENTSTORE_URL is set.
 */
import type { EventStoreDBClient } from '@eventstore/db-client';

interface Recorded {
  streamId: string;
  revision: bigint;
  type: string;
  data: unknown;
  metadata: unknown;
  position: { commit: bigint; prepare: bigint };
}

const fail = (type: string, message: string) => Object.assign(new Error(message), { type });

export interface FakeEventStore {
  readonly client: EventStoreDBClient;
  /** Every event in `$all` order, system and foreign ones included. */
  readonly all: Recorded[];
}

/** A fresh fake server; `noiseEvery` appends a system event and a foreign stream's event after every n appends. */
export function fakeEventStore(noiseEvery = 2): FakeEventStore {
  const all: Recorded[] = [];
  const streams = new Map<string, { events: Recorded[]; next: bigint; truncateBefore?: bigint }>();
  let appends = 0;
  const record = (streamId: string, e: { type: string; data: unknown; metadata: unknown }): Recorded => {
    const s = streams.get(streamId) ?? { events: [], next: 0n };
    streams.set(streamId, s);
    const n = BigInt(all.length + 1) * 100n;
    const r: Recorded = { streamId, revision: s.next++, type: e.type, data: structuredClone(e.data), metadata: structuredClone(e.metadata), position: { commit: n, prepare: n - 1n } };
    s.events.push(r);
    all.push(r);
    return r;
  };
  const live = (name: string) => {
    const s = streams.get(name);
    const events = s ? s.events.filter((e) => e.revision >= (s.truncateBefore ?? 0n)) : [];
    return events;
  };
  async function* iterate(items: Recorded[]) {
    for (const event of items) yield { event: structuredClone(event) };
  }
  const cmp = (a: Recorded['position'], b: Recorded['position']) => (a.commit === b.commit ? Number(a.prepare - b.prepare) : a.commit < b.commit ? -1 : 1);

  const client = {
    async appendToStream(name: string, events: { type: string; data: unknown; metadata: unknown }[], options: { expectedRevision: bigint | 'no_stream' }) {
      const current = live(name);
      const head = current.length ? current[current.length - 1]!.revision : undefined;
      const ok = options.expectedRevision === 'no_stream' ? head === undefined : head === options.expectedRevision;
      if (!ok) throw fail('wrong-expected-version', `WrongExpectedVersion: expected ${String(options.expectedRevision)}, current ${String(head)}`);
      let lastRec: Recorded | undefined;
      for (const e of events) lastRec = record(name, e);
      if (++appends % noiseEvery === 0) {
        record('$stats-127.0.0.1:2113', { type: '$statsCollected', data: {}, metadata: {} });
        record('someone-else-1', { type: 'Other', data: {}, metadata: { wfe: 1 } });
      }
      return { success: true, nextExpectedRevision: lastRec!.revision, position: lastRec!.position };
    },
    readStream(name: string, options: { direction: 'forwards' | 'backwards'; fromRevision: 'start' | 'end'; maxCount?: number }) {
      const events = live(name);
      if (events.length === 0) {
        return (async function* () {
          yield* [];
          throw fail('stream-not-found', `${name} not found`);
        })();
      }
      const ordered = options.direction === 'forwards' ? events : [...events].reverse();
      return iterate(ordered.slice(0, options.maxCount ?? ordered.length));
    },
    readAll(options: { fromPosition: 'start' | 'end' | Recorded['position']; direction: 'forwards' | 'backwards'; maxCount: number }) {
      const from = options.fromPosition;
      const picked =
        options.direction === 'forwards'
          ? all.filter((e) => from === 'start' || (from !== 'end' && cmp(e.position, from) >= 0))
          : [...all].reverse().filter((e) => from === 'end' || (from !== 'start' && cmp(e.position, from) <= 0));
      return iterate(picked.slice(0, options.maxCount));
    },
    async deleteStream(name: string) {
      const s = streams.get(name);
      if (s) s.truncateBefore = s.next;
      return {};
    },
    async getStreamMetadata(name: string) {
      const tb = streams.get(name)?.truncateBefore;
      return { streamName: name, ...(tb !== undefined ? { metadata: { truncateBefore: Number(tb) } } : {}) };
    },
    async dispose() {},
  };
  return { client: client as unknown as EventStoreDBClient, all };
}
