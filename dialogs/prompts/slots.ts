/**
 * The slot prompts every case dialog shares, each a typed ref (`SlotRef<T>`) with its parser and
 * its rejection reasons (message keys `invalid.<slot>.<reason>`). Parsing itself lives in services/;
 * this file only connects it to prompts.
 */
import type { Dialog } from 'botbuilder-dialogs';
import { parsePhone, parseTrackingNumber } from '../../services/nlu/entities';
import { CarrierError, type ParcelView, type PhoneRole } from '../../services/carrier/types';
import { isIntent, type Intent } from '../../services/nlu/types';
import { foldAnswer } from '../../services/i18n/choices';
import { maskPhone } from '../../services/i18n/format';
import { LANGS } from '../../services/i18n/langs';
import type { DialogDeps } from '../deps';
import { isParcelView, isString } from '../results';
import { typing, type Turn } from '../turn';
import { PROMPT_INTERCEPTORS, SlotPrompt, YES_NO_CHOICES, choiceParser, hasDigit, slotRef, type ParseOutcome, type SlotParser } from './SlotPrompt';

export { YES_NO_CHOICES } from './SlotPrompt';

export type YesNo = 'yes' | 'no';
const isYesNo = (v: unknown): v is YesNo => v === 'yes' || v === 'no';
const isPhoneRole = (v: unknown): v is PhoneRole => v === 'sender' || v === 'recipient';
const isIntentValue = (v: unknown): v is Intent => isIntent(v);

/** A syntactically valid tracking number. */
export const TRACKING_PROMPT = slotRef<string>('slot.tracking', isString);
/** A tracking number the carrier knows: the value is the parcel. */
export const PARCEL_PROMPT = slotRef<ParcelView>('slot.parcel', isParcelView);
/** A phone in LT, LV, EE or PL, as E.164. */
export const PHONE_PROMPT = slotRef<string>('slot.phone', isString);
/** Which of the parcel's phones (buttons given by the caller). */
export const PHONE_ROLE_PROMPT = slotRef<PhoneRole>('slot.phoneRole', isPhoneRole);
/** One of the intents offered as buttons (a clarifying question). */
export const INTENT_PROMPT = slotRef<Intent>('slot.intent', isIntentValue);
/** Yes or no, with the yes/no buttons. */
export const YES_NO_PROMPT = slotRef<YesNo>('slot.yesNo', isYesNo, { choices: YES_NO_CHOICES });
/** Free text (a description); an attachment without text also counts. */
export const TEXT_PROMPT = slotRef<string>('slot.text', isString);

/** Carrier failures that asking again cannot fix end the prompt as `fatal`. */
export function carrierFailure(err: unknown): ParseOutcome<never> {
  if (err instanceof CarrierError && err.code === 'not_found') return { ok: false, reason: 'not_found' };
  return { ok: false, reason: err instanceof CarrierError ? err.code : 'unexpected', fatal: true };
}

export const trackingParser: SlotParser<string> = async (text) => {
  const r = parseTrackingNumber(text);
  return r.ok ? { ok: true, value: r.value } : { ok: false, reason: r.reason };
};

export function parcelParser(deps: DialogDeps): SlotParser<ParcelView> {
  return async (text, turn) => {
    const r = parseTrackingNumber(text);
    if (!r.ok) return { ok: false, reason: r.reason };
    return loadParcel(deps, turn, r.value);
  };
}

/** The reason of a parcel lookup refused by the per-client limit (fatal: the case says so calmly and ends). */
export const LOOKUP_LIMIT = 'lookup_limit';

/**
 * The parcel as the carrier sees it; `not_found` can be asked again, other carrier failures are
 * fatal. Every lookup (found or not) counts against the client's `PARCEL_LOOKUPS_PER_CLIENT_PER_HOUR`,
 * so parcel numbers cannot be swept; past it the lookup is refused with `LOOKUP_LIMIT`.
 */
