/**
 * The sandbox's idempotency ledger: a change sent again with the same `Idempotency-Key` gets the
 * first outcome again and is not applied twice. Only successful outcomes are kept: a refused change
 * had no effect, so a repeat is simply checked again (a customer who proves again after an expired
 * proof is not stuck with the first refusal). The same key with a different change is a conflict.
 *
 * Keys are kept 24 hours (the contract's minimum), at most `maxKeys` of them.
 */
import { CarrierError } from '../types';
import { idempotencyKeySchema } from '../wire';

/** The same `Idempotency-Key` was sent with a different change (HTTP 422 `idempotency_conflict`). */
export class IdempotencyConflictError extends CarrierError {
  constructor(where: string) {
    super('invalid', `${where}: Idempotency-Key reused with a different request`);
    this.name = 'IdempotencyConflictError';
  }
}

interface Entry {
  fingerprint: string;
  value: unknown;
  at: number;
}

const DAY_MS = 86_400_000;

export class IdempotencyLedger {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly now: () => Date,
    private readonly maxKeys = 10_000,
  ) {}

  /**
   * Runs `action` unless `key` was already used for `operation`: then returns the stored outcome
   * (same `fingerprint`) or throws `IdempotencyConflictError` (another fingerprint). No key = no
   * ledger. `action` must be synchronous so two parallel repeats cannot both apply the change.
   */
  once<T>(where: string, operation: string, key: string | undefined, fingerprint: string, action: () => T): T {
    if (key === undefined) return action();
    if (!idempotencyKeySchema.safeParse(key).success) {
      throw new CarrierError('invalid', `${where}: the Idempotency-Key must be 1-200 visible ASCII characters`);
    }
    const scope = `${operation}\n${key}`;
    const now = this.now().getTime();
    const stored = this.entries.get(scope);
    if (stored && now - stored.at < DAY_MS) {
      if (stored.fingerprint !== fingerprint) throw new IdempotencyConflictError(where);
      return structuredClone(stored.value) as T;
    }
    const value = action();
    this.entries.delete(scope);
    this.entries.set(scope, { fingerprint, value: structuredClone(value), at: now });
    while (this.entries.size > this.maxKeys) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    return value;
  }
}
