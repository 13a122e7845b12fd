/**
 * The hand-off store port: cases and their queue, conversation ownership and references, agent
 * presence. Shared by every bot instance (Redis) so a case opened through instance A is seen,
 * claimed and answered through instance B. Implementations: `MemoryCaseStore`, `RedisCaseStore`;
 * both pass `test/services/handoff/CaseStore.test.ts`. Only the hand-off service uses it; nothing
 * outside `services/handoff` reaches a store.
 *
 * Promises every implementation keeps:
 * - a conversation joins an open case only by a join key (`caseRules.joinKeysFor`: the same
 *   conversation, the same channel identity, a proven phone), atomically (racing calls never
 *   create two cases for one conversation); a parcel number only *relates* a new case to the open
 *   cases of that parcel, linked both ways in the same atomic step;
 * - queue order is (priority, queuedAt) and only changes by claim/release/close/merge/priority
 *   edits: joining or writing again never moves a case;
 * - of several concurrent `claim`s of a queued case exactly one succeeds;
 * - a conversation's ownership follows its case (queued -> `queued`, assigned -> `agent`,
 *   closed -> `closed`) in the same atomic step as the case change;
 * - every mutator returns the case as it is now (or a typed failure), so no caller re-reads;
 * - transcript entries are capped (`caseRules.capEntry`);
 * - everything returned is a copy: mutating it changes nothing stored.
 */
import type { AgentPresence, Case, CaseInput, CasePatch, OwnershipRecord, TranscriptEntry, TranscriptTarget } from './types';
import type { MergeRefusal } from './caseRules';

export interface CreateOrJoinResult {
  case: Case;
  /** true when the input joined an already open case (by a join key). */
  joined: boolean;
}

export interface AppendResult {
  /** The case the entry went to; undefined when it went to the conversation's pre-case buffer. */
  caseId?: string;
  /** 1-based position in that transcript (for gap detection and catch-up with `fromSeq`). */
  seq: number;
}

/**
 * The outcome of a case transition: the case after it, or why not. `conflict` carries the case
 * as it is (e.g. already claimed, already closed), so the caller can say why without reading again.
 */
export type CaseChange = { ok: true; case: Case } | { ok: false; reason: 'not_found' } | { ok: false; reason: 'conflict'; current: Case };

/** The outcome of a merge: both cases after it, or why not. */
export type MergeChange = { ok: true; kept: Case; merged: Case } | { ok: false; reason: 'not_found' | MergeRefusal };

/** Cases, the queue and transcripts. */
export interface CaseRepository {
  createOrJoin(input: CaseInput): Promise<CreateOrJoinResult>;
  get(id: string): Promise<Case | undefined>;
  /** A priority change re-sorts a queued case, keeping its `queuedAt`. */
  update(id: string, patch: CasePatch): Promise<CaseChange>;
  /** Queued cases, priority 1 first, FIFO within a priority. */
  listQueue(): Promise<Case[]>;
  /** 1-based place among queued cases; undefined when the case is not queued. */
  position(id: string): Promise<number | undefined>;
  /** Succeeds for exactly one caller, and only while the case is queued. */
  claim(id: string, agentId: string, at?: Date): Promise<CaseChange>;
  /** Succeeds when `fromAgent` held the case and it now belongs to `toAgent`. */
  transfer(id: string, fromAgent: string, toAgent: string, at?: Date): Promise<CaseChange>;
  /** Assigned -> queued at its original place. */
  release(id: string): Promise<CaseChange>;
  /** Any open case can be closed here; who may close is the service's rule. The open-case index forgets it. */
  close(id: string, agentId: string, resolutionCode: string, at?: Date): Promise<CaseChange>;
  /**
   * Merges `otherId` into `keptId` (`caseRules.merged`) and appends `other`'s transcript to
   * `kept`'s after `marker`, all in one atomic step.
   */
  merge(keptId: string, otherId: string, by: string, marker: TranscriptEntry, at?: Date): Promise<MergeChange>;
  /** Cases assigned to the agent now. */
  listByAgent(agentId: string): Promise<Case[]>;
  /** All cases of a customer, newest first. */
  listByCustomer(customerKey: string): Promise<Case[]>;
  /** Several cases by id, in the given order, skipping unknown ones. */
  getMany(ids: string[]): Promise<Case[]>;
  addNote(id: string, agentId: string, text: string, at?: Date): Promise<CaseChange>;
  /**
   * Appends in arrival order. With `{conversationId}` the entry goes to the conversation's open
   * case, or else to a short pre-case buffer that becomes the start of the case transcript when
   * the conversation is escalated.
   */
  appendTranscript(target: TranscriptTarget, entry: TranscriptEntry): Promise<AppendResult>;
  /** Entries from `fromSeq` (1-based, default 1). `{conversationId}` reads its open case, else its buffer. */
  transcript(target: TranscriptTarget, opts?: { fromSeq?: number }): Promise<TranscriptEntry[]>;
  findOpenCase(conversationId: string): Promise<Case | undefined>;
}

