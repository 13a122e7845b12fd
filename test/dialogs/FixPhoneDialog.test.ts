/**
 * FixPhoneDialog on its own, in lt/en/ru: the recipient's number corrected and the pickup SMS
 * re-sent, refusals by status, the sender's own number, "no", a change the carrier schedules (a
 * work order for staff), and the idempotency key of the change.
 */
import { SANDBOX_FIXTURES as F } from '../../services/carrier/sandbox/fixtures';
import type { CustomerRef, HandoffGateway, WorkOrderRequest } from '../../dialogs/deps';
import { FixPhoneDialog, type FixPhoneOptions } from '../../dialogs/FixPhoneDialog';
import { texts } from '../support/messages';
import { codeTo, dialogTable, type DialogCase } from './dialogCases';

const orders: { request: WorkOrderRequest; customer: CustomerRef }[] = [];
const recordingOrders = (): HandoffGateway => ({
  escalate: async () => ({ kind: 'unavailable' }),
  createWorkOrder: async (request, customer) => void orders.push({ request, customer }),
});
beforeEach(() => void orders.splice(0));

dialogTable<FixPhoneOptions>(
  'FixPhoneDialog',
  (deps) => new FixPhoneDialog(deps),
  (L, lang): DialogCase<FixPhoneOptions>[] => [
    {
      name: "the recipient's number corrected and the pickup SMS re-sent; the new number shown masked",
      options: {},
      steps: [
        [L.fixPhone, ['ask.trackingNumber']],
        [F.inLocker.trackingNumber.toLowerCase(), ['proof.code.sent']],
        [codeTo(F.inLocker.senderPhone), ['proof.code.proven', 'fixPhone.whichNumber']],
        [L.recipientChoice, ['ask.newRecipientPhone']],
        ['8 612 34000', ['fixPhone.confirm']],
        [L.yes, ['fixPhone.doneSmsResent']],
      ],
      result: { status: 'done' },
      check: ({ world, replies }) => {
        expect(world.carrier.parcels.get(F.inLocker.trackingNumber)?.recipientPhone).toBe('+37061234000');
        expect(texts(replies[5])).not.toContain('+37061234000');
      },
    },
    {
      name: 'a delivered parcel: not possible, explained',
      options: {},
      steps: [
        [L.fixPhone, ['ask.trackingNumber']],
        [F.delivered.trackingNumber, ['fixPhone.notPossible']],
      ],
      result: { status: 'done' },
    },
    {
      name: "the sender's number changed to the same number: nothing to do",
      options: { trackingNumber: F.inLocker.trackingNumber },
      steps: [
        [L.fixPhone, ['proof.code.sent']],
        [codeTo(F.inLocker.senderPhone), ['proof.code.proven', 'fixPhone.whichNumber']],
        [(w) => w.messages.t(lang, 'buttons.senderPhone'), ['ask.newSenderPhone']],
        [F.inLocker.senderPhone, ['fixPhone.sameNumber']],
      ],
      result: { status: 'done' },
    },
    {
      name: '"no" at the confirmation: nothing changed',
      options: { trackingNumber: F.inLocker.trackingNumber },
      steps: [
        [L.fixPhone, ['proof.code.sent']],
        [codeTo(F.inLocker.senderPhone), ['proof.code.proven', 'fixPhone.whichNumber']],
        [L.recipientChoice, ['ask.newRecipientPhone']],
        ['+37061234001', ['fixPhone.confirm']],
        [L.no, ['fixPhone.notChanged']],
      ],
      result: { status: 'done' },
      check: ({ world }) => expect(world.carrier.parcels.get(F.inLocker.trackingNumber)?.recipientPhone).toBe(F.inLocker.recipientPhone),
    },
    {
      name: 'a parcel on its way back: the carrier schedules it; staff get a work order for this conversation',
      options: { trackingNumber: F.returning.trackingNumber },
      steps: [
        [L.fixPhone, ['proof.code.sent']],
        [codeTo(F.returning.senderPhone), ['proof.code.proven', 'fixPhone.whichNumber']],
        [L.recipientChoice, ['ask.newRecipientPhone']],
        ['+37061234002', ['fixPhone.confirm']],
        [L.yes, ['fixPhone.scheduled']],
      ],
      result: { status: 'done' },
      check: ({ client }) => {
        expect(orders).toHaveLength(1);
        expect(orders[0].request).toMatchObject({ action: 'change_phone', role: 'recipient', lang, fields: { trackingNumber: F.returning.trackingNumber, newPhone: '+37061234002' } });
        expect(orders[0].customer.conversationId).toBe(client.conversationId);
        expect(orders[0].customer.proven.map((f) => f.e164)).toEqual([F.returning.senderPhone]);
      },
    },
    {
      name: 'no answer to "which number": a person is offered with the parcel and the proven sender phone',
      options: { trackingNumber: F.inLocker.trackingNumber },
      steps: [
        [L.fixPhone, ['proof.code.sent']],
        [codeTo(F.inLocker.senderPhone), ['proof.code.proven', 'fixPhone.whichNumber']],
        ['?', ['invalid.choice.not_a_choice']],
        ['??', ['invalid.choice.not_a_choice']],
        ['???', ['invalid.choice.not_a_choice']],
      ],
      result: { status: 'offer_person', reason: 'too_many_attempts', fields: { trackingNumber: F.inLocker.trackingNumber, senderPhone: F.inLocker.senderPhone } },
    },
  ],
  { handoff: recordingOrders },
);
