/**
 * The shapes of what LockerDesk keeps between turns. The bot loads and saves them through
 * `StatePropertyAccessor`s; dialogs read and change them only through the typed turn
 * (`dialogs/turn.ts`), never directly.
 */
import type { Lang } from '../services/i18n/langs';
import type { ProvenFact } from '../services/proof/types';
import type { RoledPhone } from '../services/nlu/entities/roles';
import type { WantedLocker } from '../services/nlu/entities/lockerRoles';

/** A value the customer wrote, with the number of the message it came in (see `ConversationData.messages`). */
export interface Given<T> {
  value: T;
  message: number;
  /** When it was written (ISO); values older than `GIVEN_TTL_MS` are forgotten. */
  at: string;
}

/**
 * Values the customer wrote in this conversation (the last of each kind), so a case uses a value
 * given at another prompt, and confirms one given in an earlier case instead of asking again. Never
 * a proof: every change still needs its own one-time code.
 */
export interface GivenValues {
  trackingNumber?: Given<string>;
  /** The last few phones, with the roles their words give them. */
  phones?: Given<RoledPhone>[];
  locker?: Given<WantedLocker>;
}

/**
 * Per conversation (conversation state). Proven facts live here, not in user state: a fact is
 * bound to the conversation that proved it and expires (`PROOF_TTL_MINUTES`), so presenting
 * somebody's channel user id in a new conversation proves nothing.
 */
export interface ConversationData {
  welcomed?: boolean;
  /** Number of turns, for logs. */
  turns?: number;
  /** Facts proven in this conversation, oldest first; expired ones are dropped when a new one is added. */
  proven?: ProvenFact[];
  /**
   * Messages understood so far, the number of the current one. Kept here, not with the noted
   * values: the ranges a running case compares against it (`since`, the code question's message)
   * live in the dialog state as long as the conversation, so the count must not restart when the
   * noted values expire.
   */
  messages?: number;
}

/**
 * What the customer wrote in this conversation (parcel numbers, phones, lockers), kept apart from
 * the conversation state in a store whose items expire `GIVEN_TTL_MS` after their last write
 * (`HandoffInfrastructure.noteStorage`): personal data a visit needs, gone within the hour even
 * when the conversation simply stops.
 */
export interface NotedData {
  given?: GivenValues;
}

/** Long-lived facts about a customer (user state): only preferences, never anything proven. */
export interface UserData {
  /** The language the bot speaks with this customer. */
  lang?: Lang;
  /** True once the customer chose the language explicitly (a command or the widget's picker). */
  langChosen?: boolean;
}

/** What a case dialog has collected so far, handed to the escalation when it gives up. */
export interface CollectedFields {
  trackingNumber?: string;
  senderPhone?: string;
  recipientPhone?: string;
  /** The phone the customer gave to be reached on (not necessarily the parcel's sender or recipient). */
  contactPhone?: string;
  newPhone?: string;
  lockerId?: string;
  newLockerId?: string;
  description?: string;
}
