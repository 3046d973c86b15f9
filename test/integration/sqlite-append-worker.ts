// A second process for sqlite-multiprocess.test.ts: appends to the same SQLite file on command.
// Messages in: { kind: 'append-once', streamId } | { kind: 'race', streams, rounds } | { kind: 'stop' }.
import type { WorkflowEvent } from '../../src/domain/events.js';
import { createSqlitePersistence } from '../../src/adapters/sqlite/index.js';

type Command =
  | { kind: 'append-once'; streamId: string }
  | { kind: 'race'; streams: string[]; rounds: number }
  | { kind: 'stop' };

const [path, actor] = process.argv.slice(2) as [string, string];
const persistence = createSqlitePersistence({ path });
const log = persistence.log;
const step = (pointerId: number): WorkflowEvent => ({ type: 'StepStarted', v: 1, at: 0, pointerId, attempt: 1 });

/** Append one event to each stream per round, reading the version first and retrying on conflict. */
export async function race(streams: readonly string[], rounds: number): Promise<{ appended: number; conflicts: number }> {
  let appended = 0;
  let conflicts = 0;
  for (let round = 0; round < rounds; round++) {
    let pending = [...streams];
    while (pending.length > 0) {
      const versions = await Promise.all(pending.map((s) => log.streamVersion(s)));
      const outs = await log.appendBatch(
        pending.map((streamId, i) => ({ streamId, expectedVersion: versions[i]!, events: [step(round)], meta: { actor } })),
      );
      appended += outs.filter((o) => o.ok).length;
      conflicts += outs.filter((o) => !o.ok).length;
      pending = outs.filter((o) => !o.ok).map((o) => o.streamId);
    }
    // A breath between rounds, so the other process's writes interleave with ours.
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return { appended, conflicts };
}

process.on('message', (raw) => {
  const cmd = raw as Command;
  void (async () => {
    if (cmd.kind === 'stop') {
      await persistence.close();
      process.exit(0);
    }
    if (cmd.kind === 'append-once') {
      const version = await log.streamVersion(cmd.streamId);
      const [out] = await log.appendBatch([{ streamId: cmd.streamId, expectedVersion: version, events: [step(1)], meta: { actor } }]);
      process.send!({ kind: 'appended', out });
    }
    if (cmd.kind === 'race') {
      process.send!({ kind: 'racing' });
      process.send!({ kind: 'raced', ...(await race(cmd.streams, cmd.rounds)) });
    }
  })().catch((e: unknown) => {
    process.send!({ kind: 'error', message: String((e as Error)?.stack ?? e) });
  });
});
process.send!({ kind: 'ready' });
