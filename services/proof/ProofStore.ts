/**
 * What `ProofService` keeps between turns, behind one small port with a memory and a Redis
 * implementation (`MemoryProofStore`, `RedisProofStore`), so a conversation can verify its code
 * on another bot instance than the one that sent it, and a lock seen by one instance is listed by
 * every supervisor console.
 *
 * Nothing here is a phone number: challenges carry the carrier's masked phone and opaque phone
 * key; typed phones are referred to by a keyed hash.
 */
import type { PhoneRole } from '../carrier/types';

/** The code a conversation is waiting for. One per conversation: a new code replaces the old one. */
export interface PendingChallenge {
  challengeId: string;
  target: { kind: 'parcel'; trackingNumber: string; role: PhoneRole } | { kind: 'phone' };
  phoneMasked: string;
  phoneKey: string;
  /** ISO; the earlier of the carrier's and `PROOF_CODE_TTL_MINUTES`. */
  expiresAt: string;
  /** Keyed hash of a typed phone (phone flow), to check the per-phone limit again later. */
  typedPhoneRef?: string;
  /** The client key given when the code was requested. */
  clientKey?: string;
}

/** A phone as the bot may know it: the carrier's opaque key and the masked form. */
export interface KnownPhone {
  phoneKey: string;
  phoneMasked: string;
}

/** Which limit a lock is about. */
export const LOCK_SCOPES = ['parcel', 'phone', 'conversation', 'client', 'carrier'] as const;
export type LockScope = (typeof LOCK_SCOPES)[number];

/** A limit that was reached, as a supervisor sees it. */
export interface ProofLock {
  /** Stable per limit and key: the same limit reached again bumps `refusals`. */
  id: string;
  scope: LockScope;
  /** What is locked, fit for a supervisor's screen: a tracking number, a masked phone, a conversation or client id. */
  subject: string;
  /** ISO: first refusal. */
  since: string;
  /** ISO: when the limit lifts by itself. */
  until: string;
  /** Requests refused since the lock started. */
  refusals: number;
  /** The conversation refused last. */
  lastConversationId: string;
}

/** A lock as stored: with what `clearLock` must reset. */
export interface StoredLock extends ProofLock {
  limiter: string;
  key: string;
}

export interface ProofStore {
  getPending(conversationId: string): Promise<PendingChallenge | undefined>;
  /** Stores (replaces) the conversation's pending code; forgotten after `ttlMs`. */
  putPending(conversationId: string, pending: PendingChallenge, ttlMs: number): Promise<void>;
  deletePending(conversationId: string): Promise<void>;
  /** The carrier's phone key (and masked phone) last seen for `ref` (a parcel+role or a typed-phone hash). */
  getPhone(ref: string): Promise<KnownPhone | undefined>;
  putPhone(ref: string, phone: KnownPhone, ttlMs: number): Promise<void>;
  /** A random secret shared by every instance on this store (created on first use). */
  secret(): Promise<string>;
  /**
   * Records a refusal: creates the lock, or (same id, not yet lifted at `nowMs`) adds one to its
   * `refusals`, keeps `since` and takes the later `until`. Atomic across instances.
   */
  recordLock(lock: StoredLock, nowMs: number): Promise<StoredLock>;
  /** Locks not yet lifted at `nowMs`, newest first; lifted ones are dropped. */
  listLocks(nowMs: number): Promise<StoredLock[]>;
  /** Removes a lock; returns it, or undefined when there was none. */
  removeLock(id: string): Promise<StoredLock | undefined>;
}

/** Merges a new refusal into a stored lock (shared by both stores). */
export function mergeLock(existing: StoredLock | undefined, lock: StoredLock, nowMs: number): StoredLock {
  if (!existing || Date.parse(existing.until) <= nowMs) return { ...lock, refusals: Math.max(lock.refusals, 1) };
  return {
    ...existing,
    until: Date.parse(lock.until) > Date.parse(existing.until) ? lock.until : existing.until,
    refusals: existing.refusals + 1,
    lastConversationId: lock.lastConversationId,
  };
}
