/**
 * What the reports are computed from: small, plain-JSON events recorded at the moments that
 * matter (a conversation starts, a request is routed, a flow ends, a case is handed off, claimed,
 * answered, closed, a rating, a message the bot did not understand, a supervisor's label). They
 * live in the shared event store (`EventStore`), so reports cover every instance and survive
 * restarts; the Prometheus counters are fed from the same events as they are recorded.
 *
 * No channel user id and no phone field: parcel numbers are kept only as a short hash
 * (`parcelKey`), enough to tell a repeat contact about the same parcel; the customer's own words
 * (not-understood messages, rating comments) with digit runs masked (`storedText`).
 */
import type { Lang } from '../i18n/langs';

/** The self-service flows, one per case type. */
export const FLOW_TYPES = ['readdress', 'fix_phone', 'find_tracking', 'track'] as const;
export type FlowType = (typeof FLOW_TYPES)[number];

export function isFlowType(value: unknown): value is FlowType {
  return typeof value === 'string' && (FLOW_TYPES as readonly string[]).includes(value);
}

/**
 * How a flow ended: `completed` (the bot finished it), `escalated` (a person was offered or took
 * over), `abandoned` (the customer cancelled, started over, turned to another request or left
 * the flow unanswered).
 */
export const FLOW_OUTCOMES = ['completed', 'escalated', 'abandoned'] as const;
export type FlowOutcome = (typeof FLOW_OUTCOMES)[number];

/** Who the rated help came from. */
export const RATING_SOURCES = ['bot', 'agent'] as const;
export type RatingSource = (typeof RATING_SOURCES)[number];

interface Base {
  /** ISO time. */
  at: string;
}

export type ReportEvent =
  /** The first customer message of a conversation (a widget opened and never written to is no conversation). */
  | (Base & { type: 'conversation_started'; conversationId: string; channel: string; lang: Lang })
  /** A request routed to what the bot does for it (every intent, flows and hand-offs alike). */
  | (Base & { type: 'request'; conversationId: string; intent: string; lang: Lang })
  | (Base & { type: 'flow_ended'; conversationId: string; flow: FlowType; outcome: FlowOutcome })
  /** The customer named a parcel (hashed) in this conversation. */
  | (Base & { type: 'parcel'; conversationId: string; parcel: string })
  /** A conversation went to the queue (a new case or the customer's open one). */
  | (Base & { type: 'handoff'; conversationId: string; caseId: string; reason: string; priority: number; joined: boolean })
  /** An agent claimed a case: the customer's wait, wall-clock and working seconds. */
  | (Base & { type: 'case_claimed'; caseId: string; priority: number; waitSeconds: number; waitWorkingSeconds: number })
  /** An agent's first reply in a case, in working seconds from the case entering the queue. */
  | (Base & { type: 'first_reply'; caseId: string; priority: number; workingSeconds: number; breached: boolean })
  | (Base & { type: 'case_closed'; caseId: string; priority: number; resolution: string; workingSeconds: number })
  | (Base & { type: 'rating'; conversationId: string; source: RatingSource; score: number; lang: Lang; comment?: string })
  /** The optional comment after a rating (digits masked, cut to `MAX_TEXT`). */
  | (Base & { type: 'rating_comment'; conversationId: string; source: RatingSource; lang: Lang; text: string })
  /** A message the bot did not understand (digits masked, cut to `MAX_TEXT`). */
  | (Base & { type: 'unrecognized'; conversationId: string; lang: Lang; text: string })
  /** A supervisor assigned the intent a not-understood message should have had (latest wins). */
  | (Base & { type: 'label'; lang: Lang; text: string; intent: string; by: string });

export type ReportEventType = ReportEvent['type'];

/** Longest stored message text. */
export const MAX_TEXT = 300;

const PHONE_LIKE = /\+?\d[\d\s-]{6,}\d/g;

/**
 * A customer's words as the unrecognised list keeps them: one line, digit runs of seven or more
 * masked (phones, parcel numbers), at most `MAX_TEXT` characters.
 */
export function storedText(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim().replace(PHONE_LIKE, (m) => m.replace(/\d/g, '#'));
  return line.length > MAX_TEXT ? line.slice(0, MAX_TEXT) : line;
}
