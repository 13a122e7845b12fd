/**
 * Tracking numbers in free text: UPU S10 identifiers (`CE482139075LT`) and 14-digit numeric
 * parcel ids, written with or without inner spaces and dashes. S10 codes with a wrong check digit
 * are still reported (`valid: false`) so a dialog can say "check the number" instead of "not found".
 */
import { isValidS10, normalizeS10 } from '../../carrier/s10';
import type { TrackingEntity } from '../types';

/** A found entity plus where it sits in the searched text (UTF-16 offsets, end exclusive). */
export type Located<T> = T & { start: number; end: number };

const SEP = '[\\s\\-\\u2010-\\u2015]?';
const S10_IN_TEXT = new RegExp(`(?<![\\p{L}\\p{N}])[A-Za-z]{2}${SEP}(?:\\d${SEP}){8}\\d${SEP}[A-Za-z]{2}(?![\\p{L}\\p{N}])`, 'gu');
const NUMERIC14_IN_TEXT = new RegExp(`(?<![\\p{L}\\p{N}+])(?:\\d${SEP}){13}\\d(?![\\p{L}\\p{N}])`, 'gu');

function digitsOnly(s: string): string {
  return s.replace(/\D+/g, '');
}

/**
 * Every tracking number in `text`, in order of appearance. S10 codes are matched first so their
 * nine digits are never read as part of a numeric id.
 */
export function findTrackingNumbers(text: string): Located<TrackingEntity>[] {
  const found: Located<TrackingEntity>[] = [];
  if (!/(?:\d\D{0,2}){9}/.test(text)) return found;
  let maskedText = text;
  for (const m of text.matchAll(S10_IN_TEXT)) {
    const start = m.index ?? 0;
    const raw = m[0];
    const value = normalizeS10(raw).replace(/[\u2010-\u2015]/g, '');
    found.push({ value, kind: 's10', valid: isValidS10(value), text: raw, start, end: start + raw.length });
  }
  if (found.length) {
    const chars = text.split('');
    for (const f of found) for (let i = f.start; i < f.end; i++) chars[i] = ' ';
    maskedText = chars.join('');
  }
  for (const m of maskedText.matchAll(NUMERIC14_IN_TEXT)) {
    const start = m.index ?? 0;
    const raw = text.slice(start, start + m[0].length);
    found.push({ value: digitsOnly(raw), kind: 'numeric14', valid: true, text: raw, start, end: start + raw.length });
  }
  return found.sort((a, b) => a.start - b.start);
}

export type TrackingParseResult =
  | { ok: true; value: string; kind: TrackingEntity['kind'] }
  | { ok: false; reason: 'empty' | 'bad_format' | 'bad_check_digit' | 'multiple' };

/**
 * Validates a prompt answer that should contain exactly one tracking number, giving a specific
 * reason when it does not (so the dialog can re-prompt precisely). Surrounding words are allowed
 * ("it is CE 482 139 075 LT"); the same number written twice counts once.
 * @example parseTrackingNumber('ce-482139075-lt') // { ok: true, value: 'CE482139075LT', kind: 's10' }
 */
export function parseTrackingNumber(text: string): TrackingParseResult {
  if (!text || !text.trim()) return { ok: false, reason: 'empty' };
  const found = findTrackingNumbers(text);
  const distinct = new Map<string, Located<TrackingEntity>>();
  for (const f of found) if (!distinct.has(f.value)) distinct.set(f.value, f);
  if (distinct.size > 1) return { ok: false, reason: 'multiple' };
  const only = [...distinct.values()][0];
  if (!only) return { ok: false, reason: 'bad_format' };
  if (!only.valid) return { ok: false, reason: 'bad_check_digit' };
  return { ok: true, value: only.value, kind: only.kind };
}
