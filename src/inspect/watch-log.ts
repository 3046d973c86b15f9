import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { LogPosition } from '../log/position.js';
import type { EventLog } from '../ports/event-log.js';
import type { WakeupChannel } from '../ports/persistence.js';

/** A change for live views: an instance got events up to `version`. */
export interface LogChange {
  readonly instanceId: string;
  readonly version: number;
  readonly position: LogPosition;
}

/** What tells a watcher to look at the log again (besides its poll). */
export interface WatchTriggers {
  /** The store's wakeup channel (PostgreSQL: LISTEN/NOTIFY on the wakeup channel). */
  readonly wakeups?: WakeupChannel;
  /** A SQLite file written by other processes: its folder is watched for changes of the file and its `-wal`. */
  readonly sqlitePath?: string;
  /** The floor: look every this many ms anyway (default 1000; 0 = never). */
  readonly pollIntervalMs?: number;
}

/**
 * Follows the log from its current head and tells `listener` of every instance that got new events
 * (its last version and position), in log order, once per read. Reads are triggered by the wakeup
 * channel, by `fs.watch` on a SQLite file's folder (its `-wal` file changes on every commit by any
 * process), and by a poll as the floor. Returns a function that stops it.
 */
export function watchLog(log: EventLog, triggers: WatchTriggers, listener: (change: LogChange) => void, onError: (error: unknown) => void = () => undefined): () => void {
  let stopped = false;
  let last: LogPosition | undefined;
  let started = false;
  let reading = false;
  let again = false;
  const read = async (): Promise<void> => {
    if (stopped || !started) return;
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    try {
      do {
        again = false;
        for (;;) {
          const page = await log.readAll(last, 500);
          if (stopped || page.length === 0) break;
          const heads = new Map<string, LogChange>();
          for (const e of page) heads.set(e.streamId, { instanceId: e.streamId, version: e.version, position: e.position });
          last = page[page.length - 1]!.position;
          for (const change of heads.values()) listener(change);
          if (page.length < 500) break;
        }
      } while (again && !stopped);
    } catch (error) {
      onError(error);
    } finally {
      reading = false;
    }
  };
  const kick = () => void read();
  const cleanups: (() => void)[] = [];
  void log.headPosition().then(
    (head) => {
      last = head;
      started = true;
      kick();
    },
    (error: unknown) => onError(error),
  );
  if (triggers.wakeups) cleanups.push(triggers.wakeups.onWakeup(kick));
  if (triggers.sqlitePath && triggers.sqlitePath !== ':memory:') {
    const base = basename(triggers.sqlitePath);
    let watcher: FSWatcher | undefined;
    try {
      watcher = watch(dirname(triggers.sqlitePath), (_event, file) => {
        if (file === null || file === base || file === `${base}-wal`) kick();
      });
      watcher.on('error', onError);
      watcher.unref();
      cleanups.push(() => watcher?.close());
    } catch (error) {
      onError(error);
    }
  }
  const every = triggers.pollIntervalMs ?? 1000;
  if (every > 0) {
    const timer = setInterval(kick, every);
    timer.unref();
    cleanups.push(() => clearInterval(timer));
  }
  return () => {
    stopped = true;
    for (const c of cleanups) c();
  };
}
