/**
 * The words agents read about cases, all from the message files (`handoff.agentView.*`,
 * `handoff.resolution.*`): the one-line queue summary, work-order summaries, resolution labels,
 * merge markers, and the label tables the console shows (`labels()`, served by
 * `GET /agent/api/labels`). The vocabularies themselves come from `vocabulary.ts`; this file only
 * names them in a language. Lithuanian is the agents' default.
 */
import type { Lang } from '../i18n/langs';
import type { Messages } from '../i18n/messages';
import type { ConsoleLabels } from './consoleContract';
import type { CaseFields, EscalationReason, JoinVia, WorkOrder } from './types';
import { CASE_KINDS, ESCALATION_REASONS, PRIORITIES, RESOLUTION_CODES } from './vocabulary';

/** Fields and work-order parameters the console labels, in display order. */
export const LABELLED_FIELDS = [
  'trackingNumber',
  'senderPhone',
  'recipientPhone',
  'contactPhone',
  'verifiedPhone',
  'lockerId',
  'description',
  'newLockerId',
  'newPhone',
  'role',
  'carrierReference',
  'workingDays',
] as const;

/** What a work-order summary names: the action, its target, the parcel and the carrier reference. */
export type WorkOrderSummaryInput = { trackingNumber: string; carrierReference: string } & (
  | { action: 'readdress'; newLockerId: string }
  | { action: 'change_phone'; role: string }
);

export const WORK_ORDER_ACTIONS: readonly WorkOrder['action'][] = ['readdress', 'change_phone'];
export const JOIN_VIAS: readonly JoinVia[] = ['opened', 'same_conversation', 'same_customer', 'proven_phone', 'merged'];

function oneLine(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

export class CaseText {
  constructor(
    private readonly messages: Messages,
    private readonly agentLang: Lang,
    private readonly lockerName?: (lockerId: string) => string | undefined,
    /** The business time zone the console shows times in (the calendar's). */
    private readonly timeZone = 'Europe/Vilnius',
  ) {}

  /** The queue line: reason · parcel · locker · „description“ · 📎n. */
  summary(reason: EscalationReason, f: Partial<CaseFields>): string {
    const parts = [this.messages.t(this.agentLang, `handoff.agentView.reason.${reason}`)];
    if (f.trackingNumber) parts.push(f.trackingNumber);
    if (f.lockerId) parts.push(this.lockerName?.(f.lockerId) ?? f.lockerId);
    if (f.description) parts.push(`„${oneLine(f.description, 80)}“`);
    if (f.attachments?.length) parts.push(`📎${f.attachments.length}`);
    return parts.join(' · ');
  }

  workOrderSummary(wo: WorkOrderSummaryInput): string {
    const target = wo.action === 'readdress' ? (this.lockerName?.(wo.newLockerId) ?? wo.newLockerId) : wo.role;
    const parts = [this.messages.t(this.agentLang, `handoff.agentView.workOrder.${wo.action}`, { target })];
    if (wo.trackingNumber) parts.push(wo.trackingNumber);
    if (wo.carrierReference) parts.push(wo.carrierReference);
    return parts.join(' · ');
  }

  resolutionLabel(code: string, lang: Lang = this.agentLang): string {
    return this.messages.t(lang, `handoff.resolution.${code}`);
  }

  /** The system transcript line in the kept case ("case X was merged in by …"). */
  mergedFrom(caseId: string, agentName: string): string {
    return this.messages.t(this.agentLang, 'handoff.agentView.merge.from', { caseId, agent: agentName });
  }

  /** The note in the merged case ("merged into X by …"). */
  mergedInto(caseId: string, agentName: string): string {
    return this.messages.t(this.agentLang, 'handoff.agentView.merge.into', { caseId, agent: agentName });
  }

  /** Every label the console needs, in `lang`. */
  labels(lang: Lang): ConsoleLabels {
    const t = (key: string, l: Lang = lang) => this.messages.t(l, key);
    const table = <K extends string | number>(keys: readonly K[], prefix: string, l: Lang = lang): Record<string, string> =>
      Object.fromEntries(keys.map((k) => [String(k), t(`${prefix}.${k}`, l)]));
    return {
      lang,
      timeZone: this.timeZone,
      priorities: table(PRIORITIES, 'handoff.agentView.priority'),
      kinds: table(CASE_KINDS, 'handoff.agentView.kind'),
      reasons: table(ESCALATION_REASONS, 'handoff.agentView.reason'),
      summaryReasons: table(ESCALATION_REASONS, 'handoff.agentView.reason', this.agentLang),
      resolutions: table(RESOLUTION_CODES, 'handoff.resolution'),
      fields: table(LABELLED_FIELDS, 'handoff.agentView.field'),
      actions: table(WORK_ORDER_ACTIONS, 'handoff.agentView.action'),
      via: table(JOIN_VIAS, 'handoff.agentView.via'),
      ui: Object.fromEntries(
        this.messages
          .keys(lang)
          .filter((k) => k.startsWith('console.'))
          .map((k) => [k.slice('console.'.length), t(k)]),
      ),
      reports: Object.fromEntries(
        this.messages
          .keys(lang)
          .filter((k) => k.startsWith('reports.'))
          .map((k) => [k.slice('reports.'.length), t(k)]),
      ),
    };
  }
}
