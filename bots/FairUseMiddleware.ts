/**
 * Applies the fair-use policy (`services/fairuse`) to every customer message before the hand-off
 * middleware and the bot run:
 *
 * - blocked customer → one notice, then silence;
 * - flood → one notice per window, no bot turn;
 * - repeat of the previous message → no second answer (and so no second case);
 * - abuse or threat only → one calm reply per problem with the menu, no bot turn (never queued);
 * - a rude request → the bot answers, then one calm note per problem;
 * - anything else → the bot answers as usual; the end of its turn is reported to the policy (the
 *   message becomes "the previous answered message", the choices its reply offers are remembered
 *   so clicking one is never taken for a repeat). When Web Chat (re)joins, repeats start afresh.
 *
 * A message that does not reach the bot is handed to `record` (wired to the hand-off transcript),
 * with whatever this middleware said back, so nothing is lost. Non-message activities and
 * proactive turns pass through untouched. It sits before the hand-off middleware; for a conversation
 * with an open case, `record` puts the unanswered messages into the case transcript, where agents
 * see them. The policy's decision is left in the turn state
 * ({@link fairUseDecision}) for the bot and dialogs.
 */
import type { Activity, Middleware, TurnContext } from 'botbuilder';
import { menuActivity } from '../dialogs/menu';
import { message } from '../dialogs/turn';
import type { FairUseDecision, FairUseMessage, FairUsePolicy } from '../services/fairuse/FairUsePolicy';
import type { IncomingAttachment } from '../services/handoff/attachments';
import type { IncomingEntry } from '../services/handoff/CustomerSide';
import { DEFAULT_LANG, type Lang } from '../services/i18n/langs';
import { localeLang } from '../services/i18n/languagePolicy';
import type { Messages } from '../services/i18n/messages';
import type { Logger } from '../services/logging/logger';

/** A transcript entry the middleware produced instead of the hand-off middleware. */
export interface FairUseRecord {
  conversationId: string;
  channel: string;
  /** Why it did not go through the bot. */
  reason: Exclude<FairUseDecision['action'], 'answer'>;
  /** As the hand-off records it (`CustomerSide.record`), which decides which attachments it keeps. */
  entry: IncomingEntry;
}

export interface FairUseMiddlewareOptions {
  policy: Pick<FairUsePolicy, 'decide' | 'finished' | 'sessionStarted'>;
  messages: Messages;
  /** Keeps what the bot did not answer (and the notices) in the conversation's transcript. */
  record: (r: FairUseRecord) => Promise<void>;
  logger: Logger;
  /** The customer's language for the notices; default: the activity's locale, else Lithuanian. */
  languageOf?: (context: TurnContext) => Lang | Promise<Lang>;
  /**
   * The visitor's IP from a trusted source (the channel endpoint that saw the HTTP request), for
   * anonymous web visitors. Default: none. Never read it from `channelData` or other fields the
   * client writes, nor from the `/api/messages` request (that is the Bot Connector's address).
   */
  ipOf?: (context: TurnContext) => string | undefined;
  /** A person owns the conversation (queued or with an agent); default: never. */
  humanOwned?: (conversationId: string, context: TurnContext) => Promise<boolean>;
  now?: () => Date;
}

const DECISION = Symbol('lockerdesk.fairUseDecision');

/** The fair-use decision of this turn, when the middleware ran on it. */
export function fairUseDecision(context: TurnContext): FairUseDecision | undefined {
  return context.turnState.get(DECISION) as FairUseDecision | undefined;
}

function humanOwnedOf(m: FairUseMessage): boolean {
  return m.humanOwned === true;
}

