/**
 * Matching bot replies against message resources: a reply "is" message `key` when it matches the
 * key's template in that language (every `{{param}}` a wildcard, every plural form tried).
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import type { Activity } from 'botbuilder';
import type { Lang } from '../../services/i18n/langs';
import type { Messages } from '../../services/i18n/messages';

export interface Reply {
  text: string;
  buttons: string[];
  activity: Partial<Activity>;
}

/** The message replies among `activities` (typing indicators and empty messages dropped). */
export function repliesOf(activities: Partial<Activity>[]): Reply[] {
  return activities
    .filter((a) => a.type === 'message' && (a.text || (a.attachments ?? []).length))
    .map((a) => ({ text: a.text ?? '', buttons: (a.suggestedActions?.actions ?? []).map((x) => String(x.title)), activity: a }));
}

const raw = new Map<Lang, unknown>();
function rawTemplate(lang: Lang, key: string): string {
  if (!raw.has(lang)) raw.set(lang, JSON.parse(readFileSync(join(__dirname, '../../language/messages', `${lang}.json`), 'utf8')));
  let node: unknown = raw.get(lang);
  for (const part of key.split('.')) node = typeof node === 'object' && node !== null ? Reflect.get(node, part) : undefined;
  return String(node);
}

/** A matcher for the message `key` in `lang`. */
export function messagePattern(messages: Messages, lang: Lang, key: string): RegExp {
  const variants: string[] = [];
  for (const suffix of ['', '_one', '_few', '_many', '_other']) {
    const k = `${key}${suffix}`;
    if (messages.has(lang, k)) variants.push(rawTemplate(lang, k));
  }
  if (!variants.length) throw new Error(`messagePattern(): no message ${key} in ${lang}`);
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const alternatives = variants.map((v) => v.split(/\{\{[^}]+\}\}/).map(escape).join('[\\s\\S]*?'));
  return new RegExp(`^(?:${alternatives.join('|')})$`);
}

/** True when some reply is the message `key` in `lang`. */
export function hasMessage(messages: Messages, lang: Lang, replies: Reply[], key: string): boolean {
  const re = messagePattern(messages, lang, key);
  return replies.some((r) => re.test(r.text));
}

export const texts = (replies: Reply[]): string => replies.map((r) => r.text).join('\n---\n');

/** Throws, listing the replies, unless every key is among them. */
export function expectKeys(messages: Messages, lang: Lang, replies: Reply[], keys: string[]): void {
  for (const key of keys) {
    if (!hasMessage(messages, lang, replies, key)) throw new Error(`expected "${key}" (${lang}) among replies:\n${texts(replies)}`);
  }
}
