/**
 * UPU S10 item identifiers (e.g. `CE482139075LT`): 2 service letters, an 8-digit serial, one check
 * digit and an ISO country code. Pure functions so the NLU can validate tracking numbers typed by
 * customers before anything is sent to the carrier.
 */

const WEIGHTS = [8, 6, 4, 2, 3, 5, 9, 7] as const;

/** Matches the S10 shape only (check digit not verified). Upper case, no spaces. */
export const S10_PATTERN = /^[A-Z]{2}\d{9}[A-Z]{2}$/;

/**
 * The S10 check digit of an 8-digit serial: weights 8,6,4,2,3,5,9,7; `11 - (sum mod 11)`, where
 * 10 becomes 0 and 11 becomes 5.
 * @throws Error when `serial8` is not exactly 8 ASCII digits.
 * @example s10CheckDigit('48213907') // 5
 */
export function s10CheckDigit(serial8: string): number {
  if (!/^\d{8}$/.test(serial8)) throw new Error(`s10CheckDigit(): expected 8 digits, got "${serial8}"`);
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(serial8[i]) * WEIGHTS[i];
  const check = 11 - (sum % 11);
  if (check === 10) return 0;
  if (check === 11) return 5;
  return check;
}

/**
 * True when `code` is a well-formed S10 identifier with a correct check digit. Case and inner
 * spaces are tolerated (`ce 482 139 075 lt`), since that is how people type them.
 */
export function isValidS10(code: string): boolean {
  const c = normalizeS10(code);
  if (!S10_PATTERN.test(c)) return false;
  return s10CheckDigit(c.slice(2, 10)) === Number(c[10]);
}

/** Upper-cases and strips whitespace and hyphens; does not validate. */
export function normalizeS10(code: string): string {
  return code.replace(/[\s-]+/g, '').toUpperCase();
}

/** Builds a valid S10 identifier from its parts, e.g. `makeS10('CE', '48213907', 'LT')`. */
export function makeS10(prefix: string, serial8: string, country: string): string {
  return `${prefix}${serial8}${s10CheckDigit(serial8)}${country}`;
}
