/**
 * The service team's rules for fair use, as one decision per customer message:
 *
 * 1. **Blocked** by a supervisor → one notice, then nothing.
 * 2. **Flood** → one calm notice per window; the messages are recorded by the caller but not
 *    answered one by one; answers resume when the pace drops (a window after the last excess).
 *    Two limits, per conversation and per customer identity:
 *    - a *burst*: more than `floodBurstMessages` within `floodBurstSeconds` — a flood is caught
 *      after a few messages, whether or not it waits for the answers (a script that waits is as
 *      costly as one that does not);
 *    - a *window*: more than `floodMaxMessages` within `floodWindowSeconds` — a steady stream that
 *      stays under the burst limit.
 *    Both are set so that a customer typing at human pace — even twice as fast — never reaches
 *    them (tested). Programs that drive the bot faster than a person (tests, load scripts) must
 *    raise them.
 *    And per IP (anonymous web visitors, when the channel gives a trusted one): more than
 *    `floodMaxMessagesPerIp` within `floodWindowSeconds`.
 * 3. **Repeat**: the same message (normalised text) as the customer's previous *answered* message
 *    within `repeatWindowSeconds` → recorded, not answered twice (so it cannot open a second case).
 * 4. **Abuse or threat** only → one calm reply per problem that restates what the bot can do; the
 *    message never reaches the dialogs, so it is never queued for a person.
 * 5. Otherwise the bot answers; a rude request gets its answer plus, once per problem, a calm note.
 *    The caller reports the end of that turn with {@link FairUsePolicy.finished}.
 *
 * Abuse and threats also raise the supervisor's flag ({@link AbuseFlags}). Every decision is shared
 * by all instances when the stores are on Redis.
 *
 * Why a repeat is "the same as the previous answered message" and not "any earlier message": a
 * polite customer legitimately sends the same text twice in one conversation — a menu button
 * clicked again for a second parcel, "taip" to two questions. One-word answers are never repeats;
 * neither is a click on a choice the bot has just offered, the same question after the widget was
 * reopened ({@link FairUsePolicy.sessionStarted}), or a message whose first copy got no answer
 * (the turn failed).
 *
 * A store failure never silences a customer: the policy then lets the message through
 * (`onError` is told).
 */
import { createHash } from 'crypto';
import { foldText } from '../nlu/text';
import { assess as defaultAssess, type AssessOptions, type Assessment } from '../moderation/Moderator';
import type { AbuseFlag, AbuseFlags } from './AbuseFlags';
import { identityKey, type BlockList, type BlockRecord, type CustomerIdentity } from './BlockList';
import type { LimiterFactory, NamedLimiter } from '../limits/limiter';
import type { LastMessageStore } from './LastMessageStore';

/** The configuration block (`services/config.ts` → `config.fairUse`). */
export interface FairUseSettings {
  /** Messages allowed per window per conversation and per customer identity. */
  floodMaxMessages: number;
  floodWindowSeconds: number;
  /** Messages allowed in a short burst (per conversation and customer), so a flood is caught after a few. */
  floodBurstMessages: number;
  floodBurstSeconds: number;
  /** Messages allowed per window per IP (many customers can share one address). */
  floodMaxMessagesPerIp: number;
  repeatWindowSeconds: number;
}

/** How long "one calm reply per problem" remembers that the reply was given. */
export const TONE_MEMORY_SECONDS = 24 * 3600;

/** One customer message as the channel delivered it. */
export interface FairUseMessage {
  conversationId: string;
  channel: string;
  /** The channel's user id; absent when the channel gives none. */
  userId?: string;
  /**
   * The customer key the hand-off side uses (`CustomerRef.customerKey`), under which the abuse
   * flag is also kept; default `userId`.
   */
  customerKey?: string;
  /**
   * The visitor's IP, only from a trusted source (a channel endpoint that saw the HTTP request).
   * Never from activity fields the client can write, and never the Bot Connector's address.
   */
  ip?: string;
  text: string;
  at?: Date;
  /**
   * A person owns the conversation (queued or with an agent): no bot replies to the tone. May be
   * a promise (a read still under way), which `decide` waits for beside its own reads.
   */
  humanOwned?: boolean | PromiseLike<boolean>;
  /** What "one reply per problem" counts per; default the conversation. (The typed turn may pass a case or intent.) */
  problem?: string;
  /** Hint for moderation: the caller knows this is a request. */
  requestLikely?: boolean;
}

