/**
 * The hand-off store port: cases and their queue, conversation ownership and references, agent
 * presence. Shared by every bot instance (Redis) so a case opened through instance A is seen,
 * claimed and answered through instance B. Implementations: `MemoryCaseStore`, `RedisCaseStore`;
 * both pass `test/services/handoff/CaseStore.test.ts`.
 *
 * Promises every implementation keeps:
 * - one open case per problem: `createOrJoin` joins an open case found by conversation, tracking
 *   number, verified phone or customer key, atomically (racing calls never create two cases);
 * - queue order is (priority, queuedAt) and only changes by claim/release/close/priority edits:
 *   joining or writing again never moves a case;
 * - of several concurrent `claim`s of a queued case exactly one returns true;
 * - a conversation's ownership follows its case (queued -> `queued`, assigned -> `agent`,
 *   closed -> `closed`) in the same atomic step as the case change;
 * - everything returned is a copy: mutating it changes nothing stored.
 */
import type {
  AgentPresence,
  Case,
  CaseInput,
  CasePatch,
  OwnershipRecord,
  TranscriptEntry,
  TranscriptTarget,
} from './types';

export interface CreateOrJoinResult {
  case: Case;
  /** true when the input joined an already open case. */
  joined: boolean;
}

export interface AppendResult {
  /** The case the entry went to; undefined when it went to the conversation's pre-case buffer. */
  caseId?: string;
  /** 1-based position in that transcript (for gap detection and catch-up with `fromSeq`). */
  seq: number;
}

export class CaseNotFoundError extends Error {
  constructor(
    readonly caseId: string,
    where: string,
  ) {
    super(`${where}: case ${caseId} not found`);
    this.name = 'CaseNotFoundError';
  }
}

/** Cases, the queue and transcripts. */
export interface CaseRepository {
  createOrJoin(input: CaseInput): Promise<CreateOrJoinResult>;
  get(id: string): Promise<Case | undefined>;
  /** Throws `CaseNotFoundError`. A priority change re-sorts a queued case, keeping its `queuedAt`. */
  update(id: string, patch: CasePatch): Promise<Case>;
  /** Queued cases, priority 1 first, FIFO within a priority. */
  listQueue(): Promise<Case[]>;
  /** 1-based place among queued cases; undefined when the case is not queued. */
  position(id: string): Promise<number | undefined>;
  /** true for exactly one caller, and only while the case is queued. */
  claim(id: string, agentId: string, at?: Date): Promise<boolean>;
  /** true when `fromAgent` held the case and it now belongs to `toAgent`. */
  transfer(id: string, fromAgent: string, toAgent: string, at?: Date): Promise<boolean>;
  /** Assigned -> queued at its original place. */
  release(id: string): Promise<boolean>;
  /** Any open case can be closed (by any agent); the open-case index forgets it. */
  close(id: string, agentId: string, resolutionCode: string, at?: Date): Promise<boolean>;
  /** Cases assigned to the agent now. */
  listByAgent(agentId: string): Promise<Case[]>;
  /** All cases of a customer, newest first. */
  listByCustomer(customerKey: string): Promise<Case[]>;
  /** Throws `CaseNotFoundError`. */
  addNote(id: string, agentId: string, text: string, at?: Date): Promise<Case>;
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
  /** For Messenger's 24 h / 7-day (HUMAN_AGENT tag) reply windows. */
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

export interface CaseStore extends CaseRepository, ConversationDirectory, PresenceRegistry {}

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
  /** Entries kept per conversation before escalation. Default 50. */
  preCaseBufferSize?: number;
  /** How long the pre-case buffer lives after its last entry. Default 7 days. */
  preCaseBufferTtlMs?: number;
  /** Clock for defaults (`at` omitted). */
  now?: () => Date;
}

export const CASE_STORE_DEFAULTS = {
  timeZone: 'Europe/Vilnius',
  presenceTtlMs: 90_000,
  closedOwnershipTtlMs: 7 * 86_400_000,
  referenceTtlMs: 30 * 86_400_000,
  preCaseBufferSize: 50,
  preCaseBufferTtlMs: 7 * 86_400_000,
} as const;

/** Resolved options with the defaults applied. */
export function caseStoreSettings(opts: CaseStoreOptions): Required<CaseStoreOptions> {
  return { ...CASE_STORE_DEFAULTS, now: () => new Date(), ...stripUndefined(opts) };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
