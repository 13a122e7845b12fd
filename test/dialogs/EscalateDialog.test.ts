/**
 * EscalateDialog on its own, in lt/en/ru: what it hands to the queue (the collected fields, the
 * customer's words, photos, the reason that sets the priority), what the customer is told, and the
 * summary when no queue is configured or the queue is down.
 */
import type { CustomerRef, EscalationRequest, HandoffGateway } from '../../dialogs/deps';
import { EscalateDialog, type EscalateOptions } from '../../dialogs/EscalateDialog';
import { SANDBOX_FIXTURES as F } from '../../services/carrier/sandbox/fixtures';
import { classifyEscalation } from '../../services/handoff/vocabulary';
import { hasMessage, texts } from '../support/messages';
import { dialogTable, type DialogCase } from './dialogCases';

const requests: { request: EscalationRequest; customer: CustomerRef }[] = [];
beforeEach(() => void requests.splice(0));

/** Queues every case, except when the description says the queue is down. */
const queue = (): HandoffGateway => ({
  async escalate(request, customer) {
    if (request.description === 'QUEUE DOWN') throw new Error('test: queue unavailable');
    requests.push({ request, customer });
    return { kind: 'queued', caseId: 'C-240115-0001', position: 2, joined: false, open: true, expectedResponse: new Date(), hubContext: { caseId: 'C-240115-0001' } };
  },
});

const LOCKER_FAULT_WORDS: Record<string, string> = {
  lt: 'paštomato durelės neatsidaro, siunta liko viduje',
  en: "the locker door won't open and my parcel is stuck inside",
  ru: 'дверца постомата не открывается, посылка осталась внутри',
};

