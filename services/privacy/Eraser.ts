/**
 * Data-subject erasure (issue 9): removes a customer's transcripts, cases and state — the hand-off
 * records (`PersonalData.eraseCustomer`), the bot's conversation and user state of those
 * conversations and identities, and the fair-use abuse flags — for a phone or a channel user id.
 * Used by `npm run erase` and by the supervisor console; both log the outcome through `report`
 * without the personal data itself: a random request id, which kind of subject, and counts.
 *
 * Kept on purpose: a supervisor's block of the identity and its audit entries (a security measure
 * with its own accountability; unblock first when it should go too), and counters that expire on
 * their own within minutes (flood and repeat limits hold hashes and counts, no text).
 */
import { randomInt } from 'crypto';
import type { AbuseFlags } from '../fairuse/AbuseFlags';
import type { ErasureSubject, PersonalData } from '../handoff/PersonalData';
import type { Logger } from '../logging/logger';

/** The bot's state storage (botbuilder `Storage.delete` has this shape). */
export interface StateKeyEraser {
  delete(keys: string[]): Promise<void>;
}

/** Channels whose user state is looked for when only a channel user id is given. */
export const KNOWN_CHANNELS = ['webchat', 'directline', 'facebook', 'emulator', 'msteams', 'test'] as const;

const ID_LETTERS = 'abcdefghjkmnpqrstuvwxyz';

/**
 * A request id of letters only (about 90 bits): the logger masks long digit runs as possible phone
 * numbers, which would garble a UUID in the log line that must carry it.
 */
export function eraseRequestId(): string {
  let id = 'er-';
  for (let i = 0; i < 20; i++) id += ID_LETTERS[randomInt(ID_LETTERS.length)];
  return id;
}

export interface EraseReport {
  /** Quote it to the data subject or in the ticket; the log line carries the same id. */
  requestId: string;
  subject: 'phone' | 'channel_id';
  cases: number;
  conversations: number;
  stateKeys: number;
  abuseFlags: number;
}

export interface EraserDeps {
  personalData: Pick<PersonalData, 'eraseCustomer'>;
  /** Bot conversation/user state, keyed as botbuilder's ConversationState/UserState key it (`${channel}/conversations/${id}/`, `${channel}/users/${id}/`; the namespace is empty). */
  state: StateKeyEraser;
  flags: Pick<AbuseFlags, 'clear'>;
  logger: Logger;
}

export class Eraser {
  constructor(private readonly d: EraserDeps) {}

  /** Erases everything of `subject`; `by` is who asked (a supervisor id, or `cli`). */
  async erase(subject: ErasureSubject, by: string): Promise<EraseReport> {
    const requestId = eraseRequestId();
    const kind = 'phone' in subject ? 'phone' : 'channel_id';
    const found = await this.d.personalData.eraseCustomer(subject);
    const keys = new Set<string>();
    for (const c of found.conversations) keys.add(`${c.channel}/conversations/${c.id}/`);
    const identities = [...found.identities];
    if ('userId' in subject) for (const channel of KNOWN_CHANNELS) identities.push({ channel, userId: subject.userId.trim() });
    for (const i of identities) keys.add(`${i.channel}/users/${i.userId}/`);
    if (keys.size) await this.d.state.delete([...keys]);
    let abuseFlags = 0;
    for (const c of found.conversations) abuseFlags += await this.d.flags.clear({ conversationId: c.id });
    for (const userId of new Set(identities.map((i) => i.userId))) abuseFlags += await this.d.flags.clear({ customerKey: userId });
    const report: EraseReport = { requestId, subject: kind, cases: found.cases, conversations: found.conversations.length, stateKeys: keys.size, abuseFlags };
    this.d.logger.info({ erase: report, by }, 'Eraser: personal data erased on request');
    return report;
  }
}
