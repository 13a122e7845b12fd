import type { Locker } from '../carrier/types';

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
  get(id: string): Locker | undefined;
  /** Number of lockers loaded. */
  size(): number;
}
