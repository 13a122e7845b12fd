/**
 * The dialogs' `HandoffGateway` backed by the hand-off service: takes the typed `CustomerRef` the
 * dialog layer built (conversation, channel identity, reference, facts proven in this
 * conversation) and opens or joins the case. Nothing of the case goes back but its own id,
 * place and times.
 */
import type { CustomerRef, EscalationOutcome, EscalationRequest, HandoffGateway, WorkOrderRequest } from '../../dialogs/deps';
import type { HandoffService } from '../../services/handoff/HandoffService';
import type { Logger } from '../../services/logging/logger';

/** The phone the customer proved in this conversation: the sender phone if proven, else the latest proven one. */
export function provenPhoneFor(fields: { senderPhone?: string }, customer: CustomerRef): string | undefined {
  const phones = customer.proven.filter((f) => f.kind === 'phone').map((f) => f.e164);
  if (!phones.length) return undefined;
  if (fields.senderPhone && phones.includes(fields.senderPhone)) return fields.senderPhone;
  return phones[phones.length - 1];
}

export class BotHandoffGateway implements HandoffGateway {
  constructor(
    private readonly service: HandoffService,
    private readonly logger: Logger,
  ) {}

  async escalate(request: EscalationRequest, customer: CustomerRef): Promise<EscalationOutcome> {
    const f = request.fields;
    const result = await this.service.escalate({
      conversationId: customer.conversationId,
      customerKey: customer.customerKey,
      channel: customer.channel,
      lang: request.lang,
      reason: request.reason,
      fields: {
        trackingNumber: f.trackingNumber,
        senderPhone: f.senderPhone,
        recipientPhone: f.recipientPhone,
        verifiedPhone: provenPhoneFor(f, customer),
        lockerId: f.lockerId ?? f.newLockerId,
        description: request.description ?? f.description,
      },
      attachments: request.attachments,
      reference: customer.reference,
      });
    const c = result.case;
    return {
      kind: 'queued',
      caseId: c.id,
      position: result.position,
      joined: result.joined,
      open: result.open,
      nextOpening: result.nextOpening,
      expectedResponse: result.expectedResponse,
      hubContext: { caseId: c.id, priority: c.priority, kind: c.kind, reason: c.reason, position: result.position },
    };
  }

  async createWorkOrder(request: WorkOrderRequest, customer: CustomerRef): Promise<void> {
    try {
      const f = request.fields;
      const params: Record<string, string> = {
        carrierReference: request.carrierReference,
        workingDays: String(request.workingDays),
      };
      for (const [k, v] of Object.entries({ trackingNumber: f.trackingNumber, senderPhone: f.senderPhone, newLockerId: f.newLockerId, newPhone: f.newPhone, role: request.role, lockerId: f.lockerId })) {
        if (v) params[k] = v;
      }
      await this.service.createWorkOrder({
        conversationId: customer.conversationId,
        channel: customer.channel,
        lang: request.lang,
        action: request.action,
        params,
        fields: { trackingNumber: f.trackingNumber, senderPhone: f.senderPhone, recipientPhone: f.recipientPhone, lockerId: f.lockerId },
        reference: customer.reference,
      });
    } catch (err) {
      this.logger.error({ err }, 'BotHandoffGateway.createWorkOrder(): work order not created');
    }
  }
}
