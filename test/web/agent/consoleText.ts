/**
 * The console's texts as an agent reads them, looked up in the server's message files
 * (`console.<key>`), so the browser tests run in every console language with the same assertions.
 */
import { createMessages } from '../../../services/i18n/messages';

export type ConsoleLang = 'lt' | 'en';
/** The agents' languages: Lithuanian (the default) and English. */
export const CONSOLE_LANGS: readonly ConsoleLang[] = ['lt', 'en'];

const messages = createMessages();

/** `t(key, params)` for `lang`; a key missing from the message files fails the test instead of matching itself. */
export function consoleText(lang: ConsoleLang): (key: string, params?: Record<string, string | number>) => string {
  const known = new Set(messages.keys(lang));
  return (key, params) => {
    if (!known.has(`console.${key}`)) throw new Error(`console.${key} is not in ${lang}.json`);
    return messages.t(lang, `console.${key}`, params);
  };
}
