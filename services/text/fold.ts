/**
 * Text folding shared by the language-understanding model, the language detector, command and
 * choice matching and moderation: one place that decides when two spellings are "the same".
 *
 * - {@link foldText}: lower case, no diacritics (NFKD), runs of three or more equal letters cut to
 *   two. Scripts are kept: "Paštomatas" → "pastomatas", "Посылка" → "посылка".
 * - {@link romanize}: {@link foldText} plus one Latin spelling for Russian, so "когда придёт
 *   посылка" and the Latin-typed "kogda pridet posylka" (or "yashchik" / "jaschik" for «ящик»)
 *   meet. Cyrillic is transliterated (я → ja, ю → ju, й → j, щ → sch, ш → sh, ч → ch, ж → zh,
 *   х → h, ц → c, ы → y, ь/ъ dropped) and the common Latin variants of the same sounds are
 *   folded onto it (ya → ja, yu → ju, shch → sch, kh → h, a final "oy"/"ey"/… → "oj"/"ej"). The
 *   Latin rules touch English and Lithuanian words too ("you" → "jou"); that is harmless because
 *   training text and customer text go through the same function.
 *
 * The locker search keeps its own transliteration (the Lithuanian way: "Вильнюс" → "vilnius", see
 * services/lockers/text.ts), because place names are matched against their Lithuanian spelling.
 */

const COMBINING_MARKS = /\p{M}+/gu;
const REPEATS = /(\p{L})\1{2,}/gu;

/**
 * Lower-cases, decomposes (NFKD), strips diacritics and collapses runs of three or more equal
 * letters to two. Cyrillic keeps its script ("й" becomes "и", "ё" becomes "е").
 * @example foldText('PAŠTOMATAAAS') // 'pastomataas'
 */
export function foldText(text: string): string {
  return text.toLowerCase().normalize('NFKD').replace(COMBINING_MARKS, '').replace(REPEATS, '$1$1');
}

const CYRILLIC_TO_LATIN: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'j', к: 'k', л: 'l', м: 'm',
  н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'h', ц: 'c', ч: 'ch', ш: 'sh', щ: 'sch',
  ъ: '', ы: 'y', ь: '', э: 'e', ю: 'ju', я: 'ja', є: 'je', і: 'i', ї: 'ji', ґ: 'g',
};
const CYRILLIC_RUN = /[\u0400-\u04ff]/g;

/**
 * {@link foldText} with Russian in one Latin spelling (see the module comment).
 * @example romanize('Когда придёт посылка?') // 'kogda pridet posylka?'
 * @example romanize('kogda pridet posylka') // 'kogda pridet posylka'
 * @example romanize('ne mogu otkryt yashchik') // 'ne mogu otkryt jaschik'
 */
export function romanize(text: string): string {
  // Before NFKD, so that "й" is not reduced to "и" and "ё" not left as "е" + mark.
  const latin = text.toLowerCase().replace(CYRILLIC_RUN, (ch) => CYRILLIC_TO_LATIN[ch] ?? ch);
  return foldText(latin)
    .replace(/shch/g, 'sch')
    .replace(/kh/g, 'h')
    .replace(/y([aou])/g, 'j$1')
    .replace(/([aeiou])y\b/g, '$1j');
}
