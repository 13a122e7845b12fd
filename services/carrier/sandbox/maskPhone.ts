/**
 * How the carrier shows a phone to someone who only holds the tracking number: calling code,
 * first national digit and last three digits, e.g. `+370 6** **567`, `+48 6** ***567`.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';

export function maskPhone(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return '***';
  const cc = parsed.countryCallingCode;
  const national = String(parsed.nationalNumber);
  if (national.length < 6) return `+${cc} ***`;
  const head = national[0] + '**';
  const middle = '*'.repeat(national.length - 6);
  const tail = national.slice(-3);
  return `+${cc} ${head} ${middle}${tail}`;
}
