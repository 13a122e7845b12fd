/**
 * Per-turn facts the bot computes once (language, recognition) and every dialog reads,
 * plus small helpers to send localized messages.
 */
import { MessageFactory, TurnContext, type CardAction, ActionTypes, type Activity } from 'botbuilder';
import type { RecognizerResult } from '../services/nlu/types';
import { DEFAULT_LANG, type Lang } from '../services/i18n/langs';
import type { MessageParams, Messages } from '../services/i18n/messages';
import type { Command } from '../services/nlu/commands';
import type { UserProfile } from './state';
import type { CustomerRef } from './deps';

export interface TurnInfo {
  /** The language to answer in this turn. */
  lang: Lang;
  /** Recognition of the message text (absent for non-message activities or empty text). */
  recognition?: RecognizerResult;
  /** A whole-message command ("atšaukti", "english"), recognised before anything else. */
  command?: Command;
  /** The customer's profile (user state), loaded by the bot and saved at the end of the turn. */
  profile: UserProfile;
}

const TURN_INFO = Symbol('lockerdesk.turnInfo');

export function setTurnInfo(context: TurnContext, info: TurnInfo): void {
  context.turnState.set(TURN_INFO, info);
}

export function turnInfo(context: TurnContext): TurnInfo {
  return (context.turnState.get(TURN_INFO) as TurnInfo | undefined) ?? { lang: DEFAULT_LANG, profile: {} };
}

export function langOf(context: TurnContext): Lang {
  return turnInfo(context).lang;
}

/** A button: `title` shown, the same text sent back when clicked (works on every channel). */
export interface Button {
  title: string;
  /** What the click sends; defaults to the title. */
  value?: string;
}

/** Builds a message with optional suggested-action buttons. */
export function message(text: string, buttons: Button[] = []): Partial<Activity> {
  if (!buttons.length) return MessageFactory.text(text);
  const actions: CardAction[] = buttons.map((b) => ({ type: ActionTypes.ImBack, title: b.title, value: b.value ?? b.title }));
  return MessageFactory.suggestedActions(actions, text);
}

/** Sends the message `key` in the turn's language. */
export async function say(context: TurnContext, messages: Messages, key: string, params?: MessageParams, buttons: Button[] = []): Promise<void> {
  await context.sendActivity(message(messages.t(langOf(context), key, params), buttons));
}

/** Shows the typing indicator while a slow call runs (channels that support it). */
export async function typing(context: TurnContext): Promise<void> {
  await context.sendActivity({ type: 'typing' });
}

/**
 * Who is asking, for the hand-off gateway: the conversation, the channel identity, a reference for
 * proactive replies and the facts this conversation has proven.
 */
export function customerRef(context: TurnContext, now: Date = new Date()): CustomerRef {
  const a = context.activity;
  const proven = (turnInfo(context).profile.verifiedPhones ?? []).map((e164) => ({
    kind: 'phone' as const,
    e164,
    role: 'sender' as const,
    provenAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + 3600_000).toISOString(),
  }));
  return {
    conversationId: a.conversation.id,
    customerKey: a.from?.id ?? a.conversation.id,
    channel: a.channelId,
    reference: TurnContext.getConversationReference(a) as Record<string, unknown>,
    proven,
  };
}
