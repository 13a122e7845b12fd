/**
 * The hand-off use cases, free of Bot Framework types: escalating a conversation into a case,
 * relaying the customer's messages while a person owns it, the agent's actions, work orders,
 * alerts. The bot side (`bots/handoff/`) turns TurnContexts into these calls and delivers the
 * proactive messages this service queues in the `DeliveryOutbox`.
 *
 * Promises:
 * - one open case per problem (the store joins by conversation, parcel, verified phone, customer);
 * - every message to or from a customer after escalation is in the case transcript before any
 *   event about it is published;
 * - every change an agent makes is published on the `EventBus` (all instances, all consoles);
 * - the customer is never told to go elsewhere: every message here keeps them in this chat.
 */
import { randomBytes } from 'crypto';
import type { BusinessCalendar } from '../calendar/types';
import type { Messages } from '../i18n/messages';
import type { Logger } from '../logging/logger';
import type { Lang } from '../i18n/langs';
import { classifyEscalation } from './vocabulary';
import type { AgentDirectory, AgentIdentity } from './agentAuth';
import type { AuxStore } from './AuxStore';
import type { CaseStore } from './CaseStore';
import { toSummary, type CaseSummary, type DeliveryState, type TranscriptView } from './caseView';
import type { DeliveryOutbox } from './DeliveryOutbox';
import type { CaseEventType, EventBus } from './EventBus';
import type { AlertSink } from './Notifier';
import type {
  Attachment,
  Case,
  CaseFields,
  EscalationReason,
  OwnershipRecord,
  TranscriptEntry,
  WorkOrder,
} from './types';

export interface EscalationInput {
  conversationId: string;
  /** Channel user id: finds the customer's earlier cases. */
  customerKey: string;
  channel: string;
  lang: Lang;
  reason: EscalationReason;
  fields: Omit<Partial<CaseFields>, 'attachments' | 'workOrder'>;
  attachments: Attachment[];
  /** Serialised ConversationReference, for proactive replies. */
  reference: Record<string, unknown>;
}

export interface EscalationResult {
  case: Case;
  joined: boolean;
  /** 1-based queue place (1 when the case is already with an agent). */
  position: number;
  open: boolean;
  nextOpening?: Date;
  expectedResponse?: Date;
}

export interface WorkOrderInput {
  conversationId: string;
  channel: string;
  lang: Lang;
  action: WorkOrder['action'];
  /** Everything staff need, already verified by the flow (parcel, new locker or phone, carrier reference...). */
  params: Record<string, string>;
  fields: Omit<Partial<CaseFields>, 'attachments' | 'workOrder' | 'verifiedPhone'>;
  reference: Record<string, unknown>;
}

export type AgentActionError = 'not_found' | 'already_claimed' | 'not_assigned' | 'agent_offline' | 'not_work_order' | 'closed' | 'no_chat';

export type ActionResult<T> = { ok: true; value: T } | { ok: false; error: AgentActionError };

/** `handoff.status` signals for an external agent hub, sent best effort. */
export type HandoffSignal = (conversationId: string, state: 'accepted' | 'completed' | 'failed', message?: string) => Promise<void>;

export interface HandoffServiceOptions {
  store: CaseStore;
  bus: EventBus;
  aux: AuxStore;
  calendar: BusinessCalendar;
  messages: Messages;
  agents: AgentDirectory;
  alerts: AlertSink;
  outbox: DeliveryOutbox;
  logger: Logger;
  /** First-response targets in working hours for priorities 1, 2, 3. Default 1, 4, 8. */
  targetHours?: [number, number, number];
  unclaimedAlertMinutes?: number;
  /** Console links in alerts: `<publicUrl>/agent#case=<id>`. */
  publicUrl?: string;
  /** Language of summaries and labels agents read. Default `lt`. */
  agentLang?: Lang;
  /** At most one "your message was added" per conversation per this interval. Default 3 min. */
  ackIntervalMs?: number;
  lockerName?: (lockerId: string) => string | undefined;
  signal?: HandoffSignal;
  now?: () => Date;
}

/** Prefix of the stand-in conversation id that ties a work order to a chat without owning it. */
export const WORK_ORDER_CONVERSATION_PREFIX = 'wo:';

