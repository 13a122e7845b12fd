/**
 * What the parts of the hand-off service share (internal to `services/handoff`): the store, the
 * bus, the outbox, the clock, and the few steps every part takes the same way — append to a
 * transcript and then publish, send a bot message to one conversation of a case, signal an
 * external hub, alert the team. Keeping them here is what makes the promises of `HandoffService`
 * hold for every part:
 *
 * - an entry is in the case transcript before any event about it is published;
 * - a bot message goes to one conversation *of that case* and mentions only the case id that
 *   conversation's customer was told (`CaseConversation.toldCaseId`).
 */
import type { BusinessCalendar } from '../calendar/types';
import type { Messages } from '../i18n/messages';
import type { Lang } from '../i18n/langs';
import type { Logger } from '../logging/logger';
import type { AgentDirectory } from './agentAuth';
import { AttachmentKeeper, type IncomingAttachment, type StoredAttachmentLookup } from './attachments';
import type { CaseStore } from './CaseStore';
import type { DeliveryState } from './caseView';
import { CaseText } from './CaseText';
import type { DeliveryJob, DeliveryOutbox } from './DeliveryOutbox';
import { NO_REPORTS, type ReportSink } from '../reports/ReportRecorder';
import type { RatingState } from '../reports/RatingState';
import type { CaseEventType, EventBus } from './EventBus';
import type { AlertSink } from './Notifier';
import type { OnceFlags } from './ports';
import type { LimiterFactory, NamedLimiter } from '../limits/limiter';
import type { Attachment, Case, TranscriptEntry } from './types';

export type AgentActionError =
  | 'not_found'
  | 'already_claimed'
  | 'not_assigned'
  | 'agent_offline'
  | 'not_work_order'
  | 'closed'
  | 'no_chat'
  /** Only the agent holding the case (or a supervisor) may do this. */
  | 'forbidden'
  /** Not an agent resolution code (system codes are set by the system only). */
  | 'invalid_resolution'
  /** The case has several conversations: the reply must name one. */
  | 'conversation_required'
  /** The named conversation is not one of the case's. */
  | 'unknown_conversation'
  /** Closed, the same case, or a work order. */
  | 'not_mergeable';

export type ActionResult<T> = { ok: true; value: T } | { ok: false; error: AgentActionError };

/** `handoff.status` signals for an external agent hub, sent best effort. */
export type HandoffSignal = (conversationId: string, state: 'accepted' | 'completed' | 'failed', message?: string) => Promise<void>;

export interface HandoffServiceOptions {
  store: CaseStore;
  bus: EventBus;
  flags: OnceFlags;
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
  /** The embedded Direct Line's stored uploads (in-process). Default: none are kept as stored. */
  storedAttachments?: StoredAttachmentLookup;
  /**
   * Escalation limits (issue 9), counted on these limiters (memory, or Redis shared by every
   * instance). Without a factory nothing is limited.
   */
  limits?: LimiterFactory;
  /** New cases one customer identity may open per hour; joining their own open case never counts. Default 3. */
  casesPerCustomerPerHour?: number;
  /** Out-of-hours webhook alerts per hour for the whole service; the rest are logged, not sent. Default 10. */
  offHoursAlertsPerHour?: number;
  /** Report events (hand-offs, claims, first replies, closes); none when absent. */
  reports?: ReportSink;
  /** When set, the customer is asked to rate an agent's help when the agent closes the case. */
  ratings?: RatingState;
  now?: () => Date;
}

/** Alert keys throttled by `offHoursAlertsPerHour` (a flood of new cases at night must not flood the team chat). */
const OFF_HOURS_ALERTS = new Set(['handoff.alert.offHours', 'handoff.alert.offHoursWorkOrder']);

export class HandoffCore {
  readonly store: CaseStore;
  readonly bus: EventBus;
  readonly flags: OnceFlags;
  readonly outbox: DeliveryOutbox;
  readonly agents: AgentDirectory;
  readonly calendar: BusinessCalendar;
  readonly messages: Messages;
  readonly logger: Logger;
  readonly text: CaseText;
  readonly keeper: AttachmentKeeper;
  readonly targetHours: [number, number, number];
  readonly agentLang: Lang;
  readonly ackIntervalMs: number;
  readonly now: () => Date;
  /** New cases per customer identity per hour (undefined: unlimited). */
  readonly caseLimiter?: NamedLimiter;
  private readonly offHoursAlertLimiter?: NamedLimiter;
  readonly reports: ReportSink;

