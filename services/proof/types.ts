/**
 * Proof by possession: what a conversation has proven (a phone, by typing back a one-time code
 * the carrier sent to it) and for how long. Proven facts belong to one conversation and expire;
 * they are never kept in user state and never carried to another conversation.
 */

/** A phone the customer proved they hold, in this conversation. */
export interface ProvenPhone {
  kind: 'phone';
  /** E.164. */
  e164: string;
  /** Whose phone it is on the parcel (`sender` for the sender's actions). */
  role: 'sender' | 'recipient';
  /** The parcel the code was sent for, when the proof was for a parcel. */
  trackingNumber?: string;
  /** ISO timestamps. */
  provenAt: string;
  expiresAt: string;
}

export type ProvenFact = ProvenPhone;

/** Facts still valid at `now`. */
export function liveFacts(facts: readonly ProvenFact[] | undefined, now: Date): ProvenFact[] {
  return (facts ?? []).filter((f) => Date.parse(f.expiresAt) > now.getTime());
}
