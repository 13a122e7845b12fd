/**
 * `KeyValueStore`: the small storage port behind bot state, with Bot Framework `Storage` eTag
 * semantics so it can back botbuilder's ConversationState/UserState unchanged:
 *
 * - `read` returns only the keys that exist, each with its current `eTag`;
 * - `write` with no eTag or `'*'` overwrites; with another eTag it succeeds only if it equals the
 *   stored one, else rejects with an `EtagConflictError` ("... eTag conflict ..."); writing a key
 *   that does not exist always succeeds (as botbuilder's MemoryStorage does);
 * - every successful write gives the item a new eTag, which `write` resolves with (by key); the
 *   caller's object is not modified;
 * - `delete` of a missing key is a no-op.
 *
 * Implementations: `MemoryKeyValueStore` (tests, single process) and `RedisKeyValueStore`.
 */

/** A JSON object with an optional optimistic-concurrency tag. */
export interface StoreItem {
  [k: string]: unknown;
  eTag?: string;
}

export interface KeyValueStore {
  read(keys: string[]): Promise<Record<string, StoreItem>>;
  /** Applies each change; resolves with each key's new eTag; rejects with `EtagConflictError` for the first conflicting key. */
  write(changes: Record<string, StoreItem>): Promise<Record<string, string>>;
  delete(keys: string[]): Promise<void>;
}

/** Thrown by `write` when the caller's eTag is stale. The message contains "eTag conflict". */
export class EtagConflictError extends Error {
  constructor(
    readonly key: string,
    where: string,
  ) {
    super(`${where}: error writing "${key}" due to eTag conflict`);
    this.name = 'EtagConflictError';
  }
}

/** True when a write of `eTag` must be checked against the stored tag. */
export function isConditional(eTag: string | undefined): eTag is string {
  return eTag !== undefined && eTag !== '' && eTag !== '*';
}

/** The item's data without its eTag, as stored. */
export function withoutEtag(item: StoreItem): Record<string, unknown> {
  const { eTag: _ignored, ...rest } = item;
  return rest;
}
