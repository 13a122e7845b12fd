/**
 * Model tokens for the intent classifier: entities masked by placeholders, then the shared
 * folding of services/text/fold.ts (`romanize`), so that "Paštomatas", "pastomatas" and
 * "PAŠTOMATAAAS" look alike, and so do "когда придёт посылка" and "kogda pridet posylka".
 */
import { locateEntities, type LocatedEntities } from './entities';
import { romanize } from '../text/fold';

export { foldText, romanize } from '../text/fold';

/** Placeholder tokens that stand in for entities, so the model learns "a number was given", not which one. */
export const PLACEHOLDERS = { tracking: '<trk>', phone: '<phone>', number: '<num>', url: '<url>', email: '<email>' } as const;

const URL = /\b(?:https?:\/\/|www\.)\S+/giu;
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}/gu;
const TOKEN = /<(?:trk|phone|num|url|email)>|[\p{L}\p{N}]+(?:['’][\p{L}]+)*|\p{Extended_Pictographic}/gu;

/** Replaces the given spans of `text` by ` placeholder ` (spans must not overlap). */
function replaceSpans(text: string, spans: { start: number; end: number; token: string }[]): string {
  if (!spans.length) return text;
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const s of sorted) {
    if (s.start < at) continue;
    out += text.slice(at, s.start) + ` ${s.token} `;
    at = s.end;
  }
  return out + text.slice(at);
}

/**
 * Text with entities (tracking numbers, phones, URLs, e-mails) replaced by placeholders, or by
 * spaces in `blank` mode (for language detection). Digits left over are handled by {@link tokenize}.
 * Pass `located` when the entities of `text` are already known.
 */
export function maskEntities(text: string, mode: 'placeholders' | 'blank' = 'placeholders', located: LocatedEntities = locateEntities(text)): string {
  const spans: { start: number; end: number; token: string }[] = [];
  for (const t of located.trackingNumbers) spans.push({ start: t.start, end: t.end, token: PLACEHOLDERS.tracking });
  for (const p of located.phones) {
    if (!spans.some((s) => p.start < s.end && s.start < p.end)) spans.push({ start: p.start, end: p.end, token: PLACEHOLDERS.phone });
  }
  if (mode === 'blank') for (const s of spans) s.token = '';
  const masked = replaceSpans(text, spans);
  return masked.replace(URL, mode === 'blank' ? ' ' : ` ${PLACEHOLDERS.url} `).replace(EMAIL, mode === 'blank' ? ' ' : ` ${PLACEHOLDERS.email} `);
}

/**
 * Model tokens: placeholders, romanized folded words (apostrophes dropped, digits inside words become `0`,
 * all-digit words become `<num>`) and single emoji.
 * @example tokenize("Where's CE 482 139 075 LT??") // ['wheres', '<trk>']
 */
export function tokenize(text: string, located?: LocatedEntities): string[] {
  const folded = romanize(maskEntities(text, 'placeholders', located));
  const out: string[] = [];
  for (const m of folded.matchAll(TOKEN)) {
    let tok = m[0];
    if (tok.startsWith('<')) {
      out.push(tok);
      continue;
    }
    tok = tok.replace(/['’]/g, '');
    if (/^\p{N}+$/u.test(tok)) out.push(PLACEHOLDERS.number);
    else out.push(tok.replace(/\p{N}+/gu, '0'));
  }
  return out;
}

/** True when the token carries words (not a placeholder, number or emoji). */
export function isWordToken(token: string): boolean {
  return !token.startsWith('<') && /\p{L}/u.test(token);
}
