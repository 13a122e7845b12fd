/**
 * The dialogs' `HandoffGateway` backed by the hand-off service: takes what the TurnContext knows
 * (conversation reference, channel, customer id, verified phones) and opens or joins the case.
 * After queuing it also emits Bot Framework's `handoff.initiate` event (transcript attached) so an
 * external agent hub on the channel could take over instead of the built-in console.
 */
import { EventFactory, TurnContext, type Activity, type Transcript } from 'botbuilder';
import type { EscalationOutcome, EscalationRequest, HandoffGateway, WorkOrderRequest } from '../../dialogs/deps';
import { turnInfo } from '../../dialogs/turn';
import type { HandoffService } from '../../services/handoff/HandoffService';
import type { TranscriptEntry } from '../../services/handoff/types';
import type { Logger } from '../../services/logging/logger';

function asTurnContext(turn: unknown, where: string): TurnContext {
  if (!(turn instanceof TurnContext)) throw new Error(`${where}: expected the TurnContext of the current turn`);
  return turn;
}

/** The phone the customer proved in a flow: the sender phone if verified, else the latest verified one. */
export function verifiedPhoneFor(fields: { senderPhone?: string }, verified: string[] | undefined): string | undefined {
  if (!verified?.length) return undefined;
  if (fields.senderPhone && verified.includes(fields.senderPhone)) return fields.senderPhone;
  return verified[verified.length - 1];
}

/** The transcript as Bot Framework activities, for `handoff.initiate`. */
export function transcriptActivities(entries: TranscriptEntry[], conversationId: string): Partial<Activity>[] {
  return entries.map((e) => ({
    type: 'message',
    text: e.text,
    timestamp: new Date(e.at),
    from: { id: e.from === 'customer' ? 'customer' : e.from === 'agent' ? (e.agentId ?? 'agent') : 'bot', name: e.from, role: e.from === 'customer' ? 'user' : 'bot' },
    conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
    attachments: e.attachments?.map((a) => ({ contentType: a.contentType, contentUrl: a.url, name: a.name })),
  }));
}

export class BotHandoffGateway implements HandoffGateway {
  constructor(
    private readonly service: HandoffService,
    private readonly logger: Logger,
  ) {}

  async escalate(request: EscalationRequest, turn: unknown): Promise<EscalationOutcome> {
    const context = asTurnContext(turn, 'BotHandoffGateway.escalate()');
    const a = context.activity;
    const conversationId = a.conversation.id;
    const f = request.fields;
    let result;
    try {
      result = await this.service.escalate({
        conversationId,
        customerKey: a.from?.id ?? conversationId,
        channel: a.channelId,
        lang: request.lang,
        reason: request.reason,
        fields: {
          trackingNumber: f.trackingNumber,
          senderPhone: f.senderPhone,
          recipientPhone: f.recipientPhone,
          verifiedPhone: verifiedPhoneFor(f, turnInfo(context).profile.verifiedPhones),
          lockerId: f.lockerId ?? f.newLockerId,
          description: request.description ?? f.description,
        },
        attachments: request.attachments,
        reference: TurnContext.getConversationReference(a) as Record<string, unknown>,
      });
    } catch (err) {
      await this.sendQuietly(context, EventFactory.createHandoffStatus(a.conversation, 'failed', 'queue unavailable'));
      throw err;
    }
    const c = result.case;
    try {
      const entries = await this.service.store.transcript({ caseId: c.id });
      const transcript = { activities: transcriptActivities(entries, conversationId) } as Transcript;
      await this.sendQuietly(
        context,
        EventFactory.createHandoffInitiation(context, { caseId: c.id, priority: c.priority, kind: c.kind, reason: c.reason, position: result.position, summary: c.summary }, transcript),
      );
    } catch (err) {
      this.logger.warn({ err, caseId: c.id }, 'BotHandoffGateway: handoff.initiate not sent');
    }
    return {
      kind: 'queued',
      caseId: c.id,
      position: result.position,
      joined: result.joined,
      open: result.open,
      nextOpening: result.nextOpening,
      expectedResponse: result.expectedResponse,
    };
  }

  async createWorkOrder(request: WorkOrderRequest, turn: unknown): Promise<void> {
    try {
      const context = asTurnContext(turn, 'BotHandoffGateway.createWorkOrder()');
      const a = context.activity;
      const f = request.fields;
      const params: Record<string, string> = {
        carrierReference: request.carrierReference,
        workingDays: String(request.workingDays),
      };
      for (const [k, v] of Object.entries({ trackingNumber: f.trackingNumber, senderPhone: f.senderPhone, newLockerId: f.newLockerId, newPhone: f.newPhone, role: request.role, lockerId: f.lockerId })) {
        if (v) params[k] = v;
      }
      await this.service.createWorkOrder({
        conversationId: a.conversation.id,
        channel: a.channelId,
        lang: request.lang,
        action: request.action,
        params,
        fields: { trackingNumber: f.trackingNumber, senderPhone: f.senderPhone, recipientPhone: f.recipientPhone, lockerId: f.lockerId },
        reference: TurnContext.getConversationReference(a) as Record<string, unknown>,
      });
    } catch (err) {
      this.logger.error({ err }, 'BotHandoffGateway.createWorkOrder(): work order not created');
    }
  }

  private async sendQuietly(context: TurnContext, activity: Partial<Activity>): Promise<void> {
    try {
      await context.sendActivity(activity);
    } catch (err) {
      this.logger.warn({ err, name: activity.name }, 'BotHandoffGateway: hand-off event not sent');
    }
  }
}
