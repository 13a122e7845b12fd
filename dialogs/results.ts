/**
 * How a case ends, and the small type guards the dialog layer reads child results with.
 *
 * A case dialog ends with a `CaseResult`; the main dialog routes on it with one switch. A part of a
 * case (parcel access, locker picker, a proof step) and a slot prompt end either with their own
 * typed value or with a `CaseExit`: the case must end now (the customer asked for a person, gave up,
 * the carrier is down). Exits travel up one level at a time, each level adding what it collected,
 * so nothing ever reads another dialog's state.
 */
import type { EscalationReason } from './deps';
import { isIntent, type Intent } from '../services/nlu/types';
import { PARCEL_STATUSES, type ParcelView } from '../services/carrier/types';
import type { ProvenPhone } from '../services/proof/types';
import type { CollectedFields } from './state';

/** Why a case could not be finished by the bot, so a person is offered (the customer says yes or no); `out_of_scope`: outside the carrier's business. */
export type GiveUpReason = 'too_many_attempts' | 'carrier_unavailable' | 'out_of_scope';

export type CaseResult =
  /** The case is finished (solved or explained); the customer may ask something else. */
  | { status: 'done' }
  /** The request stayed unclear (e.g. no answer to a clarifying question): say what the bot can do. */
  | { status: 'unclear' }
  /**
   * Start this request instead (the answer to a clarifying question; issue #11 adds a change of mind
   * at a prompt). The router starts it with this turn's recognition.
   */
  | { status: 'start'; intent: Intent }
  /** The bot could not finish: offer a person, with what was collected so far. */
  | { status: 'offer_person'; reason: GiveUpReason; fields: CollectedFields }
  /** A person should take over now, with what was collected so far. */
  | { status: 'escalate'; reason: EscalationReason; fields: CollectedFields }
  /** The case was handed to a person; the bot stays quiet now. */
  | { status: 'handed_off' };

/** What a part of a case or a prompt ends with when the whole case must end. */
export interface CaseExit {
  exit: CaseResult;
}

/** `result` with `fields` added under its own (the inner dialog knows more, so its fields win). */
export function withFields(result: CaseResult, fields: CollectedFields): CaseResult {
  if (result.status === 'escalate' || result.status === 'offer_person') return { ...result, fields: { ...fields, ...result.fields } };
  return result;
}

/** A plain object (the JSON that dialog state and results are made of). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function isFields(value: unknown): value is CollectedFields {
  return isRecord(value) && Object.values(value).every((v) => v === undefined || typeof v === 'string');
}

const GIVE_UP: readonly string[] = ['too_many_attempts', 'carrier_unavailable', 'out_of_scope'] satisfies GiveUpReason[];

export function isCaseResult(value: unknown): value is CaseResult {
  if (!isRecord(value)) return false;
  switch (value.status) {
    case 'done':
    case 'unclear':
    case 'handed_off':
      return true;
    case 'start':
      return isIntent(value.intent);
    case 'offer_person':
      return typeof value.reason === 'string' && GIVE_UP.includes(value.reason) && isFields(value.fields);
    case 'escalate':
      return typeof value.reason === 'string' && isFields(value.fields);
    default:
      return false;
  }
}

export function isCaseExit(value: unknown): value is CaseExit {
  return isRecord(value) && isCaseResult(value.exit);
}

/** The shape of a carrier parcel view, checked lightly (it was validated when it came from the carrier). */
export function isParcelView(value: unknown): value is ParcelView {
  return (
    isRecord(value) &&
    typeof value.trackingNumber === 'string' &&
    typeof value.status === 'string' &&
    PARCEL_STATUSES.some((s) => s === value.status) &&
    typeof value.destinationLockerId === 'string' &&
    typeof value.expectedDelivery === 'string' &&
    Array.isArray(value.events) &&
    typeof value.recipientPhoneMasked === 'string' &&
    typeof value.senderPhoneMasked === 'string'
  );
}

export function isProvenPhone(value: unknown): value is ProvenPhone {
  return (
    isRecord(value) &&
    value.kind === 'phone' &&
    typeof value.e164 === 'string' &&
    (value.role === 'sender' || value.role === 'recipient') &&
    typeof value.provenAt === 'string' &&
    typeof value.expiresAt === 'string'
  );
}
