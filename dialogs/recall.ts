/**
 * Values from earlier in the conversation, offered as "Is it …?" at a prompt instead of asking
 * again (`SlotPromptOptions.recall`): the last parcel number written before the case, the customer's
 * own phone (proven here, or called their own or the sender's). They only save typing: a recalled
 * parcel is looked up like a typed one, and every change or lookup still needs its own one-time code.
 */
import { maskPhone } from '../services/i18n/format';
import { isOwnPhone } from '../services/nlu/entities/roles';
import type { SlotPromptOptions } from './prompts/SlotPrompt';
import type { Turn } from './turn';

type Recall = NonNullable<SlotPromptOptions['recall']>;

/** The parcel number written before message `since` (the case's first), as "Is it CE…?". */
export function recallTracking(turn: Turn, since: number): Recall | undefined {
  const earlier = turn.conversation.given({ before: since }).trackingNumber;
  return earlier ? { value: earlier, shown: earlier, questionKey: 'recall.trackingNumber' } : undefined;
}

/**
 * The customer's own phone from before message `since`: the newest proven here as a sender's (a
 * readdress proof), else the newest they called their own or the sender's; shown masked.
 */
export function recallOwnPhone(turn: Turn, since: number, questionKey: string): Recall | undefined {
  const proven = turn.conversation.proven.filter((f) => f.role === 'sender');
  const own = turn.conversation.given({ before: since }).phones.filter(isOwnPhone);
  const phone = proven[proven.length - 1]?.e164 ?? own[own.length - 1]?.e164;
  return phone ? { value: phone, shown: maskPhone(phone), questionKey } : undefined;
}