export async function loadParcel(deps: DialogDeps, turn: Turn, trackingNumber: string): Promise<ParseOutcome<ParcelView>> {
  await typing(turn);
  if (!(await lookupAllowed(deps, turn))) return { ok: false, reason: LOOKUP_LIMIT, fatal: true };
  try {
    return { ok: true, value: await deps.carrier.getParcel(trackingNumber) };
  } catch (err) {
    deps.logger.warn({ err, conversationId: turn.conversationId }, 'loadParcel(): carrier lookup failed');
    const failure = carrierFailure(err);
    return failure.ok ? failure : { ...failure, params: { trackingNumber } };
  }
}

/** The per-client lookup limit; a failing limit store lets the lookup through (a comfort limit, logged). */
async function lookupAllowed(deps: DialogDeps, turn: Turn): Promise<boolean> {
  const customer = turn.customerRef();
  try {
    return (await deps.trackLookups.consume(`${customer.channel}:${customer.customerKey}`)).allowed;
  } catch (err) {
    deps.logger.warn({ err, conversationId: turn.conversationId }, 'loadParcel(): the lookup limit store failed; lookup allowed');
    return true;
  }
}

export const phoneParser: SlotParser<string> = async (text) => {
  const r = parsePhone(text, 'LT');
  return r.ok ? { ok: true, value: r.e164 } : { ok: false, reason: r.reason };
};

/**
 * A description: any text or an attachment, except a bare "yes" / "no" / "ok" (an answer to
 * something else, never what happened).
 */
export function textParser(deps: DialogDeps): SlotParser<string> {
  return async (text, turn) => {
    const hasAttachment = (turn.context.activity.attachments ?? []).length > 0;
    const folded = foldAnswer(text);
    if (!folded && !hasAttachment) return { ok: false, reason: 'empty' };
    const bare = LANGS.some((l) => [...deps.messages.list(l, 'words.yes'), ...deps.messages.list(l, 'words.no')].some((w) => foldAnswer(w) === folded));
    if (folded && bare && !hasAttachment) return { ok: false, reason: 'not_description' };
    return { ok: true, value: text };
  };
}

/**
 * Which of the parcel's phones: a choice, or the number itself ("8 622 23344", the wrong one on
 * file) when its masked form is exactly one of the masked phones the question shows
 * (`params.recipient`, `params.sender`). Only masked forms are compared: the answer learns nothing
 * the question did not show.
 */
export function phoneRoleParser(deps: DialogDeps): SlotParser<PhoneRole> {
  const byChoice = choiceParser(deps, isPhoneRole);
  return async (text, turn, options) => {
    const chosen = await byChoice(text, turn, options);
    if (chosen.ok) return chosen;
    const typed = parsePhone(text, 'LT');
    if (!typed.ok) return chosen;
    const masked = maskPhone(typed.e164);
    const matches = (['recipient', 'sender'] as const).filter((role) => options.params?.[role] === masked);
    return matches.length === 1 ? { ok: true, value: matches[0] } : chosen;
  };
}

/** The shared slot prompts, registered on every case dialog. */
export function slotPrompts(deps: DialogDeps): Dialog[] {
  return [
    new SlotPrompt(TRACKING_PROMPT, deps, trackingParser, 'invalid.tracking', PROMPT_INTERCEPTORS, hasDigit),
    new SlotPrompt(PARCEL_PROMPT, deps, parcelParser(deps), 'invalid.tracking', PROMPT_INTERCEPTORS, hasDigit),
    new SlotPrompt(PHONE_PROMPT, deps, phoneParser, 'invalid.phone', PROMPT_INTERCEPTORS, hasDigit),
    new SlotPrompt(PHONE_ROLE_PROMPT, deps, phoneRoleParser(deps), 'invalid.choice'),
    new SlotPrompt(INTENT_PROMPT, deps, choiceParser(deps, isIntentValue), 'invalid.choice'),
    new SlotPrompt(YES_NO_PROMPT, deps, choiceParser(deps, isYesNo), 'invalid.yesNo'),
    // A description is free text: whatever the customer writes is the answer.
    new SlotPrompt(TEXT_PROMPT, deps, textParser(deps), 'invalid.text', []),
  ];
}