export type FloodScope = 'conversation' | 'customer' | 'ip';

/** What to do with a message; `assessment` is present for every message that was assessed. */
export type FairUseDecision =
  | { action: 'blocked'; notice: boolean; block: BlockRecord }
  | { action: 'flood'; notice: boolean; scope: FloodScope; assessment: Assessment; flag?: AbuseFlag }
  | { action: 'repeat'; assessment: Assessment; flag?: AbuseFlag }
  /** Abuse or threat only: not answered; `reply` when the one calm reply is due. */
  | { action: 'abuse'; reply: boolean; assessment: Assessment; flag?: AbuseFlag }
  /** The bot answers; `note` when the calm note about the tone is due. */
  | { action: 'answer'; note: boolean; assessment: Assessment; flag?: AbuseFlag };

export type FairUseAction = FairUseDecision['action'];

export interface FairUsePolicyDeps {
  settings: FairUseSettings;
  /** Where the counts live (memory, or Redis shared by every instance); one policy per factory. */
  limits: LimiterFactory;
  lastMessages: LastMessageStore;
  blockList: BlockList;
  flags: AbuseFlags;
  /** Moderation; default the repository's lists. */
  assess?: (text: string, options?: AssessOptions) => Assessment;
  onError?: (err: unknown, where: string) => void;
  now?: () => Date;
}

/** Hash of the normalised text: case, diacritics, spacing and punctuation do not make a message new. */
export function messageFingerprint(text: string): string {
  return createHash('sha1').update(foldText(text).replace(/[^\p{L}\p{N}]+/gu, ' ').trim()).digest('base64url').slice(0, 16);
}

/** Messages of two words or more can be repeats; "taip", "2", a lone parcel or phone number cannot. */
export function repeatEligible(text: string): boolean {
  return foldText(text).split(/[^\p{L}\p{N}]+/u).filter((w) => /\p{L}/u.test(w)).length >= 2;
}

function conversationKey(m: Pick<FairUseMessage, 'conversationId' | 'channel'>): string {
  return `${encodeURIComponent(m.channel)}:${m.conversationId}`;
}

export class FairUsePolicy {
  private readonly perConversation: NamedLimiter;
  private readonly perCustomer: NamedLimiter;
  private readonly burstPerConversation: NamedLimiter;
  private readonly burstPerCustomer: NamedLimiter;
  private readonly perIp: NamedLimiter;
  /** One flood notice per window and customer (conversation, without a customer; IP for an IP flood); one calm reply per problem. */
  private readonly floodNotice: NamedLimiter;
  private readonly toneReply: NamedLimiter;
  private readonly assess: (text: string, options?: AssessOptions) => Assessment;
  private readonly now: () => Date;

  constructor(private readonly deps: FairUsePolicyDeps) {
    const s = deps.settings;
    const window = { points: s.floodMaxMessages, windowSeconds: s.floodWindowSeconds };
    const burst = { points: s.floodBurstMessages, windowSeconds: s.floodBurstSeconds };
    this.perConversation = deps.limits.create('fairuse.flood-conversation', window);
    this.perCustomer = deps.limits.create('fairuse.flood-customer', window);
    this.burstPerConversation = deps.limits.create('fairuse.burst-conversation', burst);
    this.burstPerCustomer = deps.limits.create('fairuse.burst-customer', burst);
    this.perIp = deps.limits.create('fairuse.flood-ip', { points: s.floodMaxMessagesPerIp, windowSeconds: s.floodWindowSeconds });
    this.floodNotice = deps.limits.create('fairuse.notice-flood', { points: 1, windowSeconds: s.floodWindowSeconds });
    this.toneReply = deps.limits.create('fairuse.notice-tone', { points: 1, windowSeconds: TONE_MEMORY_SECONDS });
    this.assess = deps.assess ?? defaultAssess;
    this.now = deps.now ?? (() => new Date());
  }

