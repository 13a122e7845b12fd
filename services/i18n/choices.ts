/**
 * Matching a free-text answer against a short list of choices, in any of the bot's languages,
 * with or without Lithuanian letters ("Taip", "taip.", "1", "gavejo" all work).
 */

import { foldText } from '../nlu/text';

/** `foldText` (lower case, no diacritics) without punctuation and extra spaces: the form answers are compared in. */
export function foldAnswer(text: string): string {
  let folded = foldedAnswers.get(text);
  if (folded === undefined) {
    folded = foldText(text)
      .replace(/[^\p{L}\p{N}+]+/gu, ' ')
      .trim();
    // Mostly button titles and synonyms from the resources, folded again at every prompt: kept,
    // bounded (customers' free text passes through too).
    if (text.length <= 200) {
      if (foldedAnswers.size >= FOLDED_LIMIT) foldedAnswers.clear();
      foldedAnswers.set(text, folded);
    }
  }
  return folded;
}
const FOLDED_LIMIT = 5000;
const foldedAnswers = new Map<string, string>();

export interface ChoiceLabels {
  value: string;
  /** Everything that selects this choice: its button title and synonyms. */
  labels: string[];
}

/**
 * Returns the value of the choice the text selects: an exact (folded) label, a 1-based index
 * ("2", "2."), or a label that is the whole answer's first word(s). Undefined when none or
 * several match.
 */
export function matchChoice(text: string, choices: ChoiceLabels[]): string | undefined {
  const folded = foldAnswer(text);
  if (!folded) return undefined;
  if (/^\d{1,2}$/.test(folded)) {
    const idx = Number(folded) - 1;
    return choices[idx]?.value;
  }
  const exact = choices.filter((c) => c.labels.some((l) => foldAnswer(l) === folded));
  if (exact.length === 1) return exact[0].value;
  if (exact.length > 1) return undefined;
  const words = ` ${folded} `;
  const partial = choices.filter((c) => c.labels.some((l) => {
    const fl = foldAnswer(l);
    return fl.length >= 2 && words.includes(` ${fl} `);
  }));
  return partial.length === 1 ? partial[0].value : undefined;
}
