import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { canonicalJson } from '../domain/json.js';
import { WfeError } from '../domain/errors.js';

/**
 * Ed25519 signatures of stream heads and anchors (node:crypto). What is signed, exactly (so that an
 * outside verifier can check it; see docs/audit.md):
 * - a head: the UTF-8 bytes of `wfe-head:1:` followed by the 64 hex digits of the event's chain hash;
 * - an anchor: the UTF-8 bytes of `canonicalJson` of the anchor without its `signature` member.
 * Signatures are base64.
 */
export const HEAD_PREFIX = 'wfe-head:1:';

/** A key given as a KeyObject or PEM text. */
export type KeyInput = KeyObject | string;

function asPrivate(key: KeyInput): KeyObject {
  return typeof key === 'string' ? createPrivateKey(key) : key;
}

function asPublic(key: KeyInput): KeyObject {
  if (typeof key !== 'string') return key.type === 'private' ? createPublicKey(key) : key;
  return key.includes('PRIVATE KEY') ? createPublicKey(createPrivateKey(key)) : createPublicKey(key);
}

/** Read a PEM key file; INVALID_ARGUMENT naming the file when it is missing or not a key. */
export function readKeyFile(path: string, kind: 'private' | 'public'): KeyObject {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new WfeError('INVALID_ARGUMENT', `cannot read the ${kind} key file ${path}: ${(e as Error).message}`, { argument: 'key', path });
  }
  try {
    return kind === 'private' ? asPrivate(text) : asPublic(text);
  } catch (e) {
    throw new WfeError('INVALID_ARGUMENT', `${path} is not a PEM ${kind} key: ${(e as Error).message}`, { argument: 'key', path });
  }
}

/** Sign a stream head (the hash of the last event of an append). */
export function signHead(privateKey: KeyInput, hash: string): string {
  return sign(null, Buffer.from(HEAD_PREFIX + hash, 'utf8'), asPrivate(privateKey)).toString('base64');
}

/** Does `signature` sign this head with the key? */
export function verifyHead(publicKey: KeyInput, hash: string, signature: string): boolean {
  try {
    return verify(null, Buffer.from(HEAD_PREFIX + hash, 'utf8'), asPublic(publicKey), Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** One stream's head in an anchor. */
export interface AnchorHead {
  readonly instanceId: string;
  readonly version: number;
  readonly hash: string;
}

/** A signed checkpoint of every stream head, meant to be kept outside the store. */
export interface Anchor {
  readonly format: 'wfe-anchor/1';
  readonly createdAt: string;
  readonly heads: readonly AnchorHead[];
  /** base64 Ed25519 over the canonical JSON of the other members. */
  readonly signature?: string;
}

/** Sign an anchor (its canonical JSON without `signature`). */
export function signAnchor(privateKey: KeyInput, anchor: Omit<Anchor, 'signature'>): Anchor {
  return { ...anchor, signature: sign(null, Buffer.from(canonicalJson(anchor), 'utf8'), asPrivate(privateKey)).toString('base64') };
}

/** Does the anchor carry a valid signature by this key? */
export function verifyAnchorSignature(publicKey: KeyInput, anchor: Anchor): boolean {
  if (!anchor.signature) return false;
  const { signature, ...body } = anchor;
  try {
    return verify(null, Buffer.from(canonicalJson(body), 'utf8'), asPublic(publicKey), Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** Parse anchor JSON text; INVALID_ARGUMENT naming what is wrong. */
export function parseAnchor(text: string, where: string): Anchor {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new WfeError('INVALID_ARGUMENT', `${where} is not JSON: ${(e as Error).message}`, { argument: 'anchor' });
  }
  const a = v as Partial<Anchor>;
  if (a?.format !== 'wfe-anchor/1' || !Array.isArray(a.heads)) throw new WfeError('INVALID_ARGUMENT', `${where} is not a wfe anchor (format wfe-anchor/1 with heads)`, { argument: 'anchor' });
  for (const h of a.heads) {
    if (typeof h?.instanceId !== 'string' || !Number.isInteger(h.version) || typeof h.hash !== 'string') throw new WfeError('INVALID_ARGUMENT', `${where}: a head is not { instanceId, version, hash }`, { argument: 'anchor' });
  }
  return a as Anchor;
}