const realConversation = (id: string): boolean => !id.startsWith(WORK_ORDER_CONVERSATION_PREFIX);
/** The customer's conversation a work-order stand-in id was made from. */
export function workOrderChat(id: string): string {
  return realConversation(id) ? id : id.slice(WORK_ORDER_CONVERSATION_PREFIX.length).replace(/:[0-9a-f]{12}$/, '');
}

export class HandoffService {
  readonly store: CaseStore;
  readonly bus: EventBus;
  readonly agents: AgentDirectory;
  private readonly targetHours: [number, number, number];
  private readonly agentLang: Lang;
  private readonly ackIntervalMs: number;
  private readonly now: () => Date;

  constructor(private readonly o: HandoffServiceOptions) {
    this.store = o.store;
    this.bus = o.bus;
    this.agents = o.agents;
    this.targetHours = o.targetHours ?? [1, 4, 8];
    this.agentLang = o.agentLang ?? 'lt';
    this.ackIntervalMs = o.ackIntervalMs ?? 3 * 60_000;
    this.now = o.now ?? (() => new Date());
  }

  /** Opens a case (or joins the customer's open one), queues it and says where the customer stands. */
  async escalate(input: EscalationInput): Promise<EscalationResult> {
    const now = this.now();
    const { kind, priority } = classifyEscalation(input.reason, Boolean(input.fields.trackingNumber));
    const due = this.o.calendar.addWorkingHours(now, this.targetHours[priority - 1]);
    const fields: Partial<CaseFields> = { ...stripEmpty(input.fields), attachments: input.attachments };
    const { case: c, joined } = await this.store.createOrJoin({
      conversationId: input.conversationId,
      customerKey: input.customerKey,
      channel: input.channel,
      lang: input.lang,
      kind,
      reason: input.reason,
      priority,
      summary: this.summary(input.reason, fields),
      fields,
      firstResponseDueAt: due.toISOString(),
      at: now,
    });
    await this.store.saveReference(input.conversationId, input.reference);
    if (joined && input.fields.description) {
      await this.appendAndPublish(c.id, input.conversationId, { at: now.toISOString(), from: 'system', text: input.fields.description });
    }
    await this.publish(joined ? 'case.updated' : 'case.created', c.id, { conversationId: input.conversationId });
    const open = this.o.calendar.isOpen(now);
    if (!joined && !open) await this.alert(c, 'handoff.alert.offHours');
    const position = (await this.store.position(c.id)) ?? 1;
    const dueAt = c.firstResponseDueAt ? new Date(c.firstResponseDueAt) : due;
    return { case: c, joined, position, open, nextOpening: open ? undefined : this.o.calendar.nextOpening(now), expectedResponse: dueAt };
  }

  /**
   * A change staff must carry out (the carrier scheduled it): a priority-2 `work_order` case that
   * agents see and complete, while the customer keeps talking to the bot. It is tied to the chat
   * through a stand-in conversation id, so the chat's ownership never changes because of it.
   */
  async createWorkOrder(input: WorkOrderInput): Promise<{ case: Case; joined: boolean }> {
    const now = this.now();
    const standIn = `${WORK_ORDER_CONVERSATION_PREFIX}${input.conversationId}:${randomBytes(6).toString('hex')}`;
    const workOrder: WorkOrder = { action: input.action, params: input.params, ready: true };
    const fields: Partial<CaseFields> = { ...stripEmpty(input.fields), attachments: [], workOrder };
    const { case: c, joined } = await this.store.createOrJoin({
      conversationId: standIn,
      // No customer key and no phone: two work orders of one customer are two tasks, never merged.
      customerKey: '',
      channel: input.channel,
      lang: input.lang,
      kind: 'work_order',
      reason: 'needs_staff',
      priority: 2,
      summary: this.workOrderSummary(workOrder, fields),
      fields,
      firstResponseDueAt: this.o.calendar.addWorkingHours(now, this.targetHours[1]).toISOString(),
      at: now,
    });
    await this.store.saveReference(standIn, input.reference);
    if (joined && JSON.stringify(c.fields.workOrder) !== JSON.stringify(workOrder)) {
      await this.store.addNote(c.id, 'bot', this.workOrderSummary(workOrder, fields) + ' ' + JSON.stringify(input.params), now);
    }
    if (!joined) {
      const chat = await this.store.transcript({ conversationId: input.conversationId });
      for (const e of chat.slice(-20)) await this.store.appendTranscript({ caseId: c.id }, e);
    }
    await this.publish(joined ? 'case.updated' : 'case.created', c.id, {});
    if (!joined && !this.o.calendar.isOpen(now)) await this.alert(c, 'handoff.alert.offHoursWorkOrder');
    return { case: c, joined };
  }