  constructor(readonly o: HandoffServiceOptions) {
    this.reports = o.reports ?? NO_REPORTS;
    this.store = o.store;
    this.bus = o.bus;
    this.flags = o.flags;
    this.outbox = o.outbox;
    this.agents = o.agents;
    this.calendar = o.calendar;
    this.messages = o.messages;
    this.logger = o.logger;
    this.targetHours = o.targetHours ?? [1, 4, 8];
    this.agentLang = o.agentLang ?? 'lt';
    this.ackIntervalMs = o.ackIntervalMs ?? 3 * 60_000;
    this.now = o.now ?? (() => new Date());
    this.text = new CaseText(o.messages, this.agentLang, o.lockerName, o.calendar.timeZone);
    this.keeper = new AttachmentKeeper(o.storedAttachments);
    if (o.limits) {
      this.caseLimiter = o.limits.create('handoff.cases-per-customer', { points: o.casesPerCustomerPerHour ?? 3, windowSeconds: 3600 });
      this.offHoursAlertLimiter = o.limits.create('handoff.offhours-alerts', { points: o.offHoursAlertsPerHour ?? 10, windowSeconds: 3600 });
    }
  }

  agentName = (id: string): string | undefined => this.agents.get(id)?.name;

  /** Incoming attachments as the hand-off keeps them (see `attachments.ts`). */
  async keep(list: IncomingAttachment[] | undefined, channel: string): Promise<Attachment[] | undefined> {
    if (!list?.length) return undefined;
    return this.keeper.keep(list, channel);
  }

  async appendAndPublish(caseId: string, conversationId: string | undefined, entry: TranscriptEntry): Promise<number> {
    const { seq } = await this.store.appendTranscript({ caseId }, entry);
    if (conversationId) await this.bus.publish({ type: 'message', caseId, conversationId, entry, seq, at: entry.at });
    else await this.bus.publish({ type: 'case.updated', caseId, at: entry.at });
    return seq;
  }

  /**
   * A bot-written message to one conversation of `c` (or a work order's chat), through the outbox
   * (never tagged as human). `{{caseId}}` is always the id the conversation's customer knows.
   */
  async sendBot(c: Case, conversationId: string, key: string, params: Record<string, string> = {}, buttons?: DeliveryJob['buttons']): Promise<DeliveryState> {
    const told = c.conversations.find((x) => x.id === conversationId)?.toldCaseId ?? c.id;
    const text = this.messages.t(c.lang, key, { ...params, caseId: told });
    const entry: TranscriptEntry = { at: this.now().toISOString(), from: 'bot', text, conversationId };
    const seq = await this.appendAndPublish(c.id, conversationId, entry);
    return this.outbox.submit({ conversationId, caseId: c.id, seq, from: 'bot', text, ...(buttons?.length ? { buttons } : {}) });
  }

  async signal(conversationId: string, state: 'accepted' | 'completed' | 'failed'): Promise<void> {
    if (!this.o.signal) return;
    try {
      await this.o.signal(conversationId, state);
    } catch (err) {
      this.logger.warn({ err, conversationId, state }, 'HandoffService: handoff.status not delivered');
    }
  }

  async publish(type: CaseEventType, caseId: string, extra: { conversationId?: string; agentId?: string } = {}): Promise<void> {
    await this.bus.publish({ type, caseId, ...extra, at: this.now().toISOString() });
  }

  async alert(c: Case, key: string, params: Record<string, string | number> = {}): Promise<void> {
    if (OFF_HOURS_ALERTS.has(key) && this.offHoursAlertLimiter) {
      let allowed = true;
      try {
        allowed = (await this.offHoursAlertLimiter.consume('all')).allowed;
      } catch (err) {
        // A failing limit store must not hide a real case from the team: send the alert.
        this.logger.warn({ err, caseId: c.id }, 'HandoffCore.alert(): alert limit store failed; alert sent anyway');
      }
      if (!allowed) {
        this.logger.info({ caseId: c.id, priority: c.priority }, 'HandoffCore.alert(): out-of-hours alert limit reached; the case is in the queue, no webhook sent');
        return;
      }
    }
    const text = this.messages.t(this.agentLang, key, { caseId: c.id, priority: c.priority, ...params });
    const base = this.o.publicUrl?.replace(/\/+$/, '') ?? '';
    await this.o.alerts.alert({ text, caseId: c.id, priority: c.priority, summary: c.summary, url: `${base}/agent#case=${encodeURIComponent(c.id)}` });
  }

  /** Working seconds between two moments (business calendar). */
  workingSeconds(from: string | Date, to: Date): number {
    return Math.round(this.calendar.workingMsBetween(new Date(from), to) / 1000);
  }

  /** First-response target for a priority, from now, in working hours. */
  dueFor(priority: 1 | 2 | 3, from: Date): Date {
    return this.calendar.addWorkingHours(from, this.targetHours[priority - 1]);
  }
}
