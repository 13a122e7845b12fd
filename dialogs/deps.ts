/**
 * Everything dialogs need from the outside world, injected by the composition root. Dialogs
 * depend on these small interfaces only, so tests can pass real or in-memory implementations.
 */
import type { CarrierApi } from '../services/carrier/types';
import type { PickupSmsOutcome } from '../services/carrier/PickupSmsResender';
import type { LockerDirectory } from '../services/lockers/types';
import type { BusinessCalendar } from '../services/calendar/types';
import type { BusinessHours } from '../services/i18n/businessHours';
import type { Messages } from '../services/i18n/messages';
import type { Lang } from '../services/i18n/langs';
import type { Logger } from '../services/logging/logger';
import type { EscalationReason } from '../services/handoff/vocabulary';
import type { ProvenFact } from '../services/proof/types';
import type { ProofService } from '../services/proof/ProofService';
import type { NamedLimiter } from '../services/limits/limiter';
import type { ReportSink } from '../services/reports/ReportRecorder';
import type { RatingState } from '../services/reports/RatingState';
import type { CollectedFields } from './state';

export type { EscalationReason } from '../services/handoff/vocabulary';

/**
 * Who is asking, as the dialog layer knows it: built from the turn, handed to the hand-off
 * gateway (never a TurnContext). `customerKey` is the channel identity (the server-issued, signed
 * web user id or the Messenger PSID); `proven` holds only facts proven in this conversation and
 * still valid.
 */
export interface CustomerRef {
  conversationId: string;
  customerKey: string;
  channel: string;
  /** Serialised botbuilder ConversationReference, for proactive replies (opaque to services). */
  reference: Record<string, unknown>;
  proven: ProvenFact[];
}

export interface EscalationRequest {
  reason: EscalationReason;
  lang: Lang;
  fields: CollectedFields;
  /** The customer's own words, when we have them. */
  description?: string;
  /** Attachments the customer sent (a photo of a broken locker). */
  attachments: { url: string; contentType: string; name?: string }[];
}

export type EscalationOutcome =
  | {
      kind: 'queued';
      caseId: string;
      position: number;
      joined: boolean;
      open: boolean;
      nextOpening?: Date;
      expectedResponse?: Date;
      /** What `handoff.initiate` tells an external agent hub: this case's id, priority, kind, reason, position. Never a transcript. */
      hubContext: Record<string, unknown>;
    }
  /** This customer opened too many new cases lately: none opened now (what they wrote is kept). */
  | { kind: 'limited'; retryAt: Date }
  | { kind: 'unavailable' };

/**
 * The bridge from dialogs to human agents. Until the hand-off queue is wired in, the default
 * gateway answers `unavailable` and the dialog gives the customer a summary instead.
 */
export interface HandoffGateway {
  escalate(request: EscalationRequest, customer: CustomerRef): Promise<EscalationOutcome>;
  /**
   * Records a parcel change the carrier scheduled for staff as a work order agents complete; the
   * conversation stays with the bot. Never throws (a failure is logged).
   */
  createWorkOrder?(request: WorkOrderRequest, customer: CustomerRef): Promise<void>;
}

export interface WorkOrderRequest {
  action: 'readdress' | 'change_phone';
  lang: Lang;
  /** Verified in the flow: parcel number, sender phone, new locker or new phone. */
  fields: CollectedFields;
  carrierReference: string;
  workingDays: number;
  role?: 'sender' | 'recipient';
}

/** Re-sends the pickup SMS to the phone on file, within the bot's limits (`PickupSmsResender`). */
export interface PickupSmsPort {
  resend(request: { conversationId: string; trackingNumber: string; idempotencyKey?: string }): Promise<PickupSmsOutcome>;
}

/**
 * Proof by possession as dialogs use it (`services/proof/ProofService`): send a one-time code to the
 * phone on a parcel (or a typed phone), check what the customer typed back. Limits, locks and the
 * carrier calls live behind it.
 */
export type ProofPort = Pick<ProofService, 'start' | 'verify' | 'pending'>;

/** A per-key limit as dialogs use it (`services/limits`): only `consume`. */
export type LimitPort = Pick<NamedLimiter, 'consume'>;

export interface DialogDeps {
  carrier: CarrierApi;
  /** One-time codes: the only way a dialog proves a phone. */
  proof: ProofPort;
  /**
   * "Where is my parcel" lookups per client (channel identity) per hour
   * (`PARCEL_LOOKUPS_PER_CLIENT_PER_HOUR`); a store failure lets the lookup through (a comfort limit).
   */
  trackLookups: LimitPort;
  pickupSms: PickupSmsPort;
  lockers: LockerDirectory;
  calendar: BusinessCalendar;
  messages: Messages;
  handoff: HandoffGateway;
  logger: Logger;
  settings: {
    maxPromptAttempts: number;
    delayEscalateWorkingDays: number;
    /** The agents' configured hours (`BUSINESS_HOURS`), told to customers when agents are away. */
    businessHours: BusinessHours;
    /** Below this intent confidence the bot says what it can do. */
    minConfidence: number;
    /** When the top two intents are closer than this, the bot asks which one was meant. */
    ambiguityMargin: number;
  };
  /** Clock, injectable for tests. */
  now(): Date;
  /** Report events (requests, flow outcomes, ratings, not-understood messages); none when absent. */
  reports?: ReportSink;
  /** When to ask for a rating; without it the bot never asks. */
  ratings?: RatingState;
}

/** The gateway used until a hand-off queue is configured: dialogs give the customer a summary. */
export const SUMMARY_ONLY_HANDOFF: HandoffGateway = {
  escalate: async () => ({ kind: 'unavailable' }),
};