  /** Conversation owner right now; a record pointing at a vanished or closed case reads as `bot`. */
  async ownership(conversationId: string): Promise<OwnershipRecord> {
    const rec = await this.store.getOwnership(conversationId);
    if (rec.state !== 'queued' && rec.state !== 'agent') return rec;
    const c = rec.caseId ? await this.store.get(rec.caseId) : undefined;
    if (!c || c.status === 'closed') {
      await this.store.setOwnership(conversationId, { state: 'bot' });
      return { state: 'bot' };
    }
    return rec;
  }

  /** Records a bot-phase message (customer or bot); lands in the open case if there is one. */
  async record(conversationId: string, entry: TranscriptEntry): Promise<void> {
    const r = await this.store.appendTranscript({ conversationId }, entry);
    if (r.caseId) await this.bus.publish({ type: 'message', caseId: r.caseId, conversationId, entry, seq: r.seq, at: entry.at });
  }

  /**
   * A customer message while a person owns the conversation: into the case transcript, out to the
   * consoles. Returns an acknowledgement to send when one is due (queued, and none sent recently).
   */
  async customerMessage(conversationId: string, rec: OwnershipRecord, entry: TranscriptEntry): Promise<{ caseId: string; seq: number; ack?: { position: number } }> {
    const caseId = rec.caseId!;
    const seq = await this.appendAndPublish(caseId, conversationId, entry);
    if (rec.state !== 'queued') return { caseId, seq };
    if (!(await this.o.aux.setIfAbsent(this.ackKey(conversationId), '1', this.ackIntervalMs))) return { caseId, seq };
    return { caseId, seq, ack: { position: (await this.store.position(caseId)) ?? 1 } };
  }

  /** The customer typed "bot"/"cancel" while waiting or talking to an agent. */
  async customerLeft(conversationId: string, caseId: string): Promise<Case | undefined> {
    const closedNow = await this.store.close(caseId, 'customer', 'customer_left', this.now());
    await this.store.setOwnership(conversationId, { state: 'bot' });
    if (!closedNow) return undefined;
    await this.publish('case.closed', caseId, { conversationId });
    return this.store.get(caseId);
  }

  /** The chat ended (closed case): the bot takes the conversation back. */
  async backToBot(conversationId: string): Promise<void> {
    await this.store.setOwnership(conversationId, { state: 'bot' });
  }

  async recordCustomerActivity(conversationId: string, at: Date): Promise<void> {
    await this.store.recordCustomerMessage(conversationId, at);
  }

  // ---- agent side ----

  agentName = (id: string): string | undefined => this.agents.get(id)?.name;

  async summaryOf(c: Case): Promise<CaseSummary> {
    const position = c.status === 'queued' ? await this.store.position(c.id) : undefined;
    return toSummary(c, { now: this.now(), position, agentName: this.agentName });
  }

  /** Queued cases in queue order, then cases with agents (oldest first). */
  async openCases(): Promise<CaseSummary[]> {
    const now = this.now();
    const queued = await this.store.listQueue();
    const out = queued.map((c, i) => toSummary(c, { now, position: i + 1, agentName: this.agentName }));
    const assigned: Case[] = [];
    for (const a of this.agents.list()) assigned.push(...(await this.store.listByAgent(a.id)));
    assigned.sort((a, b) => Date.parse(a.queuedAt) - Date.parse(b.queuedAt) || a.id.localeCompare(b.id));
    for (const c of assigned) out.push(toSummary(c, { now, agentName: this.agentName }));
    return out;
  }

  async caseDetail(id: string): Promise<{ case: Case; transcript: TranscriptView[]; earlier: CaseSummary[] } | undefined> {
    const c = await this.store.get(id);
    if (!c) return undefined;
    const entries = await this.store.transcript({ caseId: id });
    const states = await this.o.outbox.states(id);
    const transcript: TranscriptView[] = entries.map((e, i) => {
      const seq = i + 1;
      const delivery = states[seq];
      return delivery ? { ...e, seq, delivery } : { ...e, seq };
    });
    const earlier = c.customerKey ? (await this.store.listByCustomer(c.customerKey)).filter((x) => x.id !== id) : [];
    const now = this.now();
    return { case: c, transcript, earlier: earlier.map((x) => toSummary(x, { now, agentName: this.agentName })) };
  }

