/**
 * The dialogs' `HandoffGateway` backed by the hand-off service: takes the typed `CustomerRef` the
 * dialog layer built (conversation, channel identity, reference, facts proven in this
 * conversation) and opens or joins the case. The only phone that can join a case is one proven in
 * this conversation and still valid (`liveFacts`); the parcel number never joins. Nothing of the
 * case goes back but its own id, place and times (`hubContext` included).
 */
import type { CustomerRef, EscalationOutcome, EscalationRequest, HandoffGateway, WorkOrderRequest } from '../../dialogs/deps';
import type { CustomerSide, WorkOrderDraft } from '../../services/handoff/CustomerSide';
import type { Logger } from '../../services/logging/logger';
import { liveFacts } from '../../services/proof/types';

/** The phone the customer proved in this conversation: the sender phone if proven, else the latest proven one. */
export function provenPhoneFor(fields: { senderPhone?: string }, customer: CustomerRef, now: Date = new Date()): string | undefined {
  const phones = liveFacts(customer.proven, now)
    .filter((f) => f.kind === 'phone')
    .map((f) => f.e164);
  if (!phones.length) return undefined;
  if (fields.senderPhone && phones.includes(fields.senderPhone)) return fields.senderPhone;
  return phones[phones.length - 1];
}

/** The work order a flow's request describes, or undefined when a required parameter is missing. */
export function workOrderDraft(request: WorkOrderRequest): WorkOrderDraft | undefined {
  const f = request.fields;
  if (!f.trackingNumber) return undefined;
  const base = { trackingNumber: f.trackingNumber, carrierReference: request.carrierReference, workingDays: request.workingDays, ...(f.senderPhone ? { senderPhone: f.senderPhone } : {}) };
  if (request.action === 'readdress') return f.newLockerId ? { ...base, action: 'readdress', newLockerId: f.newLockerId } : undefined;
  return f.newPhone && request.role ? { ...base, action: 'change_phone', newPhone: f.newPhone, role: request.role } : undefined;
}

export class BotHandoffGateway implements HandoffGateway {
  constructor(
    private readonly customers: CustomerSide,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async escalate(request: EscalationRequest, customer: CustomerRef): Promise<EscalationOutcome> {
    const f = request.fields;
    const result = await this.customers.escalate({
      conversationId: customer.conversationId,
      customerKey: customer.customerKey,
      channel: customer.channel,
      lang: request.lang,
      reason: request.reason,
      fields: {
        trackingNumber: f.trackingNumber,
        senderPhone: f.senderPhone,
        recipientPhone: f.recipientPhone,
        contactPhone: f.contactPhone,
        verifiedPhone: provenPhoneFor(f, customer, this.now()),
        lockerId: f.lockerId ?? f.newLockerId,
        description: request.description ?? f.description,
      },
      attachments: request.attachments,
      reference: customer.reference,
    });
    if (result.limited) return { kind: 'limited', retryAt: result.retryAt };
    return {
      kind: 'queued',
      caseId: result.caseId,
      position: result.position,
      joined: result.joined,
      open: result.open,
      nextOpening: result.nextOpening,
      expectedResponse: result.expectedResponse,
      hubContext: { caseId: result.caseId, priority: result.priority, kind: result.kind, reason: result.reason, position: result.position },
    };
  }

  async createWorkOrder(request: WorkOrderRequest, customer: CustomerRef): Promise<void> {
    try {
      const order = workOrderDraft(request);
      if (!order) {
        this.logger.error({ action: request.action }, 'BotHandoffGateway.createWorkOrder(): a required parameter is missing; work order not created');
        return;
      }
      const f = request.fields;
      await this.customers.createWorkOrder({
        conversationId: customer.conversationId,
        channel: customer.channel,
        lang: request.lang,
        order,
        fields: { trackingNumber: f.trackingNumber, senderPhone: f.senderPhone, recipientPhone: f.recipientPhone, lockerId: f.lockerId },
        reference: customer.reference,
      });
    } catch (err) {
      this.logger.error({ err }, 'BotHandoffGateway.createWorkOrder(): work order not created');
    }
  }
}
