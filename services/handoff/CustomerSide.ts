/**
 * The customer side of the hand-off: escalating a conversation into a case (or joining the
 * customer's own open case), work orders, conversation ownership, and recording what the customer
 * and the bot say — in the bot phase into the pre-case buffer, while a person owns the chat into
 * the case transcript and out to the consoles.
 *
 * What a customer can learn here is only about their own case: a conversation joins an open case
 * only on a join key (the same conversation, the same channel identity, a phone proven in this
 * conversation); a parcel number alone opens a new case the agents see as related, and the
 * customer is told about their new case only. Replies name `toldCaseId`, the case id this
 * conversation's customer already knows.
 */
import { createHash } from 'crypto';
import type { Lang } from '../i18n/langs';
import type { IncomingAttachment } from './attachments';
import type { HandoffCore } from './HandoffCore';
import type { Case, CaseFields, EscalationReason, OwnershipRecord, TranscriptEntry, WorkOrder } from './types';
import { classifyEscalation } from './vocabulary';

export interface EscalationInput {
  conversationId: string;
  /** Channel user id: joins the same customer's case, finds their earlier cases. */
  customerKey: string;
  channel: string;
  lang: Lang;
  reason: EscalationReason;
  /** `verifiedPhone` only from a phone proven in this conversation (the gateway maps it). */
  fields: Omit<Partial<CaseFields>, 'attachments' | 'workOrder'>;
  attachments: IncomingAttachment[];
  /** Serialised ConversationReference, for proactive replies. */
  reference: Record<string, unknown>;
}

/**
 * The customer identity opened too many new cases in the last hour (`casesPerCustomerPerHour`):
 * no case is opened; what they wrote stays in the conversation's pre-case buffer.
 */
export interface EscalationLimited {
  limited: true;
  /** When a new case may be opened again. */
  retryAt: Date;
}

export interface EscalationResult {
  limited?: false;
  /** The id this conversation's customer may be told (their own case). */
  caseId: string;
  priority: Case['priority'];
  kind: Case['kind'];
  reason: Case['reason'];
  joined: boolean;
  /** 1-based queue place (1 when the case is already with an agent). */
  position: number;
  open: boolean;
  nextOpening?: Date;
  expectedResponse?: Date;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A work order as the bot flow describes it: the carrier scheduled it, staff carry it out. */
export type WorkOrderDraft = DistributiveOmit<WorkOrder, 'chat' | 'ready' | 'done'>;

export interface WorkOrderInput {
  conversationId: string;
  channel: string;
  lang: Lang;
  order: WorkOrderDraft;
  fields: Omit<Partial<CaseFields>, 'attachments' | 'workOrder' | 'verifiedPhone'>;
  reference: Record<string, unknown>;
}

/** A message from the customer's channel, before the hand-off decides what to keep of it. */
export interface IncomingEntry {
  at: string;
  from: 'customer' | 'bot';
  text: string;
  attachments?: IncomingAttachment[];
}

/** What the middleware needs to answer a customer while a person owns the chat. */
export interface RelayedMessage {
  caseId: string;
  seq: number;
  /** The case's language: the middleware answers in it. */
  lang: Lang;
  /** The case id this conversation's customer knows. */
  toldCaseId: string;
  /** Present when a "your message was added" is due (queued, none sent recently). */
  ack?: { position: number };
}

export type ActiveOwnership = Extract<OwnershipRecord, { state: 'queued' | 'agent' }>;

function stripEmpty<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;
}

export class CustomerSide {
  /** Per conversation, the last transcript write under way (entries leave when written). */
  private readonly recording = new Map<string, Promise<void>>();

  constructor(private readonly core: HandoffCore) {}

