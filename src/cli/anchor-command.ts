import { signAnchor, readKeyFile, type Anchor, type AnchorHead } from '../log/signing.js';
import type { LogPosition } from '../log/position.js';
import { DEFAULT_DB, openExistingStore } from './open-store.js';
import type { TextOut } from './progress/views.js';

/**
 * `wfe anchor --db D [--key K] > anchor.json`: the head (version and chain hash) of every stream,
 * signed with the private key when given: a checkpoint to keep outside the store, which `wfe
 * verify --anchor` compares the log against (truncation, removal and rewrites since are found).
 */
export async function anchorCommand(options: { db?: string; key?: string }, out: TextOut, err: TextOut): Promise<number> {
  const key = options.key ? readKeyFile(options.key, 'private') : undefined;
  const store = await openExistingStore(options.db ?? DEFAULT_DB);
  try {
    const heads = new Map<string, AnchorHead>();
    for (let after: LogPosition | undefined; ; ) {
      const page = await store.log.readAll(after, 5000);
      for (const e of page) heads.set(e.streamId, { instanceId: e.streamId, version: e.version, hash: e.hash });
      if (page.length < 5000) break;
      after = page[page.length - 1]!.position;
    }
    const body: Omit<Anchor, 'signature'> = { format: 'wfe-anchor/1', createdAt: new Date().toISOString(), heads: [...heads.values()].sort((a, b) => (a.instanceId < b.instanceId ? -1 : 1)) };
    const anchor = key ? signAnchor(key, body) : body;
    if (!key) err.write('wfe: the anchor is not signed (no --key): anyone who can edit it can make it match an edited store\n');
    out.write(`${JSON.stringify(anchor, null, 2)}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