  async claim(id: string, agent: AgentIdentity): Promise<ActionResult<Case>> {
    const before = await this.store.get(id);
    if (!before) return { ok: false, error: 'not_found' };
    if (!(await this.store.claim(id, agent.id, this.now()))) return { ok: false, error: before.status === 'closed' ? 'closed' : 'already_claimed' };
    const c = (await this.store.get(id))!;
    await this.publish('case.claimed', id, { agentId: agent.id });
    for (const conv of c.conversationIds.filter(realConversation)) {
      await this.sendBot(c, conv, 'handoff.agentJoined', { name: agent.name });
      await this.signal(conv, 'accepted');
    }
    return { ok: true, value: c };
  }

  /** An agent's reply, delivered on the channel the customer wrote from last. */
  async agentMessage(id: string, agent: AgentIdentity, text: string): Promise<ActionResult<TranscriptView>> {
    const c = await this.store.get(id);
    if (!c) return { ok: false, error: 'not_found' };
    if (c.status !== 'assigned' || c.assignedTo !== agent.id) return { ok: false, error: 'not_assigned' };
    const target = await this.replyConversation(c);
    if (!target) return { ok: false, error: 'no_chat' };
    const entry: TranscriptEntry = { at: this.now().toISOString(), from: 'agent', text, agentId: agent.id };
    const seq = await this.appendAndPublish(id, target, entry);
    const delivery = await this.o.outbox.submit({ conversationId: target, caseId: id, seq, from: 'agent', text });
    return { ok: true, value: { ...entry, seq, delivery } };
  }

  async addNote(id: string, agent: AgentIdentity, text: string): Promise<ActionResult<Case>> {
    if (!(await this.store.get(id))) return { ok: false, error: 'not_found' };
    const c = await this.store.addNote(id, agent.id, text, this.now());
    await this.publish('case.updated', id, { agentId: agent.id });
    return { ok: true, value: c };
  }

  /** To another online agent; only the agent holding the case may hand it over. */
  async transfer(id: string, agent: AgentIdentity, targetId: string): Promise<ActionResult<Case>> {
    const target = this.agents.get(targetId);
    if (!target || !(await this.store.isOnline(target.id, this.now()))) return { ok: false, error: 'agent_offline' };
    const c = await this.store.get(id);
    if (!c) return { ok: false, error: 'not_found' };
    if (!(await this.store.transfer(id, agent.id, target.id, this.now()))) return { ok: false, error: 'not_assigned' };
    await this.publish('case.transferred', id, { agentId: target.id });
    return { ok: true, value: (await this.store.get(id))! };
  }

  /** Supervisor: give a queued or assigned case to an online agent. */
  async reassign(id: string, targetId: string): Promise<ActionResult<Case>> {
    const target = this.agents.get(targetId);
    if (!target || !(await this.store.isOnline(target.id, this.now()))) return { ok: false, error: 'agent_offline' };
    for (let attempt = 0; attempt < 5; attempt++) {
      const c = await this.store.get(id);
      if (!c) return { ok: false, error: 'not_found' };
      if (c.status === 'closed') return { ok: false, error: 'closed' };
      if (c.status === 'assigned' && c.assignedTo === target.id) return { ok: true, value: c };
      const done = c.status === 'queued' ? await this.store.claim(id, target.id, this.now()) : await this.store.transfer(id, c.assignedTo!, target.id, this.now());
      if (done) {
        await this.publish('case.transferred', id, { agentId: target.id });
        return { ok: true, value: (await this.store.get(id))! };
      }
    }
    return { ok: false, error: 'already_claimed' };
  }

  /** Back to the queue at its original place (the holder, or anyone when `force`). */
  async release(id: string, agent: AgentIdentity, force = false): Promise<ActionResult<Case>> {
    const c = await this.store.get(id);
    if (!c) return { ok: false, error: 'not_found' };
    if (c.status !== 'assigned' || (!force && c.assignedTo !== agent.id)) return { ok: false, error: 'not_assigned' };
    if (!(await this.store.release(id))) return { ok: false, error: 'not_assigned' };
    await this.publish('case.released', id, { agentId: agent.id });
    return { ok: true, value: (await this.store.get(id))! };
  }