export function defaultLanguageOf(context: TurnContext): Lang {
  return localeLang(context.activity.locale) ?? DEFAULT_LANG;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** What a click on the activity's buttons would send back: suggested actions and card buttons. */
export function offeredChoices(activity: Partial<Activity>): string[] {
  const out: string[] = [];
  const take = (action: unknown): void => {
    if (!isRecord(action)) return;
    const value = typeof action.value === 'string' ? action.value : typeof action.title === 'string' ? action.title : undefined;
    if (value) out.push(value);
  };
  for (const action of activity.suggestedActions?.actions ?? []) take(action);
  for (const attachment of activity.attachments ?? []) {
    const buttons = isRecord(attachment.content) ? attachment.content.buttons : undefined;
    if (Array.isArray(buttons)) for (const b of buttons) take(b);
  }
  return out;
}

function attachmentsOf(activity: Activity): IncomingAttachment[] | undefined {
  const list: IncomingAttachment[] = [];
  for (const a of activity.attachments ?? []) {
    if (typeof a.contentUrl === 'string' && a.contentUrl) list.push({ url: a.contentUrl, contentType: a.contentType, ...(a.name ? { name: a.name } : {}) });
  }
  return list.length ? list : undefined;
}

export class FairUseMiddleware implements Middleware {
  private readonly now: () => Date;
  private readonly languageOf: (context: TurnContext) => Lang | Promise<Lang>;

  constructor(private readonly o: FairUseMiddlewareOptions) {
    this.now = o.now ?? (() => new Date());
    this.languageOf = o.languageOf ?? defaultLanguageOf;
  }

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const a = context.activity;
    const conversationId = a.conversation?.id;
    if (!conversationId) return next();
    if (a.type !== 'message') {
      if (this.isSessionStart(context)) {
        await this.o.policy.sessionStarted({ conversationId, channel: a.channelId, userId: a.from?.id }).catch((err: unknown) => this.o.logger.warn({ err, conversationId }, 'FairUseMiddleware: session start not noted'));
      }
      return next();
    }
    const at = this.now();
    let decision: FairUseDecision;
    let incoming: FairUseMessage;
    try {
      // Read beside the policy's own reads; the policy waits for it only where it decides.
      const humanOwned = this.o.humanOwned ? this.o.humanOwned(conversationId, context) : Promise.resolve(false);
      humanOwned.catch(() => undefined); // awaited below; kept from going unhandled when decide() fails first
      incoming = {
        conversationId,
        channel: a.channelId,
        userId: a.from?.id,
        customerKey: a.from?.id ?? conversationId,
        ip: this.o.ipOf?.(context),
        text: a.text ?? '',
        at,
        humanOwned,
      };
      decision = await this.o.policy.decide(incoming);
      incoming.humanOwned = await humanOwned;
    } catch (err) {
      this.o.logger.warn({ err, conversationId }, 'FairUseMiddleware: policy failed, the message goes to the bot');
      return next();
    }
    context.turnState.set(DECISION, decision);
    const log = { conversationId, channel: a.channelId, action: decision.action, kind: 'assessment' in decision ? decision.assessment.kind : undefined };

    if (decision.action === 'answer') {
      const offered: string[] = [];
      let replied = false;
      context.onSendActivities(async (_ctx, activities, nextSend) => {
        for (const act of activities) {
          if (act.type !== 'message') continue;
          replied = true;
          offered.push(...offeredChoices(act));
        }
        return nextSend();
      });
      let ok = false;
      try {
        await next();
        ok = true;
      } finally {
        // Answered (by the bot, or handed to the person who owns the chat): now "the previous message"
        // for repeats; a click on an offered choice answers the bot's question.
        await this.o.policy.finished(incoming, { answered: ok && (replied || humanOwnedOf(incoming)), offered }).catch((err: unknown) => this.o.logger.warn({ err, conversationId }, 'FairUseMiddleware: end of turn not noted'));
      }
      if (decision.note) {
        // Part of a turn that reached the bot: the hand-off middleware records it with the bot's replies.
        this.o.logger.info(log, 'fair use: rude request answered, calm note sent');
        await context.sendActivity(message(this.o.messages.t(await this.lang(context), 'fairuse.rudeNote')));
      }
      return;
    }

    const attachments = attachmentsOf(a);
    await this.record(conversationId, a.channelId, decision.action, { at: at.toISOString(), from: 'customer', text: a.text ?? '', ...(attachments ? { attachments } : {}) });
    const lang = await this.lang(context);
    switch (decision.action) {
      case 'blocked':
        if (decision.notice) await this.reply(context, conversationId, 'blocked', message(this.o.messages.t(lang, 'fairuse.blocked')));
        break;
      case 'flood':
        if (decision.notice) await this.reply(context, conversationId, 'flood', message(this.o.messages.t(lang, 'fairuse.flood')));
        break;
      case 'abuse':
        if (decision.reply) await this.reply(context, conversationId, 'abuse', menuActivity(this.o.messages, lang, 'fairuse.abuseReply'));
        break;
      case 'repeat':
        break;
    }
    const noticed = (decision.action === 'blocked' || decision.action === 'flood') && decision.notice;
    if (noticed || (decision.action === 'abuse' && decision.reply)) this.o.logger.info({ ...log, ...(decision.action === 'flood' ? { scope: decision.scope } : {}) }, 'fair use: message not answered, notice sent');
    else this.o.logger.debug(log, 'fair use: message not answered');
  }

  /** The customer (re)opened the chat: Web Chat's join event, or the channel adding the user. */
  private isSessionStart(context: TurnContext): boolean {
    const a = context.activity;
    if (a.type === 'event') return a.name === 'webchat/join';
    if (a.type === 'conversationUpdate') return (a.membersAdded ?? []).some((m) => m.id !== a.recipient?.id);
    return false;
  }

  private async lang(context: TurnContext): Promise<Lang> {
    try {
      return await this.languageOf(context);
    } catch (err) {
      this.o.logger.warn({ err }, 'FairUseMiddleware: languageOf failed');
      return defaultLanguageOf(context);
    }
  }

  private async reply(context: TurnContext, conversationId: string, reason: FairUseRecord['reason'], activity: Partial<Activity>): Promise<void> {
    await context.sendActivity(activity);
    await this.record(conversationId, context.activity.channelId, reason, { at: this.now().toISOString(), from: 'bot', text: activity.text ?? '' });
  }

  private async record(conversationId: string, channel: string, reason: FairUseRecord['reason'], entry: IncomingEntry): Promise<void> {
    try {
      await this.o.record({ conversationId, channel, reason, entry });
    } catch (err) {
      this.o.logger.warn({ err, conversationId }, 'FairUseMiddleware: transcript entry not recorded');
    }
  }
}
