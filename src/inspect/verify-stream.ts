import { verifyChain } from '../adapters/shared/hash-chain.js';
import { verifyAnchorSignature, verifyHead, type Anchor, type KeyInput } from '../log/signing.js';
import type { StoredEvent } from '../ports/event-log.js';
import type { ChainReport } from './inspector.js';

/** What a verification can use beyond the chain itself. */
export interface VerifyTrust {
  /** The signing key's public half: every signature present must verify and the head must be signed. */
  readonly publicKey?: KeyInput;
  /** A checkpoint kept outside the store: the stream must still have the recorded head. */
  readonly anchor?: Anchor;
}

/** What a check without key or anchor cannot see, said plainly. */
export function verifyLimits(trust: VerifyTrust): string[] {
  const limits: string[] = [];
  if (!trust.publicKey) limits.push('no public key: a rewrite whose hashes were recomputed (by anyone with write access to the store) is not detected');
  if (!trust.anchor) limits.push('no anchor: removing the last events of an instance (or the whole instance) is not detected');
  else if (!trust.publicKey) limits.push('the anchor\'s own signature is not checked without the public key');
  if (trust.publicKey && !trust.anchor) limits.push('without an anchor, removing whole appends from the end (a signed earlier head remains) is not detected');
  return limits;
}

/** `signature` of a stored event, where the log keeps one (the last event of each signed append). */
function signatureOf(e: StoredEvent): string | undefined {
  return (e as StoredEvent & { signature?: string }).signature;
}

/**
 * Check one stream: versions 1..n without gaps, every hash chained to the previous one; with a
 * public key, every stored signature verifies and the last event is signed; with an anchor, the
 * stream still reaches the anchored version with the anchored hash. Reports the first bad version.
 */
export function verifyStream(instanceId: string, events: readonly StoredEvent[], trust: VerifyTrust = {}): ChainReport {
  const limits = verifyLimits(trust);
  const report = (problem?: { version: number; reason: string }): ChainReport => ({ instanceId, ok: problem === undefined, events: events.length, ...(problem ? { problem } : {}), limits });
  if (trust.anchor && trust.publicKey && !verifyAnchorSignature(trust.publicKey, trust.anchor)) {
    return report({ version: 0, reason: 'the anchor is not signed by this key (it was edited, or made with another key)' });
  }
  const anchored = trust.anchor?.heads.find((h) => h.instanceId === instanceId);
  if (events.length === 0) {
    return report(anchored ? { version: 1, reason: `the instance is gone: the anchor recorded version ${anchored.version}` } : { version: 1, reason: 'no events' });
  }
  const chain = verifyChain(events);
  if (chain) return report({ version: chain.version, reason: chain.problem });
  if (trust.publicKey) {
    for (const e of events) {
      const sig = signatureOf(e);
      if (sig !== undefined && !verifyHead(trust.publicKey, e.hash, sig)) return report({ version: e.version, reason: 'bad signature: the event or an earlier one was changed and the hashes recomputed, or it was signed with another key' });
    }
    const head = events[events.length - 1]!;
    if (signatureOf(head) === undefined) return report({ version: head.version, reason: 'the last event is not signed: events were removed from the end of an append, or appended without the key' });
  }
  if (anchored) {
    const last = events[events.length - 1]!;
    if (last.version < anchored.version) return report({ version: last.version + 1, reason: `truncated: the anchor recorded version ${anchored.version}, the log ends at ${last.version}` });
    const at = events[anchored.version - 1]!;
    if (at.hash !== anchored.hash) return report({ version: anchored.version, reason: `rewritten: the anchor recorded hash ${anchored.hash.slice(0, 12)}… at version ${anchored.version}, the log has ${at.hash.slice(0, 12)}…` });
  }
  return report();
}
