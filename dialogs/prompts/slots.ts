/**
 * The slot prompts every case dialog shares, each with its parser and its rejection reasons
 * (message keys `invalid.<slot>.<reason>`). Parsing itself lives in services/; this file only
 * connects it to prompts.
 */
import type { TurnContext } from 'botbuilder';
import { parsePhone, parseTrackingNumber } from '../../services/nlu/entities';
import { CarrierError, type ParcelView } from '../../services/carrier/types';
import { foldAnswer } from '../../services/i18n/choices';
import type { DialogDeps } from '../deps';
import { typing } from '../turn';
import { SlotPrompt, choiceParser, type ParseOutcome, type SlotParser } from './SlotPrompt';

export const TRACKING_PROMPT = 'slot.tracking';
export const PARCEL_PROMPT = 'slot.parcel';
export const PHONE_PROMPT = 'slot.phone';
export const CHOICE_PROMPT = 'slot.choice';
export const YES_NO_PROMPT = 'slot.yesNo';
export const TEXT_PROMPT = 'slot.text';

/** Carrier failures that asking again cannot fix end the prompt as `fatal`. */
export function carrierFailure(err: unknown): ParseOutcome<never> {
  if (err instanceof CarrierError && err.code === 'not_found') return { ok: false, reason: 'not_found' };
  return { ok: false, reason: err instanceof CarrierError ? err.code : 'unexpected', fatal: true };
}

/** A syntactically valid tracking number (S10 with check digit, or 14 digits). */
export const trackingParser: SlotParser<string> = async (text) => {
  const r = parseTrackingNumber(text);
  return r.ok ? { ok: true, value: r.value } : { ok: false, reason: r.reason };
};

/** A tracking number the carrier knows; the value is the parcel as the carrier sees it. */
export function parcelParser(deps: DialogDeps): SlotParser<ParcelView> {
  return async (text, context) => {
    const r = parseTrackingNumber(text);
    if (!r.ok) return { ok: false, reason: r.reason };
    return loadParcel(deps, context, r.value);
  };
}

export async function loadParcel(deps: DialogDeps, context: TurnContext, trackingNumber: string): Promise<ParseOutcome<ParcelView>> {
  await typing(context);
  try {
    return { ok: true, value: await deps.carrier.getParcel(trackingNumber) };
  } catch (err) {
    deps.logger.warn({ err, conversationId: context.activity.conversation?.id }, 'loadParcel(): carrier lookup failed');
    const failure = carrierFailure(err);
    return failure.ok ? failure : { ...failure, params: { trackingNumber } };
  }
}

/** A phone number in LT, LV, EE or PL, normalised to E.164. */
export const phoneParser: SlotParser<string> = async (text) => {
  const r = parsePhone(text, 'LT');
  return r.ok ? { ok: true, value: r.e164 } : { ok: false, reason: r.reason };
};

/** Free text (a description); an attachment without text also counts. */
export const textParser: SlotParser<string> = async (text, context) => {
  const hasAttachment = (context.activity.attachments ?? []).length > 0;
  if (!foldAnswer(text) && !hasAttachment) return { ok: false, reason: 'empty' };
  return { ok: true, value: text };
};

/** Registers the shared slot prompts on a component dialog. */
export function slotPrompts(deps: DialogDeps): SlotPrompt<unknown>[] {
  return [
    new SlotPrompt(TRACKING_PROMPT, deps, trackingParser, 'invalid.tracking'),
    new SlotPrompt(PARCEL_PROMPT, deps, parcelParser(deps), 'invalid.tracking'),
    new SlotPrompt(PHONE_PROMPT, deps, phoneParser, 'invalid.phone'),
    new SlotPrompt(CHOICE_PROMPT, deps, choiceParser(deps), 'invalid.choice'),
    new SlotPrompt(YES_NO_PROMPT, deps, choiceParser(deps), 'invalid.yesNo'),
    new SlotPrompt(TEXT_PROMPT, deps, textParser, 'invalid.text'),
  ] as SlotPrompt<unknown>[];
}

/** The yes/no buttons of confirmation prompts. */
export const YES_NO_CHOICES = [
  { value: 'yes', titleKey: 'buttons.yes', synonymsKey: 'words.yes' },
  { value: 'no', titleKey: 'buttons.no', synonymsKey: 'words.no' },
];
