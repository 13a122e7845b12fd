/**
 * Typed conversation and user state. Accessors are created once in the composition root and
 * passed to the bot; dialogs read the per-turn values through `dialogs/turn.ts`.
 */
import type { Lang } from '../services/i18n/langs';

/** Long-lived facts about a customer (user state). */
export interface UserProfile {
  /** The language the bot speaks with this customer. */
  lang?: Lang;
  /** True once the customer chose the language explicitly (a command or the widget's picker). */
  langChosen?: boolean;
  /** Sender phones the customer proved in a flow (E.164); never guessed. */
  verifiedPhones?: string[];
}

/** Per-conversation bookkeeping outside the dialog stack (conversation state). */
export interface ConversationFlags {
  welcomed?: boolean;
  /** Number of turns, for logs. */
  turns?: number;
}

/** What a case dialog has collected so far, handed to the escalation when it gives up. */
export interface CollectedFields {
  trackingNumber?: string;
  senderPhone?: string;
  recipientPhone?: string;
  newPhone?: string;
  lockerId?: string;
  newLockerId?: string;
  description?: string;
}
