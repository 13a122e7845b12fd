/**
 * Containment, as support tools define it: a conversation is **contained** when it needed no
 * person (it was never handed to the queue) and the customer did not come back about the same
 * parcel within 72 hours (no other conversation names that parcel in the 72 hours after this one
 * did). A conversation that named no parcel can only fail the first test. The last 72 hours are
 * provisional: a repeat contact may still come.
 */
import type { ReportEvent } from './events';

export const REPEAT_WINDOW_MS = 72 * 3600_000;

export interface ConversationOutcome {
  conversationId: string;
  startedAtMs: number;
  /** Handed to the queue at least once. */
  neededPerson: boolean;
  /** Another conversation named one of its parcels within 72 h after it did. */
  repeatContact: boolean;
  contained: boolean;
}

/**
 * Outcomes of the conversations started in `events` (pass the parcel mentions of the 72 hours
 * after the period too, or repeats near its end are missed).
 */
export function conversationOutcomes(events: readonly ReportEvent[], windowMs = REPEAT_WINDOW_MS): ConversationOutcome[] {
  const started = new Map<string, number>();
  const handedOff = new Set<string>();
  /** parcel → mentions (conversation, time), in time order. */
  const mentions = new Map<string, { conversationId: string; atMs: number }[]>();
  for (const e of events) {
    if (e.type === 'conversation_started' && !started.has(e.conversationId)) started.set(e.conversationId, Date.parse(e.at));
    else if (e.type === 'handoff') handedOff.add(e.conversationId);
    else if (e.type === 'parcel') {
      const list = mentions.get(e.parcel) ?? [];
      list.push({ conversationId: e.conversationId, atMs: Date.parse(e.at) });
      mentions.set(e.parcel, list);
    }
  }
  const repeated = new Set<string>();
  for (const list of mentions.values()) {
    list.sort((a, b) => a.atMs - b.atMs);
    for (let i = 0; i < list.length; i++) {
      const a = list[i];
      if (repeated.has(a.conversationId)) continue;
      for (let j = i + 1; j < list.length && list[j].atMs - a.atMs <= windowMs; j++) {
        if (list[j].conversationId !== a.conversationId) {
          repeated.add(a.conversationId);
          break;
        }
      }
    }
  }
  return [...started].map(([conversationId, startedAtMs]) => {
    const neededPerson = handedOff.has(conversationId);
    const repeatContact = repeated.has(conversationId);
    return { conversationId, startedAtMs, neededPerson, repeatContact, contained: !neededPerson && !repeatContact };
  });
}

/** Contained conversations over all conversations, 0 when there were none. */
export function containmentRate(outcomes: readonly ConversationOutcome[]): number {
  return outcomes.length ? outcomes.filter((o) => o.contained).length / outcomes.length : 0;
}
