import type { Locker } from '../carrier/types';
import type { LockerMention } from '../nlu/types';

/** A locker matched by a free-text query. */
export interface LockerMatch {
  locker: Locker;
  /** Match quality in [0, 1]; 1 = exact name/id. */
  score: number;
}

/**
 * Free-text search over the locker directory: city, street, mall or locker name, with typos,
 * missing Lithuanian letters and inflected forms ("Vilniaus", "Vilniuje", "Akropolyje").
 */
export interface LockerDirectory {
  /** Best matches first; at most `limit` (default 5); empty when nothing is plausible. */
  search(query: string, limit?: number): LockerMatch[];
  /**
   * Locker references inside a longer message ("change locker for CE482139075LT to Akropolis
   * Klaipėda"), in text order, each with up to `limit` (default 5) candidates. Ignores tracking
   * numbers, phones and conversation words; empty when no locker is plausibly mentioned
   * (precision over recall).
   */
  extractMentions(text: string, limit?: number): LockerMention[];
  get(id: string): Locker | undefined;
  /** Number of lockers loaded. */
  size(): number;
}
