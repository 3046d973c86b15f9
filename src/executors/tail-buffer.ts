/** Default bytes kept per output stream (stdout, stderr) of one step execution: 64 KiB. */
export const DEFAULT_TAIL_BYTES = 64 * 1024;

/**
 * Keeps the last `limit` bytes written to it and counts the rest, so a step that prints gigabytes
 * costs at most about `2 * limit` bytes of memory and `limit` bytes in the log.
 */
export class TailBuffer {
  private chunks: Buffer[] = [];
  private held = 0;
  private total = 0;

  constructor(readonly limit: number = DEFAULT_TAIL_BYTES) {}

  /** Appends a chunk; drops the oldest bytes once more than twice the limit is held. */
  push(chunk: Buffer): void {
    this.total += chunk.length;
    this.chunks.push(chunk);
    this.held += chunk.length;
    if (this.held > 2 * this.limit) this.compact();
  }

  /** All bytes ever written, kept or not. */
  get totalBytes(): number {
    return this.total;
  }

  /** Bytes dropped from the front. */
  get droppedBytes(): number {
    return Math.max(0, this.total - this.limit);
  }

  get truncated(): boolean {
    return this.total > this.limit;
  }

  /**
   * The kept tail as UTF-8. When bytes were dropped, it starts with a line saying how many, and a
   * character cut in half at the front is skipped rather than decoded as garbage.
   */
  toString(): string {
    this.compact();
    let tail = Buffer.concat(this.chunks);
    if (!this.truncated) return tail.toString('utf8');
    let skip = 0;
    while (skip < tail.length && skip < 4 && ((tail[skip] ?? 0) & 0xc0) === 0x80) skip++;
    tail = tail.subarray(skip);
    return `[wfe: output truncated, first ${this.droppedBytes + skip} of ${this.total} bytes dropped]\n${tail.toString('utf8')}`;
  }

  private compact(): void {
    if (this.held <= this.limit) return;
    const all = Buffer.concat(this.chunks);
    const kept = Buffer.from(all.subarray(all.length - this.limit));
    this.chunks = [kept];
    this.held = kept.length;
  }
}
