import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import type { YamlIssue } from './yaml-issue.js';

/**
 * The largest workflow file read by default: 1 MiB. Parsing takes time and memory in proportion
 * (measured on a 2-core machine: 1 MiB of small steps parses in about 3 s, 5 MiB took 27 s and
 * 1.4 GiB, a 50 MB file 82 s and 3.6 GiB); real workflow files are a few KiB.
 */
export const DEFAULT_MAX_YAML_BYTES = 1024 * 1024;

const KIB = 1024;
const human = (bytes: number): string => (bytes >= KIB * KIB ? `${+(bytes / KIB / KIB).toFixed(1)} MiB` : bytes >= KIB ? `${+(bytes / KIB).toFixed(1)} KiB` : `${bytes} bytes`);

/** The issue for a text over `maxBytes`, checked before anything is parsed. */
export function sizeIssue(file: string, bytes: number, maxBytes: number): YamlIssue {
  return {
    file,
    line: 1,
    column: 1,
    message: `the file is ${bytes > maxBytes + 1 ? human(bytes) : `over ${human(maxBytes)}`}, more than the ${human(maxBytes)} a workflow file may have (raise the limit with --max-file-size, or maxBytes in the load options)`,
    path: '(document)',
  };
}

/**
 * Reads a workflow file as UTF-8, at most `maxBytes` of it, without trusting its size (a FIFO or a
 * device never ends; a `/proc` file says it is empty): every problem is one issue at 1:1 or, for
 * bad UTF-8, at the line and column of the first bad byte, with its byte offset. `unreadable`
 * says the file could not be read at all (missing, not a regular file, too large).
 */
export function readWorkflowFile(path: string, maxBytes: number = DEFAULT_MAX_YAML_BYTES): { text?: string; issue?: YamlIssue; unreadable?: boolean } {
  const at = (message: string, line = 1, column = 1): { issue: YamlIssue; unreadable?: boolean } => ({
    issue: { file: path, line, column, message, path: '(document)' },
    ...(line === 1 && column === 1 && !message.startsWith('invalid UTF-8') ? { unreadable: true } : {}),
  });
  let fd: number;
  try {
    // Non-blocking: opening a FIFO for reading would otherwise wait for a writer forever.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    return at(`cannot read the file: ${(e as Error).message}`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return at(`cannot read the file: it is not a regular file (${stat.isDirectory() ? 'a directory' : 'a device, pipe or socket'})`);
    if (stat.size > maxBytes) return { issue: sizeIssue(path, stat.size, maxBytes), unreadable: true };
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(64 * KIB, maxBytes + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > maxBytes) return { issue: sizeIssue(path, total, maxBytes), unreadable: true };
    }
    const bytes = Buffer.concat(chunks, total);
    const bad = invalidUtf8Offset(bytes);
    if (bad !== undefined) {
      const before = bytes.subarray(0, bad);
      const line = before.filter((b) => b === 0x0a).length + 1;
      const lineStart = before.lastIndexOf(0x0a) + 1;
      const column = before.subarray(lineStart).toString('utf8').length + 1;
      return at(`invalid UTF-8 at byte offset ${bad} (byte 0x${bytes[bad]!.toString(16).padStart(2, '0')}): workflow files must be UTF-8`, line, column);
    }
    const text = bytes.toString('utf8');
    return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  } catch (e) {
    return at(`cannot read the file: ${(e as Error).message}`);
  } finally {
    closeSync(fd);
  }
}

/**
 * The offset of the first byte that is not part of well-formed UTF-8 (RFC 3629: no overlong
 * forms, no surrogates, nothing past U+10FFFF), or undefined when all of it is. Node can say
 * whether a buffer is UTF-8 (`isUtf8`) and can replace bad bytes, but not where the first one is.
 */
export function invalidUtf8Offset(bytes: Uint8Array): number | undefined {
  if (isUtf8(bytes)) return undefined;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b === 0xe0) [need, min] = [2, 0xa0];
    else if (b === 0xed) [need, min, max] = [2, 0x80, 0x9f];
    else if (b >= 0xe1 && b <= 0xef) [need, min] = [2, 0x80];
    else if (b === 0xf0) [need, min] = [3, 0x90];
    else if (b === 0xf4) [need, min, max] = [3, 0x80, 0x8f];
    else if (b >= 0xf1 && b <= 0xf3) [need, min] = [3, 0x80];
    else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      const lo = k === 1 ? min : 0x80;
      const hi = k === 1 ? max : 0xbf;
      if (c === undefined || c < lo || c > hi) return i;
    }
    i += need + 1;
  }
  return undefined;
}