  /** Closes with a resolution; the customer is told and is back with the bot. */
  async close(id: string, agent: AgentIdentity, resolution: string, messageKey = 'handoff.closed'): Promise<ActionResult<Case>> {
    const c = await this.store.get(id);
    if (!c) return { ok: false, error: 'not_found' };
    if (!(await this.store.close(id, agent.id, resolution, this.now()))) return { ok: false, error: 'closed' };
    const after = (await this.store.get(id))!;
    await this.publish('case.closed', id, { agentId: agent.id });
    for (const conv of c.conversationIds.filter(realConversation)) {
      await this.sendBot(after, conv, messageKey, { caseId: id });
      await this.signal(conv, 'completed');
    }
    return { ok: true, value: after };
  }

  async returnToBot(id: string, agent: AgentIdentity): Promise<ActionResult<Case>> {
    return this.close(id, agent, 'returned_to_bot', 'handoff.returnedToBot');
  }

  /** Staff carried out the change: the customer hears it in their chat; the case closes. */
  async workOrderDone(id: string, agent: AgentIdentity): Promise<ActionResult<Case>> {
    const c = await this.store.get(id);
    if (!c) return { ok: false, error: 'not_found' };
    const wo = c.fields.workOrder;
    if (!wo) return { ok: false, error: 'not_work_order' };
    if (c.status === 'closed') return { ok: false, error: 'closed' };
    await this.store.update(id, { fields: { workOrder: { ...wo, done: true } } });
    if (!(await this.store.close(id, agent.id, 'work_order_done', this.now()))) return { ok: false, error: 'closed' };
    const after = (await this.store.get(id))!;
    await this.publish('case.closed', id, { agentId: agent.id });
    const params = { caseId: id, trackingNumber: wo.params.trackingNumber ?? c.fields.trackingNumber ?? '' };
    for (const conv of c.conversationIds) await this.sendBot(after, conv, 'handoff.workOrderDone', params);
    for (const conv of c.conversationIds.filter(realConversation)) await this.signal(conv, 'completed');
    return { ok: true, value: after };
  }

  async agentsOverview(): Promise<{ id: string; name: string; role: string; online: boolean; openCases: number; cases: CaseSummary[] }[]> {
    const now = this.now();
    const out = [];
    for (const a of this.agents.list()) {
      const cases = await this.store.listByAgent(a.id);
      out.push({
        ...a,
        online: await this.store.isOnline(a.id, now),
        openCases: cases.length,
        cases: cases.map((c) => toSummary(c, { now, agentName: this.agentName })),
      });
    }
    return out;
  }

  async setPresence(agentId: string, online: boolean): Promise<void> {
    const was = await this.store.isOnline(agentId, this.now());
    await this.store.setPresence(agentId, online, this.now());
    if (was !== online) await this.bus.publish({ type: 'presence', agentId, online, at: this.now().toISOString() });
  }

  /** One webhook per priority-1 case left unclaimed too long; returns how many alerts went out. */
  async alertUnclaimed(): Promise<number> {
    const minutes = this.o.unclaimedAlertMinutes ?? 10;
    const limit = this.now().getTime() - minutes * 60_000;
    let sent = 0;
    for (const c of await this.store.listQueue()) {
      if (c.priority !== 1) break;
      if (Date.parse(c.queuedAt) > limit) continue;
      if (!(await this.o.aux.setIfAbsent(`alert:unclaimed:${c.id}`, '1', 30 * 86_400_000))) continue;
      await this.alert(c, 'handoff.alert.unclaimed', { minutes });
      sent += 1;
    }
    return sent;
  }

  /**
   * Cases held by an agent who has been offline longer than `graceMs` go back to the queue at their
   * original place, so no customer waits on someone who left. Returns the released case ids.
   */
  async releaseFromOfflineAgents(graceMs = 5 * 60_000): Promise<string[]> {
    const now = this.now();
    const released: string[] = [];
    for (const a of this.agents.list()) {
      const key = `offline-since:${a.id}`;
      if (await this.store.isOnline(a.id, now)) {
        await this.o.aux.del(key);
        continue;
      }
      const cases = await this.store.listByAgent(a.id);
      if (!cases.length) continue;
      await this.o.aux.setIfAbsent(key, String(now.getTime()), 7 * 86_400_000);
      const since = Number((await this.o.aux.get(key)) ?? now.getTime());
      if (now.getTime() - since < graceMs) continue;
      for (const c of cases) {
        if (!(await this.store.release(c.id))) continue;
        await this.publish('case.released', c.id, { agentId: a.id });
        released.push(c.id);
      }
      await this.o.aux.del(key);
    }
    if (released.length) this.o.logger.warn({ released }, 'HandoffService: cases of offline agents returned to the queue');
    return released;
  }

