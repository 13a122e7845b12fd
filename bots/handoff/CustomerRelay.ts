/**
 * Delivers proactive messages to customers on their own channel with the stored conversation
 * reference: the Messenger direct adapter for references it owns, the CloudAdapter for everything
 * else (Web Chat, Azure channels, the embedded Direct Line). Agent messages carry the
 * human-agent marker (Messenger's HUMAN_AGENT tag, allowed 7 days after the customer's last
 * message); bot messages never do and on Messenger are only sent within the 24-hour window.
 * Anything outside its window is reported `undelivered` (kept in the transcript, agent told).
 */
import { ActionTypes, ActivityTypes, EventFactory, MessageFactory, type Activity, type BotAdapter, type ConversationAccount, type ConversationReference, type TurnContext } from 'botbuilder';
import type { ConversationDirectory } from '../../services/handoff/CaseStore';
import type { DeliverFn, DeliveryJob } from '../../services/handoff/DeliveryOutbox';
import type { HandoffSignal } from '../../services/handoff/HandoffService';
import type { Logger } from '../../services/logging/logger';
import { FACEBOOK_CHANNEL_ID, markHumanAgent, type MessengerAdapter } from '../channels/messenger';

/** What the relay needs of an adapter: CloudAdapter's proactive entry point. */
export interface ProactiveAdapter {
  continueConversationAsync(botAppId: string, reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void>;
}

export interface CustomerRelayOptions {
  /** Conversation references and last-message times. */
  conversations: Pick<ConversationDirectory, 'getReference' | 'lastCustomerMessageAt'>;
  logger: Logger;
  /** Messenger: human-agent messages allowed this long after the customer's last message. Default 7 days. */
  humanAgentWindowMs?: number;
  /** Messenger: ordinary (bot) messages allowed this long. Default 24 h. */
  standardWindowMs?: number;
  now?: () => Date;
}

export class CustomerRelay {
  private cloud?: ProactiveAdapter;
  private messenger?: MessengerAdapter;
  private botAppId = '';
  private readonly now: () => Date;

  constructor(private readonly o: CustomerRelayOptions) {
    this.now = o.now ?? (() => new Date());
  }

  /** Adapters are created after the hand-off service; attach them before the first delivery. */
  attach(adapters: { cloud: ProactiveAdapter | BotAdapter; messenger?: MessengerAdapter; botAppId?: string }): void {
    this.cloud = adapters.cloud as ProactiveAdapter;
    this.messenger = adapters.messenger;
    this.botAppId = adapters.botAppId ?? '';
  }

  /** For `DeliveryOutbox`: sends one message; throws on a channel error (the outbox retries). */
  readonly deliver: DeliverFn = async (job: DeliveryJob) => {
    const ref = (await this.o.conversations.getReference(job.conversationId)) as Partial<ConversationReference> | undefined;
    if (!ref) {
      this.o.logger.warn({ caseId: job.caseId, conversationId: job.conversationId }, 'CustomerRelay: no conversation reference; message kept undelivered');
      return 'undelivered';
    }
    if (ref.channelId === FACEBOOK_CHANNEL_ID && !(await this.withinWindow(job))) return 'undelivered';
    let activity: Partial<Activity> = job.buttons?.length
      ? MessageFactory.suggestedActions(
          job.buttons.map((b) => ({ type: ActionTypes.ImBack, title: b.title, value: b.value })),
          job.text,
        )
      : { type: ActivityTypes.Message, text: job.text };
    if (job.from === 'agent') activity = markHumanAgent(activity);
    await this.send(ref, async (context) => {
      await context.sendActivity(activity);
    });
    return 'sent';
  };

  /** `handoff.status` to the customer's channel, for an external agent hub (best effort). */
  readonly signal: HandoffSignal = async (conversationId, state, message) => {
    const ref = (await this.o.conversations.getReference(conversationId)) as Partial<ConversationReference> | undefined;
    if (!ref?.conversation) return;
    const event = EventFactory.createHandoffStatus(ref.conversation as ConversationAccount, state, message);
    await this.send(ref, async (context) => {
      await context.sendActivity(event);
    });
  };

  private async withinWindow(job: DeliveryJob): Promise<boolean> {
    const last = await this.o.conversations.lastCustomerMessageAt(job.conversationId);
    const window = job.from === 'agent' ? (this.o.humanAgentWindowMs ?? 7 * 86_400_000) : (this.o.standardWindowMs ?? 86_400_000);
    const ok = last !== undefined && this.now().getTime() - last.getTime() <= window;
    if (!ok) this.o.logger.info({ caseId: job.caseId, conversationId: job.conversationId, from: job.from }, 'CustomerRelay: outside the Messenger reply window');
    return ok;
  }

  /**
   * Runs `logic` in a proactive turn. Adapters hand errors inside a turn to `onTurnError`, which
   * would hide a failed send; the error is caught here and re-thrown to the caller instead.
   */
  private async send(ref: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const adapter: ProactiveAdapter | undefined = this.messenger?.ownsReference(ref) ? this.messenger : this.cloud;
    if (!adapter) throw new Error('CustomerRelay.send(): no adapter attached');
    let ran = false;
    let failure: unknown;
    await adapter.continueConversationAsync(this.botAppId, ref, async (context) => {
      ran = true;
      try {
        await logic(context);
      } catch (err) {
        failure = err;
      }
    });
    if (failure !== undefined) throw failure instanceof Error ? failure : new Error(String(failure));
    if (!ran) throw new Error('CustomerRelay.send(): the proactive turn did not run');
  }
}
