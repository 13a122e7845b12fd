/**
 * Customer-facing text. Every sentence the bot sends comes from `language/messages/<lang>.json`
 * (i18next format: nested keys, `{{param}}` interpolation, plural forms `_one/_few/_many/_other`
 * chosen by `Intl.PluralRules`, which knows Lithuanian and Russian). Lithuanian is the default and
 * the fallback for a key missing in another language.
 */
import i18next, { type i18n } from 'i18next';
import { readFileSync, existsSync } from 'fs';
import { join } from 'path';
import { LANGS, DEFAULT_LANG, type Lang } from './langs';
import { languageDir } from '../nlu/trainingData';

export type MessageParams = Record<string, string | number | undefined>;

export interface Messages {
  /** The text for `key` in `lang`; throws when the key exists in no language (a bug, caught by tests). */
  t(lang: Lang, key: string, params?: MessageParams): string;
  /** A list resource (JSON array of strings), e.g. the words that mean "yes". */
  list(lang: Lang, key: string): string[];
  /** True when `key` resolves in `lang` itself (not through the fallback). */
  has(lang: Lang, key: string): boolean;
  /** Every leaf key of a language's resource, dot-separated (for completeness tests). */
  keys(lang: Lang): string[];
}

type Resource = Record<string, unknown>;

function leafKeys(obj: Resource, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) out.push(...leafKeys(v as Resource, key));
    else out.push(key);
  }
  return out;
}

/** Loads the resource files once; lookups afterwards are synchronous and allocation-light. */
export function createMessages(dir: string = join(languageDir(), 'messages')): Messages {
  const resources: Record<string, { translation: Resource }> = {};
  for (const lang of LANGS) {
    const file = join(dir, `${lang}.json`);
    if (!existsSync(file)) throw new Error(`createMessages(): missing message file ${file}`);
    try {
      resources[lang] = { translation: JSON.parse(readFileSync(file, 'utf8')) as Resource };
    } catch (err) {
      throw new Error(`createMessages(): ${file} is not valid JSON: ${(err as Error).message}`);
    }
  }
  const instance: i18n = i18next.createInstance();
  void instance.init({
    resources,
    lng: DEFAULT_LANG,
    fallbackLng: DEFAULT_LANG,
    supportedLngs: [...LANGS],
    initAsync: false,
    interpolation: { escapeValue: false },
    returnNull: false,
    showSupportNotice: false,
  } as Parameters<i18n['init']>[0]);

  const fixed = new Map<Lang, ReturnType<i18n['getFixedT']>>();
  for (const lang of LANGS) fixed.set(lang, instance.getFixedT(lang));

  // Looked up once, not per turn: the keys a language resolves (its own and the fallback's, plural
  // forms by their base key), and every text without parameters and every list, once computed.
  const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;
  const knownKeys = (lang: string): Set<string> => {
    const keys = new Set<string>();
    for (const l of new Set([lang, DEFAULT_LANG])) {
      for (const k of leafKeys(resources[l].translation)) {
        keys.add(k);
        keys.add(k.replace(PLURAL_SUFFIX, ''));
      }
    }
    return keys;
  };
  const known = new Map<Lang, Set<string>>(LANGS.map((l) => [l, knownKeys(l)]));
  const plain = new Map<string, string>();
  const lists = new Map<string, readonly string[]>();
  const noParams = (params: MessageParams | undefined) => {
    if (!params) return true;
    for (const _ in params) return false;
    return true;
  };

  return {
    t(lang, key, params) {
      const keys = known.get(lang) ?? known.get(DEFAULT_LANG)!;
      if (!keys.has(key)) throw new Error(`Messages.t(): no message "${key}" in any language`);
      const tr = fixed.get(lang) ?? fixed.get(DEFAULT_LANG)!;
      if (!noParams(params)) return tr(key, params) as string;
      const memo = `${lang}\u0000${key}`;
      let text = plain.get(memo);
      if (text === undefined) {
        text = tr(key, {}) as string;
        plain.set(memo, text);
      }
      return text;
    },
    list(lang, key) {
      const memo = `${lang}\u0000${key}`;
      let list = lists.get(memo);
      if (!list) {
        const tr = fixed.get(lang) ?? fixed.get(DEFAULT_LANG)!;
        const value = tr(key, { returnObjects: true }) as unknown;
        if (!Array.isArray(value)) throw new Error(`Messages.list(): "${key}" is not a list in ${lang}`);
        list = value.map(String);
        lists.set(memo, list);
      }
      return [...list];
    },
    has(lang, key) {
      return instance.exists(key, { lng: lang, fallbackLng: false } as never);
    },
    keys(lang) {
      return leafKeys(resources[lang].translation);
    },
  };
}
