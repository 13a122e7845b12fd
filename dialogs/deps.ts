/**
 * Everything dialogs need from the outside world, injected by the composition root. Dialogs
 * depend on these small interfaces only, so tests can pass real or in-memory implementations.
 */
import type { CarrierApi } from '../services/carrier/types';
import type { LockerDirectory } from '../services/lockers/types';
import type { BusinessCalendar } from '../services/calendar/types';
import type { Messages } from '../services/i18n/messages';
import type { Lang } from '../services/nlu/types';
import type { Logger } from '../services/logging/logger';
import type { CollectedFields } from './state';

/** Why a conversation is handed to a person. */
export type EscalationReason =
  | 'agent_requested'
  | 'locker_fault'
  | 'too_many_attempts'
  | 'late_parcel'
  | 'needs_staff'
  | 'carrier_unavailable'
  | 'out_of_scope';

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
  | { kind: 'queued'; caseId: string; position: number; joined: boolean; open: boolean; nextOpening?: Date; expectedResponse?: Date }
  | { kind: 'unavailable' };

/**
 * The bridge from dialogs to human agents. Until the hand-off queue is wired in, the default
 * gateway answers `unavailable` and the dialog gives the customer a summary instead.
 */
export interface HandoffGateway {
  escalate(request: EscalationRequest, turn: unknown): Promise<EscalationOutcome>;
  /**
   * Records a parcel change the carrier scheduled for staff as a work order agents complete; the
   * conversation stays with the bot. Never throws (a failure is logged).
   */
  createWorkOrder?(request: WorkOrderRequest, turn: unknown): Promise<void>;
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

export interface DialogDeps {
  carrier: CarrierApi;
  lockers: LockerDirectory;
  calendar: BusinessCalendar;
  messages: Messages;
  handoff: HandoffGateway;
  logger: Logger;
  settings: {
    maxPromptAttempts: number;
    delayEscalateWorkingDays: number;
    /** Below this intent confidence the bot says what it can do. */
    minConfidence: number;
    /** When the top two intents are closer than this, the bot asks which one was meant. */
    ambiguityMargin: number;
  };
  /** Clock, injectable for tests. */
  now(): Date;
}

/** The gateway used until a hand-off queue is configured: dialogs give the customer a summary. */
export const SUMMARY_ONLY_HANDOFF: HandoffGateway = {
  escalate: async () => ({ kind: 'unavailable' }),
};