  /** Opens a case (or joins the customer's own open one), queues it and says where the customer stands. */
  async escalate(input: EscalationInput): Promise<EscalationResult | EscalationLimited> {
    await this.recorded(input.conversationId);
    const { core } = this;
    const now = core.now();
    const counted = await this.countNewCase(input, now);
    if (counted && !counted.allowed) return { limited: true, retryAt: new Date(now.getTime() + counted.resetInMs) };
    const { kind, priority } = classifyEscalation(input.reason, Boolean(input.fields.trackingNumber));
    const due = core.dueFor(priority, now);
    const attachments = (await core.keep(input.attachments, input.channel)) ?? [];
    const fields: Partial<CaseFields> = { ...stripEmpty(input.fields), attachments };
    const { case: c, joined } = await core.store.createOrJoin({
      conversationId: input.conversationId,
      customerKey: input.customerKey,
      channel: input.channel,
      lang: input.lang,
      kind,
      reason: input.reason,
      priority,
      summary: core.text.summary(input.reason, fields),
      fields,
      firstResponseDueAt: due.toISOString(),
      at: now,
    });
    // Joined after all (a race with the customer's other conversation, a proven phone): not a new case.
    if (joined && counted) await core.caseLimiter?.refund(counted.key).catch((err: unknown) => core.logger.warn({ err }, 'CustomerSide.escalate(): case limit not refunded'));
    await core.store.saveReference(input.conversationId, input.reference);
    if (joined && input.fields.description) {
      await core.appendAndPublish(c.id, input.conversationId, { at: now.toISOString(), from: 'system', text: input.fields.description, conversationId: input.conversationId });
    }
    await core.publish(joined ? 'case.updated' : 'case.created', c.id, { conversationId: input.conversationId });
    // One after another: on a Redis Cluster each PUBLISH may go to another node, so only waiting keeps the order.
    for (const relatedId of joined ? [] : c.related) await core.publish('case.updated', relatedId);
    const open = core.calendar.isOpen(now);
    if (!joined && !open) await core.alert(c, 'handoff.alert.offHours');
    core.reports.record({ type: 'handoff', at: now.toISOString(), conversationId: input.conversationId, caseId: c.id, reason: input.reason, priority: c.priority, joined });
    const position = (await core.store.position(c.id)) ?? 1;
    const dueAt = c.firstResponseDueAt ? new Date(c.firstResponseDueAt) : due;
    const told = c.conversations.find((x) => x.id === input.conversationId)?.toldCaseId ?? c.id;
    return {
      caseId: told,
      priority: c.priority,
      kind: c.kind,
      reason: c.reason,
      joined,
      position,
      open,
      nextOpening: open ? undefined : core.calendar.nextOpening(now),
      expectedResponse: dueAt,
    };
  }

  /**
   * Counts a new case against the customer identity's hourly limit, unless the escalation joins the
   * customer's own open case (the same conversation or channel identity: finding 1's join keys),
   * which never counts. Undefined when nothing was counted; a failing limit store lets the case
   * through (a real customer must always reach a person).
   */
  private async countNewCase(input: EscalationInput, now: Date): Promise<{ allowed: boolean; resetInMs: number; key: string } | undefined> {
    const { core } = this;
    const limiter = core.caseLimiter;
    if (!limiter || !input.customerKey) return undefined;
    try {
      if (await core.store.findOpenCase(input.conversationId)) return undefined;
      if ((await core.store.listByCustomer(input.customerKey)).some((c) => c.status !== 'closed')) return undefined;
      const key = createHash('sha256').update(`${input.channel}\n${input.customerKey}`).digest('base64url').slice(0, 32);
      const d = await limiter.consume(key);
      if (!d.allowed) core.logger.info({ conversationId: input.conversationId, channel: input.channel, consumed: d.consumed, at: now.toISOString() }, 'CustomerSide.escalate(): new-case limit reached for this customer; no case opened');
      return { allowed: d.allowed, resetInMs: d.resetInMs, key };
    } catch (err) {
      core.logger.warn({ err, conversationId: input.conversationId }, 'CustomerSide.escalate(): case limit store failed; the case is opened');
      return undefined;
    }
  }

  /**
   * A change staff must carry out (the carrier scheduled it): a priority-2 `work_order` case that
   * agents see and complete, while the customer keeps talking to the bot. The order names its
   * chat (`workOrder.chat`); the case owns no conversation, so the chat's ownership never changes
   * because of it, and two orders are always two tasks (related when they share a parcel).
   */
  async createWorkOrder(input: WorkOrderInput): Promise<{ case: Case }> {
    await this.recorded(input.conversationId);
    const { core } = this;
    const now = core.now();
    const workOrder: WorkOrder = { ...input.order, chat: { conversationId: input.conversationId, channel: input.channel }, ready: true };
    const fields: Partial<CaseFields> = { ...stripEmpty(input.fields), attachments: [], workOrder };
    const { case: c } = await core.store.createOrJoin({
      customerKey: '',
      channel: input.channel,
      lang: input.lang,
      kind: 'work_order',
      reason: 'needs_staff',
      priority: 2,
      summary: core.text.workOrderSummary(workOrder),
      fields,
      firstResponseDueAt: core.dueFor(2, now).toISOString(),
      at: now,
    });
    await core.store.saveReference(input.conversationId, input.reference);
    const chat = await core.store.transcript({ conversationId: input.conversationId });
    for (const e of chat.slice(-20)) await core.store.appendTranscript({ caseId: c.id }, e);
    await core.publish('case.created', c.id);
    for (const relatedId of c.related) await core.publish('case.updated', relatedId);
    if (!core.calendar.isOpen(now)) await core.alert(c, 'handoff.alert.offHoursWorkOrder');
    return { case: c };
  }