/** Per-conversation facts the bot and the agent bridge need. */
export interface ConversationDirectory {
  /** `{state: 'bot'}` for a conversation never handed off (or whose closed state expired). */
  getOwnership(conversationId: string): Promise<OwnershipRecord>;
  /** Case transitions set ownership themselves; this is for the bot taking back a closed conversation. */
  setOwnership(conversationId: string, record: OwnershipRecord): Promise<void>;
  /** Opaque (serialised botbuilder ConversationReference); kept for `referenceTtlMs`. */
  saveReference(conversationId: string, ref: Record<string, unknown>): Promise<void>;
  getReference(conversationId: string): Promise<Record<string, unknown> | undefined>;
  /** For Messenger's 24 h / 7-day (HUMAN_AGENT tag) reply windows; kept `lastMessageTtlMs`. */
  recordCustomerMessage(conversationId: string, at: Date): Promise<void>;
  lastCustomerMessageAt(conversationId: string): Promise<Date | undefined>;
}

/** Which agents may receive work. An agent whose heartbeats stopped is offline. */
export interface PresenceRegistry {
  setPresence(agentId: string, online: boolean, at?: Date): Promise<void>;
  /** Same as `setPresence(agentId, true, at)`; send more often than the presence TTL. */
  heartbeat(agentId: string, at?: Date): Promise<void>;
  /** Agents seen within the TTL before `now`, most recently seen first. */
  onlineAgents(now?: Date): Promise<AgentPresence[]>;
  isOnline(agentId: string, now?: Date): Promise<boolean>;
}

/**
 * Personal data (issue 9): retention and data-subject erasure. `eraseCase` removes a case with
 * everything derived from it in one atomic step — its transcript, queue place, join and relate
 * index entries, agent and customer lists — and its conversations' ownership, references,
 * last-message times and pre-case buffers. Other cases' `related` lists may still name it; every
 * reader skips unknown ids (`getMany`).
 */
export interface CaseErasure {
  /** Visits every stored case (open and closed) in batches; a case erased meanwhile may be skipped. */
  forEachCase(visit: (c: Case) => void | Promise<void>): Promise<void>;
  /** False when there was no such case. */
  eraseCase(id: string): Promise<boolean>;
  /** Forgets a conversation never (or no longer) in a case: ownership, reference, last message time, pre-case buffer. */
  eraseConversation(conversationId: string): Promise<void>;
}

export interface CaseStore extends CaseRepository, ConversationDirectory, PresenceRegistry, CaseErasure {}

/** Tunables shared by the implementations. */
export interface CaseStoreOptions {
  /** Time zone of the day in case ids. Default Europe/Vilnius. */
  timeZone?: string;
  /** Default 90 s. */
  presenceTtlMs?: number;
  /** How long a `closed` ownership is remembered before the conversation reads as `bot`. Default 7 days. */
  closedOwnershipTtlMs?: number;
  /** Default 30 days. */
  referenceTtlMs?: number;
  /** How long the last customer message time is kept. Default 8 days (past Messenger's 7-day window). */
  lastMessageTtlMs?: number;
  /** Entries kept per conversation before escalation. Default 50. */
  preCaseBufferSize?: number;
  /** How long the pre-case buffer lives after its last entry. Default 24 h. */
  preCaseBufferTtlMs?: number;
  /** Memory store: how often expired entries are swept (on the next write after this). Default 60 s. */
  sweepEveryMs?: number;
  /** Clock for defaults (`at` omitted) and expiry. */
  now?: () => Date;
}

export const CASE_STORE_DEFAULTS = {
  timeZone: 'Europe/Vilnius',
  presenceTtlMs: 90_000,
  closedOwnershipTtlMs: 7 * 86_400_000,
  referenceTtlMs: 30 * 86_400_000,
  lastMessageTtlMs: 8 * 86_400_000,
  preCaseBufferSize: 50,
  preCaseBufferTtlMs: 86_400_000,
  sweepEveryMs: 60_000,
} as const;

/** Resolved options with the defaults applied. */
export function caseStoreSettings(opts: CaseStoreOptions): Required<CaseStoreOptions> {
  return { ...CASE_STORE_DEFAULTS, now: () => new Date(), ...stripUndefined(opts) };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
