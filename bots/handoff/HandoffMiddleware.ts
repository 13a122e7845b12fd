/**
 * Enforces conversation ownership on every turn, before the bot runs:
 *
 * - `bot` (or `closed`): the bot answers as usual; the customer's message and every bot reply are
 *   recorded in the pre-case transcript buffer, so an agent later sees the whole bot conversation;
 * - `queued` / `agent`: the bot stays silent. The message (with the attachments the hand-off
 *   keeps) goes to the case transcript and out to the agent consoles; while queued the customer
 *   gets at most one "added to your case, position N" per few minutes. "bot" / "cancel" in any
 *   language leaves: the case closes as `customer_left` and the customer is back with the bot.
 *
 * Answers are in the case's language (from the hand-off, not from the dialogs' turn state) and
 * name only the case id this conversation's customer knows. Proactive turns (agent replies) pass
 * straight through: the relay records those itself.
 */
import { ActivityEventNames, ActivityTypes, EventFactory, type Activity, type Middleware, type TurnContext } from 'botbuilder';
import { menuActivity } from '../../dialogs/menu';
import type { IncomingAttachment } from '../../services/handoff/attachments';
import type { CustomerSide, IncomingEntry } from '../../services/handoff/CustomerSide';
import type { OwnershipRecord } from '../../services/handoff/types';
import type { Messages } from '../../services/i18n/messages';
import type { Logger } from '../../services/logging/logger';
import { detectCommand } from '../../services/nlu/commands';

export interface HandoffMiddlewareOptions {
  customers: CustomerSide;
  messages: Messages;
  logger: Logger;
  now?: () => Date;
}

function attachmentsOf(activity: Partial<Activity>): IncomingAttachment[] | undefined {
  const list: IncomingAttachment[] = [];
  for (const a of activity.attachments ?? []) {
    if (typeof a.contentUrl === 'string' && a.contentUrl) list.push({ url: a.contentUrl, contentType: a.contentType, ...(a.name ? { name: a.name } : {}) });
  }
  return list.length ? list : undefined;
}

const OWNERSHIP = Symbol('lockerdesk.turnOwnership');

/**
 * Who owns the conversation, read once per turn: fair use asks before this middleware does, and
 * with Redis each read is a round trip. A failed read is not kept (the next asker reads again).
 */
export function turnOwnership(context: TurnContext, customers: Pick<CustomerSide, 'ownership'>, conversationId: string): Promise<OwnershipRecord> {
  const known = context.turnState.get(OWNERSHIP) as { id: string; record: Promise<OwnershipRecord> } | undefined;
  if (known?.id === conversationId) return known.record;
  const record = customers.ownership(conversationId);
  context.turnState.set(OWNERSHIP, { id: conversationId, record });
  record.catch(() => {
    if (context.turnState.get(OWNERSHIP)?.record === record) context.turnState.delete(OWNERSHIP);
  });
  return record;
}

export class HandoffMiddleware implements Middleware {
  private readonly now: () => Date;

  constructor(private readonly o: HandoffMiddlewareOptions) {
    this.now = o.now ?? (() => new Date());
  }

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const a = context.activity;
    const conversationId = a.conversation?.id;
    const channel = a.channelId ?? '';
    if (!conversationId || (a.type === ActivityTypes.Event && a.name === ActivityEventNames.ContinueConversation)) return next();
    if (a.type !== 'message') return this.withRepliesRecorded(context, conversationId, channel, next);
    const customers = this.o.customers;
    const at = this.now();
    // Independent writes run side by side (with Redis each is a round trip); a failure of the
    // last-message time still fails the turn. (Should only that write fail and the customer's
    // entry land, the channel's retry records the entry once more: a partial failure of two
    // commands on one connection, which we accept for one round trip less on every turn.)
    const noted = customers.recordCustomerActivity(conversationId, at);
    noted.catch(() => undefined);
    const entry: IncomingEntry = { at: at.toISOString(), from: 'customer', text: typeof a.text === 'string' ? a.text : '' };
    const attachments = attachmentsOf(a);
    if (attachments) entry.attachments = attachments;

    const owner = await turnOwnership(context, customers, conversationId);
    if (owner.state === 'queued' || owner.state === 'agent') {
      await noted;
      const replies = this.recordReplies(context, conversationId, channel);
      const command = entry.text.trim() ? detectCommand(entry.text.trim()) : undefined;
      const relayed = await customers.customerMessage(conversationId, channel, owner, entry);
      if (command === 'bot' || command === 'cancel') {
        await customers.customerLeft(conversationId, owner.caseId);
        await this.sendQuietly(context, EventFactory.createHandoffStatus(a.conversation, 'completed', 'customer_left'));
        await context.sendActivity(menuActivity(this.o.messages, relayed.lang, 'handoff.backToBot', { caseId: relayed.toldCaseId }));
      } else if (relayed.ack) await context.sendActivity(this.o.messages.t(relayed.lang, 'handoff.ack', { caseId: relayed.toldCaseId, position: relayed.ack.position }));
      await replies.recorded();
      return;
    }
    if (owner.state === 'closed') await customers.backToBot(conversationId);
    await Promise.all([noted, this.safely(() => customers.record(conversationId, channel, entry), conversationId)]);
    await this.withRepliesRecorded(context, conversationId, channel, next);
  }

  /** Runs `work` with the bot's replies recorded; ends when they are written. */
  private async withRepliesRecorded(context: TurnContext, conversationId: string, channel: string, work: () => Promise<void>): Promise<void> {
    const replies = this.recordReplies(context, conversationId, channel);
    try {
      await work();
    } finally {
      await replies.recorded();
    }
  }

  /**
   * Records the bot's outgoing messages of this turn once they are sent, without holding up the
   * sending (the turn's state is saved meanwhile; `CustomerSide.record` keeps one conversation's
   * entries in order). `recorded()` resolves when all of them are written, and the turn ends only
   * then; what is sent after it (fair use's note, an error answer) is recorded before its send returns.
   */
  private recordReplies(context: TurnContext, conversationId: string, channel: string): { recorded: () => Promise<void> } {
    const writes: Promise<void>[] = [];
    let closed = false;
    context.onSendActivities(async (_ctx, activities, nextSend) => {
      const responses = await nextSend();
      for (const act of activities) {
        if (act.type !== 'message' || (!act.text && !act.attachments?.length)) continue;
        const entry: IncomingEntry = { at: this.now().toISOString(), from: 'bot', text: act.text ?? '' };
        const atts = attachmentsOf(act);
        if (atts) entry.attachments = atts;
        const write = this.safely(() => this.o.customers.record(conversationId, channel, entry), conversationId);
        if (closed) await write;
        else writes.push(write);
      }
      return responses;
    });
    return {
      recorded: async () => {
        closed = true;
        await Promise.all(writes);
      },
    };
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
