/**
 * One customer conversation with the whole application over its real HTTP surface: activities are
 * POSTed to `/api/messages` as a channel would (Emulator style, `serviceUrl` = a local connector
 * stand-in), and the bot's replies are read from what the stand-in received. `say` waits until the
 * replies include every expected message key (in the conversation's language), bounded in time.
 */
import axios from 'axios';
import type { Lang } from '../../services/i18n/langs';
import type { Messages } from '../../services/i18n/messages';
import { channelActivity, type ChannelActivity, type ChannelStandIn } from './channelStandIn';
import { messagePattern } from './messages';

const LOCALES: Record<Lang, string> = { lt: 'lt-LT', en: 'en-US', ru: 'ru-RU' };

/**
 * The texts a reply may stand for: on channels that coalesce one turn's messages (Emulator, Web
 * Chat) one activity carries several messages as paragraphs, so every run of its paragraphs is tried.
 */
function candidates(text: string): string[] {
  const parts = text.split('\n\n');
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) for (let j = i + 1; j <= parts.length; j++) out.push(parts.slice(i, j).join('\n\n'));
  return out;
}

/** True when `reply` is, or among its paragraphs holds, the message matched by `pattern`. */
export const isMessage = (reply: ChannelActivity, pattern: RegExp): boolean => candidates(reply.text ?? '').some((t) => pattern.test(t));

export class HttpChat {
  constructor(
    private readonly botUrl: () => string,
    private readonly channel: ChannelStandIn,
    private readonly messages: Messages,
    readonly lang: Lang,
    readonly conversationId: string,
    /** The channel user id; default one per conversation (a fresh customer each time). */
    readonly userId?: string,
  ) {}

  /** The bot's message replies in this conversation so far. */
  replies(): ChannelActivity[] {
    return this.channel.received.filter((a) => a.conversation?.id === this.conversationId && a.type === 'message');
  }

  /** Sends `text`; resolves with the new replies once every key in `keys` is among them. */
  async say(text: string, keys: string[], timeoutMs = 15000): Promise<ChannelActivity[]> {
    const before = this.replies().length;
    const res = await axios.post(
      `${this.botUrl()}/api/messages`,
      channelActivity(this.channel, this.conversationId, { type: 'message', text, locale: LOCALES[this.lang], ...(this.userId ? { from: { id: this.userId, name: 'Customer', role: 'user' } } : {}) }),
      { validateStatus: () => true },
    );
    if (res.status >= 300) throw new Error(`HttpChat.say(): /api/messages answered ${res.status}`);
    const patterns = keys.map((k) => messagePattern(this.messages, this.lang, k));
    const fresh = () => this.replies().slice(before);
    await this.channel.waitFor(() => patterns.every((p) => fresh().some((a) => isMessage(a, p))), timeoutMs).catch((err: unknown) => {
      throw new Error(`HttpChat.say(${JSON.stringify(text)}): expected ${keys.join(', ')} (${this.lang}); got:\n${fresh().map((a) => a.text).join('\n---\n')}\n${String(err).slice(0, 200)}`);
    });
    return fresh();
  }

  /** True when some reply after the first `index` replies is the message `key`. */
  sawSince(index: number, key: string): boolean {
    const p = messagePattern(this.messages, this.lang, key);
    return this.replies().slice(index).some((a) => isMessage(a, p));
  }

  /** True when some reply so far is the message `key`. */
  saw(key: string): boolean {
    const p = messagePattern(this.messages, this.lang, key);
    return this.replies().some((a) => isMessage(a, p));
  }
}

/** The titles of the suggested-action buttons among `replies`. */
export const buttonsOf = (replies: ChannelActivity[]): string[] => replies.flatMap((a) => (a.suggestedActions?.actions ?? []).map((x) => x.title));

/** All reply texts, joined. */
export const textOf = (replies: ChannelActivity[]): string => replies.map((a) => a.text ?? '').join('\n');