  /** Agent-facing label of a resolution code. */
  resolutionLabel(code: string, lang: Lang = this.agentLang): string {
    return this.o.messages.t(lang, `handoff.resolution.${code}`);
  }

  // ---- internals ----

  private ackKey(conversationId: string): string {
    return `ack:${conversationId}`;
  }

  private async appendAndPublish(caseId: string, conversationId: string, entry: TranscriptEntry): Promise<number> {
    const { seq } = await this.store.appendTranscript({ caseId }, entry);
    await this.bus.publish({ type: 'message', caseId, conversationId, entry, seq, at: entry.at });
    return seq;
  }

  /** A bot-written message to a conversation of the case, through the outbox (never tagged as human). */
  private async sendBot(c: Case, conversationId: string, key: string, params: Record<string, string>): Promise<DeliveryState> {
    const text = this.o.messages.t(c.lang, key, params);
    const entry: TranscriptEntry = { at: this.now().toISOString(), from: 'bot', text };
    const seq = await this.appendAndPublish(c.id, conversationId, entry);
    return this.o.outbox.submit({ conversationId, caseId: c.id, seq, from: 'bot', text });
  }

  /** The real conversation the customer used last. */
  private async replyConversation(c: Case): Promise<string | undefined> {
    const real = c.conversationIds.filter(realConversation);
    let best: { id: string; at: number } | undefined;
    for (const id of real) {
      const at = (await this.store.lastCustomerMessageAt(id))?.getTime() ?? 0;
      if (!best || at > best.at) best = { id, at };
    }
    return best?.id;
  }

  private async signal(conversationId: string, state: 'accepted' | 'completed' | 'failed'): Promise<void> {
    if (!this.o.signal) return;
    try {
      await this.o.signal(conversationId, state);
    } catch (err) {
      this.o.logger.warn({ err, conversationId, state }, 'HandoffService: handoff.status not delivered');
    }
  }

  private async publish(type: CaseEventType, caseId: string, extra: { conversationId?: string; agentId?: string }): Promise<void> {
    await this.bus.publish({ type, caseId, ...extra, at: this.now().toISOString() });
  }

  private async alert(c: Case, key: string, params: Record<string, string | number> = {}): Promise<void> {
    const text = this.o.messages.t(this.agentLang, key, { caseId: c.id, priority: c.priority, ...params });
    const base = this.o.publicUrl?.replace(/\/+$/, '') ?? '';
    await this.o.alerts.alert({ text, caseId: c.id, priority: c.priority, summary: c.summary, url: `${base}/agent#case=${encodeURIComponent(c.id)}` });
  }

  private summary(reason: EscalationReason, f: Partial<CaseFields>): string {
    const m = this.o.messages;
    const parts = [m.t(this.agentLang, `handoff.agentView.reason.${reason}`)];
    if (f.trackingNumber) parts.push(f.trackingNumber);
    if (f.lockerId) parts.push(this.o.lockerName?.(f.lockerId) ?? f.lockerId);
    if (f.description) parts.push(`„${oneLine(f.description, 80)}“`);
    if (f.attachments?.length) parts.push(`📎${f.attachments.length}`);
    return parts.join(' · ');
  }

  private workOrderSummary(wo: WorkOrder, f: Partial<CaseFields>): string {
    const m = this.o.messages;
    const target = wo.action === 'readdress' ? (this.o.lockerName?.(wo.params.newLockerId ?? '') ?? wo.params.newLockerId ?? '') : (wo.params.role ?? '');
    const parts = [m.t(this.agentLang, `handoff.agentView.workOrder.${wo.action}`, { target })];
    if (f.trackingNumber) parts.push(f.trackingNumber);
    if (wo.params.carrierReference) parts.push(wo.params.carrierReference);
    return parts.join(' · ');
  }
}

function oneLine(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

function stripEmpty<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;
}