  get blockList(): BlockList {
    return this.deps.blockList;
  }

  get flags(): AbuseFlags {
    return this.deps.flags;
  }

  async decide(m: FairUseMessage): Promise<FairUseDecision> {
    const identity: CustomerIdentity | undefined = m.userId ? { channel: m.channel, userId: m.userId } : undefined;
    const customer = identity ? identityKey(identity) : undefined;
    const assessment = this.assess(m.text, { requestLikely: m.requestLikely });
    const abusive = assessment.kind === 'abuse' || assessment.kind === 'threat';
    const conv = conversationKey(m);
    const keys = repeatEligible(m.text) ? this.repeatKeys(m) : [];
    const fingerprint = keys.length ? messageFingerprint(m.text) : '';

    // Every read at once (with Redis each is a round trip): the block, the flood counters (given
    // back below when the customer is blocked), the previous messages, the offered choices and
    // who owns the conversation.
    const [block, flood, previous, offered, humanOwned] = await Promise.all([
      identity ? this.safe(() => this.deps.blockList.get(identity), undefined, 'blockList.get') : undefined,
      this.flood(conv, customer, m.ip),
      Promise.all(keys.map((k) => this.safe(() => this.deps.lastMessages.get(k), undefined, 'lastMessages.get'))),
      keys.length ? this.safe(() => this.deps.lastMessages.get(`offered:${conv}`), undefined, 'lastMessages.get') : Promise.resolve(undefined),
      m.humanOwned ?? false,
    ]);
    if (identity && block) {
      // The flood counters were counted beside the block read: give the points back, so a blocked
      // customer typing on uses up nobody's window (an office's shared IP, their own after an unblock).
      const [notice] = await Promise.all([this.safe(() => this.deps.blockList.claimNotice(identity), false, 'blockList.claimNotice'), this.refundFlood(conv, customer, m.ip)]);
      return { action: 'blocked', notice, block };
    }
    const flag = abusive ? await this.raiseFlag(m, assessment) : undefined;
    const extra = flag ? { flag } : {};

    if (flood) {
      const notice = await this.claim(this.floodNotice, flood.key);
      return { action: 'flood', notice, scope: flood.scope, assessment, ...extra };
    }
    const choseOffered = offered?.split(',').includes(fingerprint) ?? false;
    if (!choseOffered && previous.some((p) => p === fingerprint)) return { action: 'repeat', assessment, ...extra };

    const toneKey = `${conv}:${m.problem ?? ''}`;
    if (abusive && !humanOwned) return { action: 'abuse', reply: await this.claim(this.toneReply, toneKey), assessment, ...extra };
    const note = assessment.kind === 'rude_request' && !humanOwned && (await this.claim(this.toneReply, toneKey));
    return { action: 'answer', note, assessment, ...extra };
  }

  /**
   * The bot's turn for an `answer` decision ended. When it succeeded (`answered`), the message
   * becomes "the previous answered message" for repeats, and the choices its reply offered
   * (button and card values) are remembered: clicking one answers the bot's question, so it is
   * never a repeat, even when it equals the previous message (typed "akropolis klaipeda", then
   * clicked "Akropolis Klaipėda"). A turn that failed changes nothing: sending it again is answered.
   */
  async finished(m: FairUseMessage, outcome: { answered: boolean; offered: string[] }): Promise<void> {
    if (!outcome.answered) return;
    const conv = conversationKey(m);
    const ttl = this.deps.settings.repeatWindowSeconds * 1000;
    const fingerprint = messageFingerprint(m.text);
    // An empty value clears the choices of an earlier reply.
    const prints = [...new Set(outcome.offered.filter(repeatEligible).map(messageFingerprint))].join(',');
    await Promise.all([
      ...(repeatEligible(m.text) ? this.repeatKeys(m) : []).map((k) => this.safe(() => this.deps.lastMessages.swap(k, fingerprint, ttl), undefined, 'lastMessages.swap')),
      this.safe(() => this.deps.lastMessages.swap(`offered:${conv}`, prints, ttl), undefined, 'lastMessages.swap'),
    ]);
  }

