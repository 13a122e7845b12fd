/**
 * The word lists behind moderation: the maintained LDNOOBW lists shipped as `naughty-words`
 * (English and Russian), minus `language/moderation/exclusions.txt`, plus our own files
 * `language/moderation/{lt,en,ru}.txt` (Lithuanian has no maintained list). The file format is
 * documented in `language/moderation/README.md`; parsing is pure, loading reads the files once.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { LANGS, isLang, type Lang } from '../i18n/langs';
import { languageDir } from '../nlu/trainingData';

/** What a list entry says about a message. */
export type WordRule = 'rude' | 'request';
export type PatternRule = 'aimed' | 'threat';
export const SECTIONS = ['rude', 'aimed', 'threat', 'request'] as const;
export type Section = (typeof SECTIONS)[number];

/** Where an entry comes from, for review of hits. */
export type EntrySource = 'naughty-words' | 'language/moderation';

export interface WordEntry {
  rule: WordRule;
  lang: Lang;
  /** As written in the list (`debil*`, `piece of shit`, `сука`). */
  entry: string;
  source: EntrySource;
  /** `!cyr`: compared in Cyrillic only (its Latin skeleton is an ordinary word elsewhere). */
  cyrillicOnly: boolean;
}

export interface PatternEntry {
  rule: PatternRule;
  lang: Lang;
  /** A regular expression over folded text; `\b` is a boundary in any script. */
  source: string;
  /** Line in its file, for messages. */
  line: number;
}

export interface ModerationLists {
  words: WordEntry[];
  patterns: PatternEntry[];
}

function isSection(name: string): name is Section {
  return (SECTIONS as readonly string[]).includes(name);
}

/** Languages whose entries and patterns are also matched as Latin-script transliteration. */
export const SKELETON_LANGS: readonly Lang[] = ['ru'];

/**
 * Parses one `language/moderation/<lang>.txt` file. Throws with file and line on an unknown
 * section, a line outside a section or an invalid pattern.
 */
export function parseModerationFile(content: string, lang: Lang, file = `${lang}.txt`): ModerationLists {
  const words: WordEntry[] = [];
  const patterns: PatternEntry[] = [];
  let section: Section | undefined;
  content.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) {
      const name = header[1];
      if (!isSection(name)) throw new Error(`parseModerationFile(): ${file}:${i + 1}: unknown section [${name}]`);
      section = name;
      return;
    }
    if (!section) throw new Error(`parseModerationFile(): ${file}:${i + 1}: entry outside a section`);
    if (section === 'aimed' || section === 'threat') {
      try {
        new RegExp(line, 'u');
      } catch (err) {
        throw new Error(`parseModerationFile(): ${file}:${i + 1}: invalid pattern: ${(err as Error).message}`);
      }
      patterns.push({ rule: section, lang, source: line, line: i + 1 });
      return;
    }
    const cyrillicOnly = /\s!cyr$/u.test(line);
    const entry = line.replace(/\s+!cyr$/u, '').trim();
    words.push({ rule: section, lang, entry, source: 'language/moderation', cyrillicOnly });
  });
  return { words, patterns };
}

/** `<lang> <entry>  # reason` lines → entries to drop from the maintained lists, per language. */
export function parseExclusions(content: string, file = 'exclusions.txt'): Map<Lang, Set<string>> {
  const out = new Map<Lang, Set<string>>();
  content.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/\s#.*$/u, '').trim();
    if (!line || line.startsWith('#')) return;
    const m = /^(\S+)\s+(.+)$/u.exec(line);
    if (!m || !isLang(m[1])) throw new Error(`parseExclusions(): ${file}:${i + 1}: expected "<lang> <entry>  # reason"`);
    const set = out.get(m[1]) ?? new Set<string>();
    set.add(m[2].trim());
    out.set(m[1], set);
  });
  return out;
}

/** The maintained list of `lang` from the `naughty-words` package, or [] when it has none (Lithuanian). */
export function maintainedList(lang: Lang): string[] {
  let file: string;
  try {
    file = require.resolve(`naughty-words/${lang}.json`);
  } catch {
    return [];
  }
  const data: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(data) || !data.every((w): w is string => typeof w === 'string')) {
    throw new Error(`maintainedList(): ${file} is not a JSON array of strings`);
  }
  return data;
}

/** Everything under `language/moderation/` plus the maintained lists, merged. */
export function loadModerationLists(dir: string = join(languageDir(), 'moderation')): ModerationLists {
  const exclusions = parseExclusions(readFileSync(join(dir, 'exclusions.txt'), 'utf8'));
  const words: WordEntry[] = [];
  const patterns: PatternEntry[] = [];
  for (const lang of LANGS) {
    const skip = exclusions.get(lang) ?? new Set<string>();
    for (const entry of maintainedList(lang)) {
      if (!skip.has(entry)) words.push({ rule: 'rude', lang, entry, source: 'naughty-words', cyrillicOnly: false });
    }
    const own = parseModerationFile(readFileSync(join(dir, `${lang}.txt`), 'utf8'), lang);
    words.push(...own.words);
    patterns.push(...own.patterns);
  }
  return { words, patterns };
}
