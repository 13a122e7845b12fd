/**
 * Enforces conversation ownership on every turn, before the bot runs:
 *
 * - `bot` (or `closed`): the bot answers as usual; the customer's message and every bot reply are
 *   recorded in the pre-case transcript buffer, so an agent later sees the whole bot conversation;
 * - `queued` / `agent`: the bot stays silent. The message (with attachments) goes to the case
 *   transcript and out to the agent consoles; while queued the customer gets at most one
 *   "added to your case, position N" per few minutes. "bot" / "cancel" in any language leaves:
 *   the case closes as `customer_left` and the customer is back with the bot.
 *
 * Proactive turns (agent replies) pass straight through: the relay records those itself.
 */
import { ActivityEventNames, ActivityTypes, EventFactory, type Middleware, type TurnContext } from 'botbuilder';
import { menuActivity } from '../../dialogs/menu';
import type { HandoffService } from '../../services/handoff/HandoffService';
import type { Attachment, TranscriptEntry } from '../../services/handoff/types';
import type { Messages } from '../../services/i18n/messages';
import type { Logger } from '../../services/logging/logger';
import { detectCommand } from '../../services/nlu/commands';
import { DEFAULT_LANG } from '../../services/i18n/langs';

export interface HandoffMiddlewareOptions {
  service: HandoffService;
  messages: Messages;
  logger: Logger;
  now?: () => Date;
}

function attachmentsOf(context: TurnContext): Attachment[] | undefined {
  const list = (context.activity.attachments ?? [])
    .filter((a) => typeof a.contentUrl === 'string' && a.contentUrl)
    .map((a) => ({ url: a.contentUrl!, contentType: a.contentType, ...(a.name ? { name: a.name } : {}) }));
  return list.length ? list : undefined;
}

export class HandoffMiddleware implements Middleware {
  private readonly now: () => Date;

  constructor(private readonly o: HandoffMiddlewareOptions) {
    this.now = o.now ?? (() => new Date());
  }

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const a = context.activity;
    const conversationId = a.conversation?.id;
    if (!conversationId || (a.type === ActivityTypes.Event && a.name === ActivityEventNames.ContinueConversation)) return next();
    if (a.type !== 'message') {
      this.recordReplies(context, conversationId);
      return next();
    }
    const service = this.o.service;
    const at = this.now();
    await service.recordCustomerActivity(conversationId, at);
    const entry: TranscriptEntry = { at: at.toISOString(), from: 'customer', text: a.text ?? '' };
    const attachments = attachmentsOf(context);
    if (attachments) entry.attachments = attachments;

    const owner = await service.ownership(conversationId);
    if ((owner.state === 'queued' || owner.state === 'agent') && owner.caseId) {
      this.recordReplies(context, conversationId);
      const lang = (await service.store.get(owner.caseId))?.lang ?? DEFAULT_LANG;
      const command = entry.text.trim() ? detectCommand(entry.text.trim()) : undefined;
      const relayed = await service.customerMessage(conversationId, owner, entry);
      if (command === 'bot' || command === 'cancel') {
        await service.customerLeft(conversationId, owner.caseId);
        await this.sendQuietly(context, EventFactory.createHandoffStatus(a.conversation, 'completed', 'customer_left'));
        await context.sendActivity(menuActivity(this.o.messages, lang, 'handoff.backToBot', { caseId: owner.caseId }));
        return;
      }
      if (relayed.ack) await context.sendActivity(this.o.messages.t(lang, 'handoff.ack', { caseId: owner.caseId, position: relayed.ack.position }));
      return;
    }
    if (owner.state === 'closed') await service.backToBot(conversationId);
    await this.safely(() => service.record(conversationId, entry), conversationId);
    this.recordReplies(context, conversationId);
    await next();
  }

  /** Records the bot's outgoing messages of this turn (after they were sent). */
  private recordReplies(context: TurnContext, conversationId: string): void {
    context.onSendActivities(async (_ctx, activities, nextSend) => {
      const responses = await nextSend();
      for (const act of activities) {
        if (act.type !== 'message' || (!act.text && !act.attachments?.length)) continue;
        const entry: TranscriptEntry = { at: this.now().toISOString(), from: 'bot', text: act.text ?? '' };
        const atts = (act.attachments ?? []).filter((x) => x.contentUrl).map((x) => ({ url: x.contentUrl!, contentType: x.contentType, name: x.name }));
        if (atts.length) entry.attachments = atts;
        await this.safely(() => this.o.service.record(conversationId, entry), conversationId);
      }
      return responses;
    });
  }

  private async safely(task: () => Promise<void>, conversationId: string): Promise<void> {
    try {
      await task();
    } catch (err) {
      this.o.logger.warn({ err, conversationId }, 'HandoffMiddleware: transcript entry not recorded');
    }
  }

  private async sendQuietly(context: TurnContext, activity: Parameters<TurnContext['sendActivity']>[0]): Promise<void> {
    try {
      await context.sendActivity(activity);
    } catch (err) {
      this.o.logger.warn({ err }, 'HandoffMiddleware: hand-off event not sent');
    }
  }
}
