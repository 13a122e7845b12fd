/**
 * The agent console's contract in types only (no code, no Node imports), shared by the server
 * (`caseView.ts`, the agent API) and the console (`web/agent/types.d.ts` imports this file for
 * its `// @ts-check`ed JavaScript). See `bots/handoff/agent-api.md`.
 */
import type { CaseConversation, CaseKind, CaseMerge, CaseNote, CaseResolution, CaseStatus, EscalationReason, Priority, TranscriptEntry, WorkOrder } from './types';
import type { Lang } from '../i18n/langs';

export interface CaseSummary {
  id: string;
  status: CaseStatus;
  priority: Priority;
  kind: CaseKind;
  reason: EscalationReason;
  summary: string;
  channel: string;
  lang: Lang;
  createdAt: string;
  queuedAt: string;
  /** Since `queuedAt` while queued; since creation until assignment otherwise. */
  waitingMs: number;
  firstResponseDueAt?: string;
  position?: number;
  assignedTo?: string;
  assignedToName?: string;
  workOrder?: { action: WorkOrder['action']; ready: boolean; done?: boolean };
  /** Number of related (same parcel, not proven the same customer) cases. */
  related?: number;
  /** Resolution code, for closed cases. */
  resolution?: string;
}

/** Delivery of a message to the customer: `undelivered` = outside the channel's reply window. */
export type DeliveryState = 'pending' | 'sent' | 'failed' | 'undelivered';

/** An attachment as the console sees it. */
export type AttachmentView =
  | { kept: true; ref: string; href: string; contentType: string; name?: string }
  | { kept: false; contentType?: string; name?: string };

export interface TranscriptView extends Omit<TranscriptEntry, 'attachments'> {
  seq: number;
  delivery?: DeliveryState;
  attachments?: AttachmentView[];
}

/** A conversation of the case, for choosing where an agent reply goes. */
export interface ConversationView {
  id: string;
  channel: string;
  joinedAt: string;
  via: CaseConversation['via'];
  /** When the customer last wrote in it, if known. */
  lastCustomerMessageAt?: string;
}

/** The full case as the console shows it (no index keys, attachments as views). */
export interface CaseView {
  id: string;
  status: CaseStatus;
  priority: Priority;
  kind: CaseKind;
  reason: EscalationReason;
  createdAt: string;
  queuedAt: string;
  firstResponseDueAt?: string;
  assignedTo?: string;
  assignedToName?: string;
  assignedAt?: string;
  closedAt?: string;
  channel: string;
  lang: Lang;
  conversations: ConversationView[];
  fields: {
    trackingNumber?: string;
    senderPhone?: string;
    recipientPhone?: string;
    contactPhone?: string;
    verifiedPhone?: string;
    lockerId?: string;
    description?: string;
    attachments: AttachmentView[];
    workOrder?: WorkOrderView;
  };
  summary: string;
  notes: CaseNote[];
  resolution?: CaseResolution;
  merges?: CaseMerge[];
  mergedInto?: CaseMerge;
}

/** A work order's parameters as the console lists them (labels come from `/labels`). */
export interface WorkOrderView {
  action: WorkOrder['action'];
  ready: boolean;
  done?: boolean;
  params: Record<string, string>;
}

export interface CaseDetail {
  case: CaseView;
  transcript: TranscriptView[];
  earlier: CaseSummary[];
  /** Open or closed cases about the same parcel that were not proven to be the same customer's. */
  related: CaseSummary[];
}

/** One event as the console receives it on `/agent/api/events`. */
export interface ConsoleEvent {
  type: 'case.created' | 'case.updated' | 'case.claimed' | 'case.released' | 'case.transferred' | 'case.closed' | 'message' | 'presence' | 'resync';
  caseId?: string;
  case?: CaseSummary;
  entry?: TranscriptView;
  seq?: number;
  agentId?: string;
  online?: boolean;
}

/** Labels for the console in one language, from the message files (`GET /agent/api/labels`). */
export interface ConsoleLabels {
  lang: Lang;
  /** The business time zone (`BUSINESS_TIMEZONE`): the console shows every time in it. */
  timeZone: string;
  priorities: Record<string, string>;
  kinds: Record<string, string>;
  reasons: Record<string, string>;
  /**
   * The reason labels in the language summaries are stored in (the service's agent language):
   * a summary starting with one is shown with the reason in the agent's language instead.
   */
  summaryReasons: Record<string, string>;
  resolutions: Record<string, string>;
  fields: Record<string, string>;
  actions: Record<string, string>;
  via: Record<string, string>;
  /** The console's own texts (`console.*` in the message files, key without the prefix). */
  ui: Record<string, string>;
  /** The reports page's text (`reports.*` in the message files, keys without the prefix). */
  reports: Record<string, string>;
}
