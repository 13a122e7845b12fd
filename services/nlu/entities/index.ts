/**
 * Entity extraction for the recognizers: tracking numbers, phone numbers and (when a resolver is
 * given) locker mentions. Standalone parsers for prompt answers are re-exported from here.
 */
import type { CountryCode } from 'libphonenumber-js/max';
import type { Entities, LockerMention, PhoneEntity, TrackingEntity } from '../types';
import { SUPPORTED_PHONE_COUNTRIES, findPhones, type FindPhonesOptions } from './phone';
import { findTrackingNumbers, type Located } from './tracking';
import { lockerChange } from './lockerRoles';

export { findTrackingNumbers, parseTrackingNumber, type TrackingParseResult, type Located } from './tracking';
export { findPhones, parsePhone, SUPPORTED_PHONE_COUNTRIES, type PhoneParseResult, type PhoneParseFailure, type FindPhonesOptions } from './phone';

export interface ExtractEntitiesOptions extends FindPhonesOptions {
  /** Locker-mention matcher (the locker directory); without it `lockers` is always empty. */
  resolveLockers?: (text: string) => LockerMention[];
  /** Told about a resolver failure (for logging); extraction itself carries on without lockers. */
  onResolverError?: (error: unknown) => void;
}

/** Tracking numbers and valid phone numbers of any country, with their spans; computed once per message and shared. */
export interface LocatedEntities {
  trackingNumbers: Located<TrackingEntity>[];
  phones: Located<PhoneEntity>[];
}

/** Finds tracking and phone numbers (any country) with their positions in `text`. */
export function locateEntities(text: string, defaultCountry: CountryCode = 'LT'): LocatedEntities {
  return { trackingNumbers: findTrackingNumbers(text), phones: findPhones(text, { defaultCountry, countries: 'any' }) };
}

/**
 * All entities in `text`; phones only of `options.countries` (default the supported ones).
 * Never throws: a failing locker resolver yields no locker mentions rather than a failed recognition.
 */
export function extractEntities(text: string, options: ExtractEntitiesOptions = {}, located?: LocatedEntities): Entities {
  const found = located ?? locateEntities(text, options.defaultCountry);
  const countries = options.countries ?? SUPPORTED_PHONE_COUNTRIES;
  const trackingNumbers = found.trackingNumbers.map(({ start: _s, end: _e, ...t }) => t);
  const phones = found.phones
    .filter((p) => countries === 'any' || (countries as readonly string[]).includes(p.country))
    .map(({ start: _s, end: _e, ...p }) => p);
  let lockers: LockerMention[] = [];
  let change: Entities['lockerChange'];
  const resolve = options.resolveLockers;
  if (resolve) {
    try {
      lockers = resolve(text);
      const { from, to } = lockers.length ? lockerChange(text, resolve) : {};
      if (from) change = to ? { from, to } : { from };
    } catch (error) {
      options.onResolverError?.(error);
      lockers = [];
    }
  }
  return change ? { trackingNumbers, phones, lockers, lockerChange: change } : { trackingNumbers, phones, lockers };
}
