/**
 * What the agent console receives (see the agent API contract): a case summary for lists and
 * events, and transcript entries with their delivery state. Plain JSON.
 */
import type { Case, CaseKind, CaseStatus, EscalationReason, Priority, TranscriptEntry, WorkOrder } from './types';
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
}

/** Delivery of a message to the customer: `undelivered` = outside the channel's reply window. */
export type DeliveryState = 'pending' | 'sent' | 'failed' | 'undelivered';

export interface TranscriptView extends TranscriptEntry {
  seq: number;
  delivery?: DeliveryState;
}

export function toSummary(c: Case, opts: { now: Date; position?: number; agentName?: (id: string) => string | undefined }): CaseSummary {
  const until = c.status === 'queued' ? opts.now.getTime() : Date.parse(c.assignedAt ?? c.closedAt ?? opts.now.toISOString());
  const s: CaseSummary = {
    id: c.id,
    status: c.status,
    priority: c.priority,
    kind: c.kind,
    reason: c.reason,
    summary: c.summary,
    channel: c.channel,
    lang: c.lang,
    createdAt: c.createdAt,
    queuedAt: c.queuedAt,
    waitingMs: Math.max(0, until - Date.parse(c.queuedAt)),
  };
  if (c.firstResponseDueAt) s.firstResponseDueAt = c.firstResponseDueAt;
  if (c.status === 'queued' && opts.position !== undefined) s.position = opts.position;
  if (c.status === 'assigned' && c.assignedTo) {
    s.assignedTo = c.assignedTo;
    const name = opts.agentName?.(c.assignedTo);
    if (name) s.assignedToName = name;
  }
  const wo = c.fields.workOrder;
  if (wo) s.workOrder = { action: wo.action, ready: wo.ready, ...(wo.done !== undefined ? { done: wo.done } : {}) };
  return s;
}
