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

export interface Attachment {
  url: string;
  contentType: string;
  name?: string;
}

/** A parcel change the bot could not apply itself, prepared for back-office staff. */
export interface WorkOrder {
  action: 'readdress' | 'change_phone';
  params: Record<string, string>;
  /** All parameters collected and verified: staff can execute without asking the customer. */
  ready: boolean;
  done?: boolean;
}

export interface CaseFields {
  trackingNumber?: string;
  senderPhone?: string;
  recipientPhone?: string;
  /** E.164 phone the customer proved they hold (it matched the parcel). Used to join cases. */
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
  /** e.g. 'solved', 'work_order_done', 'duplicate', 'no_reply'. */
  code: string;
  at: string;
  agentId: string;
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
  /** Stable customer id (channel user id), for "earlier cases of this customer". */
  customerKey: string;
  /** Every conversation that joined this case, first one first. */
  conversationIds: string[];
  fields: CaseFields;
  /** One line for the queue view. */
  summary: string;
  notes: CaseNote[];
  resolution?: CaseResolution;
  /**
   * Normalised keys this case is found by while open (`trk:…`, `tel:…`, `conv:…`, `cust:…`).
   * Maintained by the store; removed from the open-case index when the case closes.
   */
  matchKeys: string[];
}

/** What the bot knows when it escalates; `createOrJoin` turns it into a case or joins one. */
export interface CaseInput {
  conversationId: string;
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
  /** Merged into `fields`; `attachments` given here replace the list. */
  fields?: Partial<CaseFields>;
}

export interface TranscriptEntry {
  at: string;
  from: 'customer' | 'bot' | 'agent' | 'system';
  text: string;
  attachments?: Attachment[];
  agentId?: string;
}

/** Where a transcript entry belongs: a case, or a conversation (its open case if any). */
export type TranscriptTarget = { caseId: string } | { conversationId: string };

export interface OwnershipRecord {
  state: Ownership;
  caseId?: string;
}

/** An agent seen recently (heartbeat within the presence TTL). */
export interface AgentPresence {
  agentId: string;
  lastSeenAt: string;
}
