/**
 * The languages the bot and the console speak: the one place to add a language (see README,
 * "How to add a language"). `lt` is the default.
 */
export const LANGS = ['lt', 'en', 'ru'] as const;
export type Lang = (typeof LANGS)[number];
export const DEFAULT_LANG: Lang = 'lt';

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}