  /** Conversation owner right now; a record pointing at a vanished or closed case reads as `bot`. */
  async ownership(conversationId: string): Promise<OwnershipRecord> {
    const { store } = this.core;
    const rec = await store.getOwnership(conversationId);
    if (rec.state !== 'queued' && rec.state !== 'agent') return rec;
    const c = await store.get(rec.caseId);
    if (!c || c.status === 'closed' || !c.conversations.some((x) => x.id === conversationId)) {
      await store.setOwnership(conversationId, { state: 'bot' });
      return { state: 'bot' };
    }
    return rec;
  }

  /**
   * Records a bot-phase message (customer or bot); lands in the open case if there is one.
   * Entries of one conversation are written one after another in the order recorded, even when
   * the caller does not wait (the hand-off middleware records the bot's replies beside the rest
   * of the turn), and a case created or joined meanwhile waits for them (`escalate`,
   * `createWorkOrder`), so its transcript has them in order before what the case adds.
   */
  record(conversationId: string, channel: string, incoming: IncomingEntry): Promise<void> {
    const written = (this.recording.get(conversationId) ?? Promise.resolve()).then(() => this.recordNow(conversationId, channel, incoming));
    const settled = written.then(
      () => undefined,
      () => undefined,
    );
    this.recording.set(conversationId, settled);
    void settled.then(() => {
      if (this.recording.get(conversationId) === settled) this.recording.delete(conversationId);
    });
    return written;
  }

  /** Resolves when the entries recorded so far for `conversationId` are written (or failed). */
  recorded(conversationId: string): Promise<void> {
    return this.recording.get(conversationId) ?? Promise.resolve();
  }

  private async recordNow(conversationId: string, channel: string, incoming: IncomingEntry): Promise<void> {
    const entry = await this.entry(conversationId, channel, incoming);
    const r = await this.core.store.appendTranscript({ conversationId }, entry);
    if (r.caseId) await this.core.bus.publish({ type: 'message', caseId: r.caseId, conversationId, entry, seq: r.seq, at: entry.at });
  }

  /**
   * A customer message while a person owns the conversation: into the case transcript, out to the
   * consoles. Says in which language to answer and whether an acknowledgement is due.
   */
  async customerMessage(conversationId: string, channel: string, rec: ActiveOwnership, incoming: IncomingEntry): Promise<RelayedMessage> {
    const { core } = this;
    const c = await core.store.get(rec.caseId);
    const entry = await this.entry(conversationId, channel, incoming);
    const seq = await core.appendAndPublish(rec.caseId, conversationId, entry);
    const base = { caseId: rec.caseId, seq, lang: c?.lang ?? 'lt', toldCaseId: c?.conversations.find((x) => x.id === conversationId)?.toldCaseId ?? rec.caseId };
    if (rec.state !== 'queued') return base;
    if (!(await core.flags.setOnce(`ack:${conversationId}`, core.ackIntervalMs)).first) return base;
    return { ...base, ack: { position: (await core.store.position(rec.caseId)) ?? 1 } };
  }

  /** The customer typed "bot"/"cancel" while waiting or talking to an agent. */
  async customerLeft(conversationId: string, caseId: string): Promise<void> {
    const { core } = this;
    const now = core.now();
    const closed = await core.store.close(caseId, 'customer', 'customer_left', now);
    await core.store.setOwnership(conversationId, { state: 'bot' });
    if (!closed.ok) return;
    const c = closed.case;
    core.reports.record({ type: 'case_closed', at: now.toISOString(), caseId, priority: c.priority, resolution: 'customer_left', workingSeconds: core.workingSeconds(c.createdAt, now) });
    await core.publish('case.closed', caseId, { conversationId });
  }

  /** The chat ended (closed case): the bot takes the conversation back. */
  async backToBot(conversationId: string): Promise<void> {
    await this.core.store.setOwnership(conversationId, { state: 'bot' });
  }

  async recordCustomerActivity(conversationId: string, at: Date): Promise<void> {
    await this.core.store.recordCustomerMessage(conversationId, at);
  }

  private async entry(conversationId: string, channel: string, incoming: IncomingEntry): Promise<TranscriptEntry> {
    const entry: TranscriptEntry = { at: incoming.at, from: incoming.from, text: incoming.text, conversationId };
    const attachments = await this.core.keep(incoming.attachments, channel);
    if (attachments) entry.attachments = attachments;
    return entry;
  }
}
