/**
 * Turns entity texts reported by a cloud recognizer into the project's typed entities and merges
 * them with the deterministic extraction. The deterministic result always wins: a cloud entity is
 * only added when it names something the extractor did not already find.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { isValidS10, normalizeS10, S10_PATTERN } from '../../carrier/s10';
import type { Entities, LockerMention, PhoneEntity, TrackingEntity } from '../types';

export function emptyEntities(): Entities {
  return { trackingNumbers: [], phones: [], lockers: [] };
}

/** A tracking number from one entity text, or undefined when the text is neither S10- nor 14-digit-shaped. */
export function trackingFromText(text: string): TrackingEntity | undefined {
  const value = normalizeS10(text);
  if (S10_PATTERN.test(value)) return { value, kind: 's10', valid: isValidS10(value), text };
  if (/^\d{14}$/.test(value)) return { value, kind: 'numeric14', valid: true, text };
  return undefined;
}

/** A phone number from one entity text, read as national for `defaultCountry`; undefined when not a valid number. */
export function phoneFromText(text: string, defaultCountry: CountryCode = 'LT'): PhoneEntity | undefined {
  const parsed = parsePhoneNumberFromString(text, defaultCountry);
  if (!parsed || !parsed.isValid()) return undefined;
  return { e164: parsed.number, country: parsed.country ?? defaultCountry, text };
}

function sameLocker(a: LockerMention, b: LockerMention): boolean {
  if (a.text.trim().toLowerCase() === b.text.trim().toLowerCase()) return true;
  const topA = a.candidates[0]?.lockerId;
  return topA !== undefined && topA === b.candidates[0]?.lockerId;
}

/** `base` (deterministic) plus whatever in `extra` (cloud) is not already in it, order kept. */
export function mergeEntities(base: Entities, extra: Entities): Entities {
  const out: Entities = {
    trackingNumbers: [...base.trackingNumbers],
    phones: [...base.phones],
    lockers: [...base.lockers],
  };
  for (const t of extra.trackingNumbers) {
    if (!out.trackingNumbers.some((x) => x.value === t.value)) out.trackingNumbers.push(t);
  }
  for (const p of extra.phones) {
    if (!out.phones.some((x) => x.e164 === p.e164)) out.phones.push(p);
  }
  for (const l of extra.lockers) {
    if (!out.lockers.some((x) => sameLocker(x, l))) out.lockers.push(l);
  }
  return out;
}
