/**
 * Group commit for any port call: items added while a call is in flight are gathered and sent
 * together in the next call, so concurrent instances share one transaction (one fsync) without
 * waiting on a timer. `run` returns one result per item, in order.
 */
export class Batcher<T, R = void> {
  private pending: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private flushing = false;

  constructor(
    private readonly run: (items: readonly T[]) => Promise<readonly R[] | void>,
    private readonly maxBatch = 1000,
  ) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    // Yield once so that items added in the same tick join this batch.
    await new Promise((r) => setImmediate(r));
    for (let first = true; this.pending.length > 0; first = false) {
      // Between batches, a turn of the event loop: what the last one woke runs first.
      if (!first) await new Promise((r) => setImmediate(r));
      const batch = this.pending.splice(0, this.maxBatch);
      try {
        const results = await this.run(batch.map((b) => b.item));
        batch.forEach((b, i) => b.resolve((results ? results[i] : undefined) as R));
      } catch (e) {
        for (const b of batch) b.reject(e);
      }
    }
    this.flushing = false;
  }
}
