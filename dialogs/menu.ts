/**
 * The main menu: the four self-service cases plus "talk to a person", as buttons in the
 * customer's language. A click sends the button's title, which maps back to an intent in any
 * language, so menus work on every channel.
 */
import type { Activity } from 'botbuilder';
import type { Messages } from '../services/i18n/messages';
import { foldAnswer } from '../services/i18n/choices';
import type { Intent } from '../services/nlu/types';
import { LANGS, type Lang } from '../services/i18n/langs';
import { message, type Button, type Turn } from './turn';

const MENU: { intent: Intent; key: string }[] = [
  { intent: 'readdress', key: 'menu.readdress' },
  { intent: 'fix_phone', key: 'menu.fixPhone' },
  { intent: 'find_tracking', key: 'menu.findTracking' },
  { intent: 'track', key: 'menu.track' },
  { intent: 'agent', key: 'menu.agent' },
];

export function menuButtons(messages: Messages, lang: Lang): Button[] {
  return MENU.map((m) => ({ title: messages.t(lang, m.key) }));
}

/** The message `key` in `lang` with the main menu under it (for callers outside a dialog turn). */
export function menuActivity(messages: Messages, lang: Lang, key: string, params?: Record<string, string | number>): Partial<Activity> {
  return message(messages.t(lang, key, params), menuButtons(messages, lang));
}

/** The intent of a menu button title in any language, or undefined. */
export function menuIntent(messages: Messages, text: string): Intent | undefined {
  const folded = foldAnswer(text);
  if (!folded) return undefined;
  let titles = menuTitles.get(messages);
  if (!titles) {
    titles = new Map();
    for (const m of MENU) for (const lang of LANGS) if (!titles.has(foldAnswer(messages.t(lang, m.key)))) titles.set(foldAnswer(messages.t(lang, m.key)), m.intent);
    menuTitles.set(messages, titles);
  }
  return titles.get(folded);
}
/** Folded menu titles in every language, per message set: built on first use, not per turn. */
const menuTitles = new WeakMap<Messages, Map<string, Intent>>();

/** Titles of intents that are not in the menu but may be offered in a clarifying question. */
const EXTRA_TITLES: Partial<Record<Intent, string>> = { locker_fault: 'menu.lockerFault', no_sms: 'menu.noSms' };

/** The title of an intent's menu button (for clarifying questions). */
export function intentTitleKey(intent: Intent): string | undefined {
  return MENU.find((m) => m.intent === intent)?.key ?? EXTRA_TITLES[intent];
}

/** Sends `key` with the main menu under it. */
export async function sayWithMenu(turn: Turn, messages: Messages, key: string, params?: Record<string, string | number>): Promise<void> {
  await turn.context.sendActivity(menuActivity(messages, turn.lang, key, params));
}
