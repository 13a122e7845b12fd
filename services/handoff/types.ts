/**
 * Hand-off domain: the case a human agent works on when a conversation leaves the bot's flows.
 * Everything here is plain JSON (ISO timestamps, no class instances), so a case round-trips
 * through Redis unchanged and the agent console can receive it as is.
 */
import type { Lang } from '../i18n/langs';
import type { CaseKind, EscalationReason, Priority } from './vocabulary';

export type { CaseKind, EscalationReason, Priority } from './vocabulary';

/** Who answers a conversation right now. A conversation never handed off is `bot`. */
export type Ownership = 'bot' | 'queued' | 'agent' | 'closed';
export const OWNERSHIPS: readonly Ownership[] = ['bot', 'queued', 'agent', 'closed'];

export type CaseStatus = 'queued' | 'assigned' | 'closed';

/**
 * A file the customer (or the bot) sent, as the hand-off keeps it. Only attachments whose bytes
 * the server can vouch for are kept with their address: uploads the embedded Direct Line stored
 * itself (`stored`) and files on the channel's own CDN (`channel_cdn`, e.g. Facebook's). Anything
 * else (an arbitrary https URL a client put in an activity) is kept only as `dropped`, without
 * the address, so no agent's browser ever fetches it (a tracking pixel).
 */
export type Attachment =
  | { kept: true; source: 'stored' | 'channel_cdn'; url: string; contentType: string; name?: string }
  | { kept: false; contentType?: string; name?: string };

export type KeptAttachment = Extract<Attachment, { kept: true }>;

/** Common part of a work order: where the customer's chat is and what the carrier said. */
interface WorkOrderBase {
  /** The customer's chat the order came from; its ownership never changes because of the order. */
  chat: { conversationId: string; channel: string };
  trackingNumber: string;
  /** The carrier's reference of the scheduled change. */
  carrierReference: string;
  /** The carrier's own time frame for staff, in working days. */
  workingDays: number;
  /** All parameters collected and verified: staff can execute without asking the customer. */
  ready: boolean;
  done?: boolean;
}

/** A parcel change the bot could not apply itself, prepared for back-office staff. */
export type WorkOrder =
  | (WorkOrderBase & { action: 'readdress'; newLockerId: string; senderPhone?: string })
  | (WorkOrderBase & { action: 'change_phone'; newPhone: string; role: 'sender' | 'recipient'; senderPhone?: string });

export type WorkOrderAction = WorkOrder['action'];

export interface CaseFields {
  trackingNumber?: string;
  senderPhone?: string;
  recipientPhone?: string;
  /** The phone the customer asked to be reached on (a hand-off question), not a parcel's phone. */
  contactPhone?: string;
  /** E.164 phone the customer proved they hold in a conversation of this case. Joins cases. */
  verifiedPhone?: string;
  lockerId?: string;
  description?: string;
  attachments: Attachment[];
  workOrder?: WorkOrder;
}

export interface CaseNote {
  at: string;
  agentId: string;
  text: string;
}

export interface CaseResolution {
  /** One of `RESOLUTION_CODES` (vocabulary.ts). */
  code: string;
  at: string;
  /** Who closed it: an agent id, or `customer` / `system`. */
  agentId: string;
}

/** How a conversation came to belong to a case. */
export type JoinVia = 'opened' | 'same_conversation' | 'same_customer' | 'proven_phone' | 'merged';

/** A conversation of a case: the customer's chat on one channel. */
export interface CaseConversation {
  id: string;
  channel: string;
  joinedAt: string;
  via: JoinVia;
  /**
   * The case id the customer in this conversation has been told about: this case's id, or for a
   * conversation that came with a merged case, that case's id. Messages to the conversation
   * mention only this id, so a merge never tells a customer about a case they did not know.
   */
  toldCaseId: string;
}

export interface CaseMerge {
  caseId: string;
  at: string;
  /** The agent who merged. */
  by: string;
}

export interface Case {
  /** Short, human-readable, sortable by creation day: `C-240118-0042`. */
  id: string;
  status: CaseStatus;
  priority: Priority;
  kind: CaseKind;
  reason: EscalationReason;
  createdAt: string;
  /** When the case entered the queue; kept when released back, so it never loses its place. */
  queuedAt: string;
  firstResponseDueAt?: string;
  assignedTo?: string;
  assignedAt?: string;
  closedAt?: string;
  /** Channel of the conversation that opened the case (`webchat`, `facebook`, ...). */
  channel: string;
  lang: Lang;
  /** Stable customer id (channel user id), for "earlier cases of this customer". Empty for work orders. */
  customerKey: string;
  /** Every conversation that belongs to this case, first one first. Empty for a work order. */
  conversations: CaseConversation[];
  fields: CaseFields;
  /** One line for the queue view. */
  summary: string;
  notes: CaseNote[];
  resolution?: CaseResolution;
  /**
   * Other cases about the same parcel that were opened without proof that it is the same customer
   * (agents see them as related and may merge). Linked both ways. Never shown to a customer.
   */
  related: string[];
  /** Cases merged into this one. */
  merges?: CaseMerge[];
  /** Set on a case closed as `merged`: the case it went into. */
  mergedInto?: CaseMerge;
  /**
   * Normalised keys this case is joined by while open (`conv:…`, `tel:…`, `cust:…`): facts proven
   * in one of its conversations or the same channel identity. Maintained by the store.
   */
  matchKeys: string[];
  /** Keys other cases are *related* by (`trk:…`): a parcel number alone never joins. */
  relateKeys: string[];
}

/** What the bot knows when it escalates; `createOrJoin` turns it into a case or joins one. */
export interface CaseInput {
  /** The customer's chat; absent for a work order (it does not own the chat). */
  conversationId?: string;
  customerKey: string;
  channel: string;
  lang: Lang;
  kind: CaseKind;
  reason: EscalationReason;
  /** Default: `PRIORITY_BY_KIND[kind]`. Ignored when joining an existing case. */
  priority?: Priority;
  summary: string;
  fields?: Partial<CaseFields>;
  firstResponseDueAt?: string;
  /** Default: now. */
  at?: Date;
}

/** Fields an agent or the bot may change on an existing case. */
export interface CasePatch {
  priority?: Priority;
  kind?: CaseKind;
  reason?: EscalationReason;
  summary?: string;
  lang?: Lang;
  firstResponseDueAt?: string;
  /** Merged into `fields`; `attachments` given here are appended (never replace the list). */
  fields?: Partial<CaseFields>;
}

export interface TranscriptEntry {
  at: string;
  from: 'customer' | 'bot' | 'agent' | 'system';
  text: string;
  attachments?: Attachment[];
  agentId?: string;
  /** The conversation the entry was said in or sent to (absent for system entries). */
  conversationId?: string;
  /** Set when the text was cut to the transcript's size limit: how long the original was. */
  cut?: { originalChars: number };
}

/** Where a transcript entry belongs: a case, or a conversation (its open case if any). */
export type TranscriptTarget = { caseId: string } | { conversationId: string };

/** Who owns a conversation; a case id wherever there is a case, never optional. */
export type OwnershipRecord = { state: 'bot' } | { state: 'queued' | 'agent'; caseId: string } | { state: 'closed'; caseId: string };

/** An agent seen recently (heartbeat within the presence TTL). */
export interface AgentPresence {
  agentId: string;
  lastSeenAt: string;
}
