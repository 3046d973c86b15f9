/**
 * Cooperative time slicing, so that the host never holds the event loop for long: a burst of
 * thousands of starts, or thousands of instances woken by one group commit, would otherwise run
 * as one chain of microtasks (promise continuations never yield to timers or I/O).
 *
 * The runtime calls `pause()` before a unit of work (a start, a pass). A turn of the event loop
 * admits up to `slice` units at once; the others wait in a FIFO queue, let go `slice` per later
 * turn. A unit's cost comes after `pause()` returns (as that turn's microtasks), so the slice is
 * sized from whole turns: measured when the turn is over, it halves after a turn longer than the
 * budget and doubles after one shorter than half of it.
 */
export class Slicer {
  private readonly waiting: (() => void)[] = [];
  /** Units admitted in the current turn; undefined when no unit ran in it yet. */
  private admitted: number | undefined;
  private turnStart = 0;
  private slice = 8;
  private draining = false;

  constructor(private readonly budgetMs = 10) {}

  /** undefined: go on now. A promise: wait for it (a later turn). */
  pause(): Promise<void> | undefined {
    this.openTurn();
    if (this.waiting.length === 0 && this.admitted! < this.slice) {
      this.admitted!++;
      return undefined;
    }
    return new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      this.scheduleDrain();
    });
  }

  /** How many units of work are waiting for a later turn. */
  get backlog(): number {
    return this.waiting.length;
  }

  /** The first unit of a turn marks its start; the turn is measured once its microtasks are done. */
  private openTurn(): void {
    if (this.admitted !== undefined) return;
    this.admitted = 0;
    this.turnStart = performance.now();
    setImmediate(() => this.closeTurn());
  }

  private closeTurn(): void {
    const spent = performance.now() - this.turnStart;
    if (spent > this.budgetMs) this.slice = Math.max(1, this.slice >> 1);
    else if (spent < this.budgetMs / 2 && this.admitted! >= this.slice) this.slice = Math.min(1024, this.slice << 1);
    this.admitted = undefined;
  }

  private scheduleDrain(): void {
    if (this.draining) return;
    this.draining = true;
    setImmediate(() => this.drain());
  }

  private drain(): void {
    this.draining = false;
    this.openTurn();
    const room = Math.max(0, this.slice - this.admitted!);
    const go = this.waiting.splice(0, room);
    this.admitted! += go.length;
    for (const resolve of go) resolve();
    if (this.waiting.length > 0) this.scheduleDrain();
  }
}
