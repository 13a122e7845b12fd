/**
 * A Map whose entries may expire, for the single-process (memory) implementations of the
 * hand-off ports. Expired entries are invisible at once and are removed by a sweep that runs on
 * a write at most every `sweepEveryMs`, so a store that is written to keeps its size bounded by
 * what is live, without timers (nothing to stop on shutdown, nothing keeping the process alive).
 */
export class ExpiringMap<V> {
  private readonly data = new Map<string, { value: V; expiresAt?: number }>();
  private lastSweep: number;

  constructor(
    private readonly now: () => number,
    private readonly sweepEveryMs = 60_000,
  ) {
    this.lastSweep = now();
  }

  get size(): number {
    return this.data.size;
  }

  get(key: string): V | undefined {
    const e = this.data.get(key);
    if (!e) return undefined;
    if (e.expiresAt !== undefined && e.expiresAt <= this.now()) {
      this.data.delete(key);
      return undefined;
    }
    return e.value;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** `ttlMs` undefined or <= 0 = no expiry. */
  set(key: string, value: V, ttlMs?: number): void {
    this.maybeSweep();
    this.data.set(key, { value, expiresAt: ttlMs !== undefined && ttlMs > 0 ? this.now() + ttlMs : undefined });
  }

  /** Replaces the value and keeps the expiry (a no-op for a missing or expired key). */
  update(key: string, value: V): void {
    const e = this.data.get(key);
    if (e && this.get(key) !== undefined) e.value = value;
  }

  delete(key: string): void {
    this.data.delete(key);
  }

  entries(): [string, V][] {
    const out: [string, V][] = [];
    for (const key of [...this.data.keys()]) {
      const v = this.get(key);
      if (v !== undefined) out.push([key, v]);
    }
    return out;
  }

  /** Removes every expired entry now; returns how many went. */
  sweep(): number {
    const now = this.now();
    this.lastSweep = now;
    let removed = 0;
    for (const [key, e] of this.data) {
      if (e.expiresAt !== undefined && e.expiresAt <= now) {
        this.data.delete(key);
        removed += 1;
      }
    }
    return removed;
  }

  private maybeSweep(): void {
    if (this.now() - this.lastSweep >= this.sweepEveryMs) this.sweep();
  }
}
