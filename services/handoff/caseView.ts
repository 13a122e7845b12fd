/**
 * Builds what the agent console receives (types in `consoleContract.ts`, shared with the
 * console): a case summary for lists and events, the case view with transcript entries and their
 * delivery state.
 *
 * Attachments reach the console only as views: a kept attachment is a same-origin link to the
 * server (`/agent/api/cases/<id>/attachments/<ref>`), never the address the customer's activity
 * carried; a dropped one has no address at all.
 */
import { createHash } from 'crypto';
import type { Attachment, Case, TranscriptEntry, WorkOrder } from './types';
import type { AttachmentView, CaseSummary, CaseView, DeliveryState, TranscriptView, WorkOrderView } from './consoleContract';

export type * from './consoleContract';

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
  if (c.related.length) s.related = c.related.length;
  if (c.resolution) s.resolution = c.resolution.code;
  return s;
}

/** A stable, unguessable-enough handle of a kept attachment within its case (never its address). */
export function attachmentRef(url: string): string {
  return createHash('sha256').update(url).digest('hex').slice(0, 24);
}

export function attachmentHref(caseId: string, ref: string): string {
  return `/agent/api/cases/${encodeURIComponent(caseId)}/attachments/${ref}`;
}

export function toAttachmentView(caseId: string, a: Attachment): AttachmentView {
  if (!a.kept) return { kept: false, ...(a.contentType ? { contentType: a.contentType } : {}), ...(a.name ? { name: a.name } : {}) };
  const ref = attachmentRef(a.url);
  return { kept: true, ref, href: attachmentHref(caseId, ref), contentType: a.contentType, ...(a.name ? { name: a.name } : {}) };
}

export function toTranscriptView(caseId: string, e: TranscriptEntry, seq: number, delivery?: DeliveryState): TranscriptView {
  const { attachments, ...rest } = e;
  const v: TranscriptView = { ...rest, seq };
  if (attachments?.length) v.attachments = attachments.map((a) => toAttachmentView(caseId, a));
  if (delivery) v.delivery = delivery;
  return v;
}

export function workOrderView(wo: WorkOrder): WorkOrderView {
  const params: Record<string, string> = { trackingNumber: wo.trackingNumber, carrierReference: wo.carrierReference, workingDays: String(wo.workingDays) };
  if (wo.action === 'readdress') params.newLockerId = wo.newLockerId;
  else {
    params.newPhone = wo.newPhone;
    params.role = wo.role;
  }
  if (wo.senderPhone) params.senderPhone = wo.senderPhone;
  return { action: wo.action, ready: wo.ready, ...(wo.done !== undefined ? { done: wo.done } : {}), params };
}

export function toCaseView(
  c: Case,
  opts: { agentName?: (id: string) => string | undefined; lastCustomerMessageAt?: Record<string, string | undefined> },
): CaseView {
  const { workOrder, attachments, ...plain } = c.fields;
  const v: CaseView = {
    id: c.id,
    status: c.status,
    priority: c.priority,
    kind: c.kind,
    reason: c.reason,
    createdAt: c.createdAt,
    queuedAt: c.queuedAt,
    channel: c.channel,
    lang: c.lang,
    conversations: c.conversations.map((x) => {
      const last = opts.lastCustomerMessageAt?.[x.id];
      return { id: x.id, channel: x.channel, joinedAt: x.joinedAt, via: x.via, ...(last ? { lastCustomerMessageAt: last } : {}) };
    }),
    fields: { ...plain, attachments: attachments.map((a) => toAttachmentView(c.id, a)), ...(workOrder ? { workOrder: workOrderView(workOrder) } : {}) },
    summary: c.summary,
    notes: c.notes,
  };
  for (const k of ['firstResponseDueAt', 'assignedTo', 'assignedAt', 'closedAt', 'resolution', 'merges', 'mergedInto'] as const) {
    if (c[k] !== undefined) Object.assign(v, { [k]: c[k] });
  }
  const name = c.assignedTo ? opts.agentName?.(c.assignedTo) : undefined;
  if (name) v.assignedToName = name;
  return v;
}