dialogTable<EscalateOptions>(
  'EscalateDialog',
  (deps) => new EscalateDialog(deps),
  (L, lang): DialogCase<EscalateOptions>[] => [
    {
      name: 'a locker fault: parcel number skipped, the fault described, a phone → queued with all of it',
      options: { reason: 'locker_fault', fields: {} },
      steps: [
        [L.lockerFault, ['escalate.intro.locker_fault', 'escalate.askTracking']],
        [L.skip, ['escalate.askFault']],
        [L.description, ['escalate.askPhone']],
        ['861234567', ['escalate.queuedOpen']],
      ],
      result: { status: 'handed_off' },
      check: () => {
        expect(requests).toHaveLength(1);
        expect(requests[0].request).toMatchObject({ reason: 'locker_fault', lang, description: L.description, fields: { contactPhone: '+37061234567' } });
        expect(requests[0].request.fields.recipientPhone).toBeUndefined();
      },
    },
    {
      name: '"a person" + a locker-fault description is queued as a locker fault (priority 1)',
      options: { reason: 'agent_requested', fields: {} },
      script: [[LOCKER_FAULT_WORDS[lang], ['locker_fault', 0.93]]],
      steps: [
        [L.agent, ['escalate.intro.agent_requested', 'escalate.askTracking']],
        [L.skip, ['escalate.askDescription']],
        [LOCKER_FAULT_WORDS[lang], ['escalate.askPhone']],
        [L.skip, ['escalate.queuedOpen']],
      ],
      result: { status: 'handed_off' },
      check: () => expect(requests[0].request).toMatchObject({ reason: 'locker_fault', lang, description: LOCKER_FAULT_WORDS[lang] }),
    },
    {
      name: 'a general question stays a general request',
      options: { reason: 'agent_requested', fields: {} },
      steps: [
        [L.agent, ['escalate.askTracking']],
        [L.skip, ['escalate.askDescription']],
        ['I have a question about an invoice from last month', ['escalate.askPhone']],
        [L.skip, ['escalate.queuedOpen']],
      ],
      result: { status: 'handed_off' },
      check: () => expect(requests[0].request.reason).toBe('agent_requested'),
    },
    {
      name: 'what the case already knows is not asked again; the description of the first message is kept',
      options: { reason: 'agent_requested', fields: { trackingNumber: 'CE482139075LT', senderPhone: '+37061234567' }, description: 'my parcel is stuck' },
      steps: [[L.agent, ['escalate.intro.agent_requested', 'escalate.queuedOpen']]],
      result: { status: 'handed_off' },
      check: ({ world, replies }) => {
        for (const key of ['escalate.askTracking', 'escalate.askDescription', 'escalate.askPhone']) expect(hasMessage(world.messages, lang, replies[0], key)).toBe(false);
        expect(requests[0].request).toMatchObject({ description: 'my parcel is stuck', fields: { trackingNumber: 'CE482139075LT' } });
      },
    },
    {
      name: '"I want a person" at its phone question hands off at once with what it has (a description is taken as written)',
      options: { reason: 'too_many_attempts', fields: { trackingNumber: 'CE482139075LT' } },
      script: [[L.agent, ['agent', 0.95]]],
      steps: [
        [L.agent, ['escalate.intro.too_many_attempts', 'escalate.askDescription']],
        [L.agent, ['escalate.askPhone']],
        [L.agent, ['escalate.queuedOpen']],
      ],
      result: { status: 'handed_off' },
      check: () => {
        expect(requests).toHaveLength(1);
        expect(requests[0].request).toMatchObject({ reason: 'too_many_attempts', description: L.agent, fields: { trackingNumber: 'CE482139075LT' } });
        expect(requests[0].request.fields.recipientPhone).toBeUndefined();
      },
    },
    {
      name: 'a photo without text counts as the description and goes with the case',
      options: { reason: 'locker_fault', fields: { trackingNumber: 'CE482139075LT' } },
      steps: [[L.lockerFault, ['escalate.askFault']]],
      result: 'waiting',
      check: async ({ client, world }) => {
        const replies = await client.send('', { attachments: [{ contentType: 'image/jpeg', contentUrl: 'https://cdn.example/locker.jpg', name: 'locker.jpg' }] });
        expect(hasMessage(world.messages, lang, replies, 'escalate.askPhone')).toBe(true);
        await client.send(L.skip);
        expect(requests[0].request.attachments).toEqual([{ url: 'https://cdn.example/locker.jpg', contentType: 'image/jpeg', name: 'locker.jpg' }]);
      },
    },
    {
      name: 'the queue down: the customer gets a summary instead, phones masked',
      options: { reason: 'agent_requested', fields: { trackingNumber: 'CE482139075LT' } },
      steps: [
        [L.agent, ['escalate.askDescription']],
        ['QUEUE DOWN', ['escalate.askPhone']],
        ['861234567', ['escalate.noHandoff']],
      ],
      result: { status: 'done' },
      check: ({ replies }) => {
        expect(texts(replies[2])).toContain('CE482139075LT');
        expect(texts(replies[2])).not.toContain('61234567');
      },
    },
    {
      name: 'a damaged parcel: the number, what is damaged with a photo → queued as a parcel matter (priority 2)',
      options: { reason: 'damaged_parcel', fields: {} },
      steps: [
        [L.damagedShort, ['escalate.intro.damaged_parcel', 'escalate.askTracking']],
        [F.inLocker.trackingNumber, ['escalate.askDamage']],
      ],
      result: 'waiting',
      check: async ({ client, world }) => {
        const replies = await client.send(L.damageDetails, { attachments: [{ contentType: 'image/jpeg', contentUrl: 'https://cdn.example/box.jpg', name: 'box.jpg' }] });
        expect(hasMessage(world.messages, lang, replies, 'escalate.askPhone')).toBe(true);
        expect(hasMessage(world.messages, lang, await client.send(L.skip), 'escalate.queuedOpen')).toBe(true);
        const r = requests[0].request;
        expect(r).toMatchObject({ reason: 'damaged_parcel', description: L.damageDetails, fields: { trackingNumber: F.inLocker.trackingNumber } });
        expect(r.attachments).toHaveLength(1);
        expect(classifyEscalation(r.reason, !!r.fields.trackingNumber).priority).toBe(2);
      },
    },
    {
      name: 'billing without an amount: asked once for the amount and date; the contact phone is labelled as such (priority 3)',
      options: { reason: 'billing', fields: {} },
      steps: [
        [L.billing, ['escalate.intro.billing', 'escalate.askTracking']],
        [L.skip, ['escalate.askBilling']],
        [L.billing, ['escalate.askBillingAmount']],
        [L.billingAmount, ['escalate.askPhone']],
        ['861234567', ['escalate.queuedOpen']],
      ],
      result: { status: 'handed_off' },
      check: () => {
        const r = requests[0].request;
        expect(r.reason).toBe('billing');
        expect(r.description).toContain(L.billing);
        expect(r.description).toContain(L.billingAmount);
        expect(r.fields).toMatchObject({ contactPhone: '+37061234567' });
        expect(r.fields.recipientPhone).toBeUndefined();
        expect(classifyEscalation(r.reason, !!r.fields.trackingNumber).priority).toBe(3);
      },
    },
    {
      name: 'billing with the amount in the description: no follow-up question',
      options: { reason: 'billing', fields: { trackingNumber: F.inLocker.trackingNumber } },
      steps: [
        [L.billing, ['escalate.askBilling']],
        [L.billingAmount, ['escalate.askPhone']],
      ],
      result: 'waiting',
      check: ({ world, replies }) => expect(hasMessage(world.messages, lang, replies[1], 'escalate.askBillingAmount')).toBe(false),
    },
    {
      name: 'a complaint told with its parcel number in the first message: neither asked again',
      options: { reason: 'complaint', fields: { trackingNumber: F.inLocker.trackingNumber }, description: 'the courier was rude' },
      steps: [
        [L.complaint, ['escalate.intro.complaint', 'escalate.askPhone']],
        [L.skip, ['escalate.queuedOpen']],
      ],
      result: { status: 'handed_off' },
      check: ({ world, replies }) => {
        for (const key of ['escalate.askTracking', 'escalate.askComplaint']) expect(hasMessage(world.messages, lang, replies[0], key)).toBe(false);
        expect(requests[0].request).toMatchObject({ reason: 'complaint', description: 'the courier was rude' });
      },
    },
    {
      name: 'a complaint: what happened, when and where is asked',
      options: { reason: 'complaint', fields: {} },
      steps: [
        [L.complaint, ['escalate.askTracking']],
        [F.inLocker.trackingNumber, ['escalate.askComplaint']],
        [L.complaintDetails, ['escalate.askPhone']],
        [L.skip, ['escalate.queuedOpen']],
      ],
      result: { status: 'handed_off' },
      check: () => expect(requests[0].request).toMatchObject({ reason: 'complaint', description: L.complaintDetails, fields: { trackingNumber: F.inLocker.trackingNumber } }),
    },
    {
      name: 'free text at the optional parcel-number question is the description (not rejected, not asked again)',
      options: { reason: 'other_problem', fields: {} },
      steps: [
        [L.otherProblem, ['escalate.intro.other_problem', 'escalate.askTracking']],
        [L.noNumberStory, ['escalate.askPhone']],
        [L.skip, ['escalate.queuedOpen']],
      ],
      result: { status: 'handed_off' },
      check: ({ world, replies }) => {
        expect(hasMessage(world.messages, lang, replies[1], 'invalid.tracking.bad_format')).toBe(false);
        expect(hasMessage(world.messages, lang, replies[1], 'escalate.askDescription')).toBe(false);
        expect(requests[0].request.description).toBe(L.noNumberStory);
      },
    },
    {
      name: 'the number and the story in one answer to the parcel-number question: both taken',
      options: { reason: 'damaged_parcel', fields: {} },
      steps: [
        [L.damagedShort, ['escalate.askTracking']],
        [L.damaged(F.inLocker.trackingNumber), ['escalate.askPhone']],
      ],
      result: 'waiting',
      check: async ({ client }) => {
        await client.send(L.skip);
        expect(requests[0].request).toMatchObject({ description: L.damaged(F.inLocker.trackingNumber), fields: { trackingNumber: F.inLocker.trackingNumber } });
      },
    },
    {
      name: 'a mistyped number at the parcel-number question is still corrected, not taken as a story',
      options: { reason: 'damaged_parcel', fields: {} },
      steps: [
        [L.damagedShort, ['escalate.askTracking']],
        ['CE4821390', ['invalid.tracking.bad_format', 'escalate.askTracking']],
      ],
      result: 'waiting',
    },
    {
      name: '"yes" is not a description: asked once more, then the real story is kept',
      options: { reason: 'agent_requested', fields: { trackingNumber: F.inLocker.trackingNumber } },
      steps: [
        [L.agent, ['escalate.askDescription']],
        [L.yes, ['invalid.text.not_description', 'escalate.askDescription']],
        [L.description, ['escalate.askPhone']],
        [L.skip, ['escalate.queuedOpen']],
      ],
      result: { status: 'handed_off' },
      check: () => expect(requests[0].request.description).toBe(L.description),
    },
  ],
  { handoff: queue },
);

describe('EscalateDialog without a hand-off queue', () => {
  dialogTable<EscalateOptions>(
    'summary only',
    (deps) => new EscalateDialog(deps),
    (L): DialogCase<EscalateOptions>[] => [
      {
        name: 'the customer gets a summary of what an agent would need',
        options: { reason: 'locker_fault', fields: {} },
        steps: [
          [L.lockerFault, ['escalate.askTracking']],
          [L.skip, ['escalate.askFault']],
          [L.description, ['escalate.askPhone']],
          ['861234567', ['escalate.noHandoff']],
        ],
        result: { status: 'done' },
        check: ({ replies }) => {
          expect(texts(replies[3])).toContain(L.description);
          expect(texts(replies[3])).not.toContain('861234567');
        },
      },
    ],
  );
});