  /**
   * The customer (re)opened the chat — the widget connected again after a reload, Web Chat joined:
   * they may not have seen the last answer, so asking the same again is not a repeat.
   */
  async sessionStarted(m: Pick<FairUseMessage, 'conversationId' | 'channel' | 'userId'>): Promise<void> {
    const ttl = this.deps.settings.repeatWindowSeconds * 1000;
    await Promise.all(this.repeatKeys(m).map((k) => this.safe(() => this.deps.lastMessages.swap(k, '', ttl), undefined, 'lastMessages.swap')));
  }

  /** Where "the previous answered message" is kept: per conversation and per customer identity. */
  private repeatKeys(m: Pick<FairUseMessage, 'conversationId' | 'channel' | 'userId'>): string[] {
    return [`conv:${conversationKey(m)}`, ...(m.userId ? [`cust:${identityKey({ channel: m.channel, userId: m.userId })}`] : [])];
  }

  /** The flood windows one message counts in, by scope: `flood()` counts them, `refundFlood()` gives them back. */
  private floodWindows(conv: string, customer: string | undefined, ip: string | undefined): { scope: FloodScope; limiter: NamedLimiter; key: string }[] {
    return [
      { scope: 'conversation', limiter: this.perConversation, key: conv },
      { scope: 'conversation', limiter: this.burstPerConversation, key: conv },
      ...(customer
        ? [
            { scope: 'customer' as const, limiter: this.perCustomer, key: customer },
            { scope: 'customer' as const, limiter: this.burstPerCustomer, key: customer },
          ]
        : []),
      ...(ip ? [{ scope: 'ip' as const, limiter: this.perIp, key: ip }] : []),
    ];
  }

  /** The broadest scope over its limit (IP, then customer, then conversation), or undefined. */
  private async flood(conv: string, customer: string | undefined, ip: string | undefined): Promise<{ scope: FloodScope; key: string } | undefined> {
    const windows = this.floodWindows(conv, customer, ip);
    const within = await Promise.all(windows.map((w) => this.within(w.limiter, w.key)));
    const over = (scope: FloodScope) => windows.some((w, i) => w.scope === scope && !within[i]);
    if (over('ip')) return { scope: 'ip', key: `ip:${ip}` };
    // One notice per customer (or conversation, without one) whichever of their limits tripped:
    // the four counters are separate keys, so messages racing in through two instances can reach
    // them in different orders and trip the conversation's limit first for one message and the
    // customer's for the next.
    const noticeKey = customer ? `cust:${customer}` : `conv:${conv}`;
    if (over('customer')) return { scope: 'customer', key: noticeKey };
    if (over('conversation')) return { scope: 'conversation', key: noticeKey };
    return undefined;
  }

  /** Gives back the point `flood()` counted for this message in each of its windows (best effort). */
  private async refundFlood(conv: string, customer: string | undefined, ip: string | undefined): Promise<void> {
    await Promise.all(this.floodWindows(conv, customer, ip).map((w) => this.safe(() => w.limiter.refund(w.key), undefined, w.limiter.name)));
  }

  /** Counts one message; a failing store lets it through (a comfort limit fails open). */
  private within(limiter: NamedLimiter, key: string): Promise<boolean> {
    return this.safe(async () => (await limiter.consume(key)).allowed, true, limiter.name);
  }

  /** True for the first claim of `key` in the limiter's window; false when the store fails (no extra message). */
  private claim(limiter: NamedLimiter, key: string): Promise<boolean> {
    return this.safe(async () => (await limiter.consume(key)).allowed, false, limiter.name);
  }

  private async raiseFlag(m: FairUseMessage, assessment: Assessment): Promise<AbuseFlag | undefined> {
    const subject = { conversationId: m.conversationId, customerKey: m.customerKey ?? m.userId };
    return this.safe(
      async () => {
        await this.deps.flags.raise(subject, { threat: assessment.kind === 'threat', at: m.at ?? this.now() });
        return this.deps.flags.get(subject);
      },
      undefined,
      'flags.raise',
    );
  }

  private async safe<T>(task: () => Promise<T>, fallback: T, where: string): Promise<T> {
    try {
      return await task();
    } catch (err) {
      this.deps.onError?.(err, where);
      return fallback;
    }
  }
}
