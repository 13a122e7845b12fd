/**
 * The hand-off vocabularies, each defined once: why a conversation is handed to a person, which
 * kind of case and queue priority that makes, and how a case may end. Dialogs, the hand-off
 * service, the agent API and the console (labels come from the message files under
 * `handoff.agentView.reason.<reason>` and `handoff.resolution.<code>`) all read them from here.
 */

/** Queue priority: 1 = a locker fault, 2 = a parcel matter or work order, 3 = a general question. */
export const PRIORITIES = [1, 2, 3] as const;
export type Priority = (typeof PRIORITIES)[number];

export const CASE_KINDS = ['locker_fault', 'parcel_action', 'work_order', 'general'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];

/** The queue priority a case of each kind gets unless the caller decides otherwise. */
export const PRIORITY_BY_KIND: Readonly<Record<CaseKind, Priority>> = {
  locker_fault: 1,
  parcel_action: 2,
  work_order: 2,
  general: 3,
};

/**
 * Why the bot hands a conversation to a person, with the kind of case it opens. `general`
 * reasons become a parcel matter when the customer named a parcel.
 */
export const ESCALATION_REASON_KIND = {
  /** The customer asked for a person. */
  agent_requested: 'general',
  /** A locker door that won't open, a broken screen, a locker that is gone. */
  locker_fault: 'locker_fault',
  /** A damaged, opened or wet parcel, missing contents. */
  damaged_parcel: 'parcel_action',
  /** Money: charged twice, refunds, invoices. */
  billing: 'general',
  /** A complaint about the service or a courier. */
  complaint: 'general',
  /** A parcel problem the bot has no flow for. */
  other_problem: 'general',
  /** The customer could not answer a prompt after several tries. */
  too_many_attempts: 'parcel_action',
  /** Later than the carrier's own delay limit. */
  late_parcel: 'parcel_action',
  /** The carrier scheduled the change for staff (a work order), or staff must decide. */
  needs_staff: 'parcel_action',
  /** The carrier system did not answer. */
  carrier_unavailable: 'general',
  /** The customer cannot receive the one-time code (wrong own phone, a shared business phone). */
  cannot_receive_code: 'parcel_action',
  /** The one-time-code limits were reached; a person checks the customer another way. */
  proof_locked: 'parcel_action',
  /** Outside what the bot does, and the customer wants a person anyway. */
  out_of_scope: 'general',
} as const satisfies Record<string, CaseKind>;

export type EscalationReason = keyof typeof ESCALATION_REASON_KIND;
export const ESCALATION_REASONS = Object.keys(ESCALATION_REASON_KIND) as EscalationReason[];

export function isEscalationReason(value: unknown): value is EscalationReason {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ESCALATION_REASON_KIND, value);
}

/** Kind and queue priority of an escalation: locker faults first, parcel matters next, the rest last. */
export function classifyEscalation(reason: EscalationReason, hasParcel: boolean): { kind: CaseKind; priority: Priority } {
  const kind: CaseKind = ESCALATION_REASON_KIND[reason];
  if (kind === 'general' && hasParcel) return { kind: 'parcel_action', priority: PRIORITY_BY_KIND.parcel_action };
  return { kind, priority: PRIORITY_BY_KIND[kind] };
}

/** How an agent may close a case. */
export const AGENT_RESOLUTION_CODES = ['solved', 'information_given', 'duplicate', 'no_reply', 'spam'] as const;
/** How the system closes a case (the customer left, the agent handed back to the bot, a work order was done, cases merged). */
export const SYSTEM_RESOLUTION_CODES = ['customer_left', 'returned_to_bot', 'work_order_done', 'merged'] as const;
export const RESOLUTION_CODES = [...AGENT_RESOLUTION_CODES, ...SYSTEM_RESOLUTION_CODES] as const;
export type AgentResolutionCode = (typeof AGENT_RESOLUTION_CODES)[number];
export type ResolutionCode = (typeof RESOLUTION_CODES)[number];

export function isAgentResolutionCode(value: unknown): value is AgentResolutionCode {
  return typeof value === 'string' && (AGENT_RESOLUTION_CODES as readonly string[]).includes(value);
}
