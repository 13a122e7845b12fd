/**
 * `ProofStore` in process memory (one bot instance). Entries expire by the real clock and are
 * swept on access; at most `maxEntries` pending codes and phone keys are kept (oldest dropped).
 */
import { randomBytes } from 'crypto';
import { mergeLock, type KnownPhone, type PendingChallenge, type ProofStore, type StoredLock } from './ProofStore';

interface Timed<T> {
  value: T;
  expiresAt: number;
}

export class MemoryProofStore implements ProofStore {
  private readonly pending = new Map<string, Timed<PendingChallenge>>();
  private readonly phones = new Map<string, Timed<KnownPhone>>();
  private readonly locks = new Map<string, StoredLock>();
  private readonly sharedSecret = randomBytes(32).toString('hex');

  constructor(private readonly maxEntries = 100_000) {}

  async getPending(conversationId: string): Promise<PendingChallenge | undefined> {
    return this.read(this.pending, conversationId);
  }

  async putPending(conversationId: string, pending: PendingChallenge, ttlMs: number): Promise<void> {
    this.write(this.pending, conversationId, structuredClone(pending), ttlMs);
  }

  async deletePending(conversationId: string): Promise<void> {
    this.pending.delete(conversationId);
  }

  async getPhone(ref: string): Promise<KnownPhone | undefined> {
    return this.read(this.phones, ref);
  }

  async putPhone(ref: string, phone: KnownPhone, ttlMs: number): Promise<void> {
    this.write(this.phones, ref, { ...phone }, ttlMs);
  }

  async secret(): Promise<string> {
    return this.sharedSecret;
  }

  async recordLock(lock: StoredLock, nowMs: number): Promise<StoredLock> {
    const merged = mergeLock(this.locks.get(lock.id), lock, nowMs);
    this.locks.set(lock.id, merged);
    return { ...merged };
  }

  async listLocks(nowMs: number): Promise<StoredLock[]> {
    for (const [id, lock] of this.locks) if (Date.parse(lock.until) <= nowMs) this.locks.delete(id);
    return [...this.locks.values()].map((l) => ({ ...l })).sort((a, b) => b.since.localeCompare(a.since));
  }

  async removeLock(id: string): Promise<StoredLock | undefined> {
    const lock = this.locks.get(id);
    this.locks.delete(id);
    return lock ? { ...lock } : undefined;
  }

  private read<T>(map: Map<string, Timed<T>>, key: string): T | undefined {
    const entry = map.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      map.delete(key);
      return undefined;
    }
    return structuredClone(entry.value);
  }

  private write<T>(map: Map<string, Timed<T>>, key: string, value: T, ttlMs: number): void {
    const now = Date.now();
    map.delete(key);
    map.set(key, { value, expiresAt: now + ttlMs });
    if (map.size > this.maxEntries) {
      for (const [k, e] of map) if (e.expiresAt <= now) map.delete(k);
      while (map.size > this.maxEntries) {
        const oldest = map.keys().next();
        if (oldest.done) break;
        map.delete(oldest.value);
      }
    }
  }
}
