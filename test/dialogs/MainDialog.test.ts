/**
 * MainDialog, the router, on its own (scripted recognition, in-memory carrier), in lt/en/ru: what a
 * new request starts, the clarifying question, low confidence, small talk, commands at any step, and
 * what follows each way a case ends (the menu, a person offered, a hand-off, another request).
 */
import { SANDBOX_FIXTURES as F } from '../../services/carrier/sandbox/fixtures';
import { MainDialog } from '../../dialogs/MainDialog';
import type { CustomerRef, EscalationRequest, HandoffGateway } from '../../dialogs/deps';
import { classifyEscalation } from '../../services/handoff/vocabulary';
import { hasMessage, texts } from '../support/messages';
import type { ScriptLine } from '../support/scriptedRecognizer';
import { codeTo, dialogTable, type DialogCase } from './dialogCases';
import type { Lines } from './testData';
import type { Lang } from '../../services/i18n/langs';

const CLOSE = 'my parcel went to the wrong place';
const ROLE_WORDS = {
  lt: { sender: 'siuntėjo', recipient: 'gavėjo' },
  en: { sender: 'sender', recipient: 'recipient' },
  ru: { sender: 'отправитель', recipient: 'получатель' },
} as const;
const LOCKER_FAULT_STORY = 'the locker door at Akropolis will not open and my parcel is inside';

function script(L: Lines): ScriptLine[] {
  return [
    [L.readdress, ['readdress', 0.95]],
    [L.readdressPrefilled(F.readdressableNow.trackingNumber, 'Akropolis Klaipėda'), ['readdress', 0.95]],
    [L.fixPhone, ['fix_phone', 0.95]],
    [new RegExp(`^${L.findTracking}`), ['find_tracking', 0.95]],
    [L.track, ['track', 0.95]],
    [L.agent, ['agent', 0.95]],
    [L.lockerFault, ['locker_fault', 0.95]],
    [LOCKER_FAULT_STORY, ['locker_fault', 0.9]],
    [L.greet, ['greet', 0.95]],
    [L.thanks, ['thanks', 0.95]],
    [L.outOfScope, ['none', 0.9]],
    [CLOSE, ['readdress', 0.46], ['track', 0.41], ['none', 0.13]],
  ];
}

dialogTable<object>(
  'MainDialog',
  (deps) => new MainDialog(deps),
  (L, lang): DialogCase<object>[] => [
    {
      name: 'commands outside a flow: nothing to cancel, help, a language',
      options: {},
      script: script(L),
      steps: [
        [L.cancel, ['main.nothingToCancel']],
        [L.help, ['main.help']],
        ['english', ['main.languageSwitchedMenu']],
      ],
      result: undefined,
    },
    {
      name: 'empty text, emoji only and an image without text get a clear answer',
      options: {},
      script: script(L),
      steps: [
        ['', ['main.empty']],
        ['😀😀🙏', ['main.notUnderstood']],
      ],
      result: undefined,
      check: async ({ client, world }) => {
        const image = await client.send('', { attachments: [{ contentType: 'image/jpeg', contentUrl: 'https://example.invalid/locker.jpg', name: 'locker.jpg' }] });
        expect(hasMessage(world.messages, lang, image, 'main.attachmentOnly')).toBe(true);
      },
    },
    {
      name: 'a menu button starts its case in any language',
      options: {},
      script: script(L),
      steps: [[(w) => w.messages.t('lt', 'menu.track'), ['ask.trackingNumberTrack']]],
      result: 'waiting',
    },
    {
      name: 'two close intents: one clarifying question with both as buttons, then the chosen case',
      options: {},
      script: script(L),
      steps: [
        [CLOSE, ['main.clarify']],
        [(w) => w.messages.t(lang, 'menu.track'), ['ask.trackingNumberTrack']],
      ],
      result: 'waiting',
      check: ({ world, replies }) => expect(replies[0][0].buttons).toEqual([world.messages.t(lang, 'menu.readdress'), world.messages.t(lang, 'menu.track')]),
    },
    {
      name: 'no usable answer to the clarifying question: what the bot can do',
      options: {},
      script: script(L),
      steps: [
        [CLOSE, ['main.clarify']],
        ['?', ['invalid.choice.not_a_choice']],
        ['??', ['invalid.choice.not_a_choice']],
        ['???', ['invalid.choice.not_a_choice', 'main.notUnderstood']],
      ],
      result: undefined,
    },
    {
      name: 'low confidence: what the bot can do instead of a guess; with a parcel number: where it is',
      options: {},
      script: script(L),
      steps: [
        ['hmm parcel thing', ['main.notUnderstood']],
        [F.inLocker.trackingNumber, ['track.status.in_locker', 'main.anythingElse']],
      ],
      result: undefined,
      check: ({ replies }) => expect(replies[0][0].buttons).toHaveLength(5),
    },
    {
      name: 'small talk, thanks and out-of-scope questions get sensible answers',
      options: {},
      script: script(L),
      steps: [
        [L.greet, ['welcome.again']],
        [L.thanks, ['main.thanks']],
        [L.outOfScope, ['main.outOfScope', 'main.offerHuman.out_of_scope']],
        [L.no, ['main.anythingElse']],
      ],
      result: undefined,
    },
    {
      name: 'outside the carrier\'s business: a person is still offered, and the question goes with the case',
      options: {},
      script: script(L),
      steps: [
        [L.outOfScope, ['main.outOfScope', 'main.offerHuman.out_of_scope']],
        [L.yes, ['escalate.intro.out_of_scope', 'escalate.askTracking']],
        [L.skip, ['escalate.askPhone']],
        [L.skip, ['escalate.noHandoff', 'main.anythingElse']],
      ],
      result: undefined,
      check: ({ replies }) => expect(texts(replies[3])).toContain(L.outOfScope),
    },
    {
      name: 'cancel, help and start over at any step',
      options: {},
      script: script(L),
      steps: [
        [L.readdress, ['ask.trackingNumber']],
        [F.readdressable.trackingNumber, ['proof.code.sent']],
        [L.cancel, ['main.cancelled']],
        // The parcel number of the cancelled case is offered ("Is it CE…?"), also when asked again.
        [L.track, ['recall.trackingNumber']],
        [L.help, ['main.helpInFlow', 'recall.trackingNumber']],
        ['english', ['main.languageSwitched', 'recall.trackingNumber']],
        [L.restart, ['main.restarted']],
      ],
      result: undefined,
    },
    {
      name: 'three failed answers: a person offered; yes → the hand-off starts',
      options: {},
      script: script(L),
      steps: [
        [L.track, ['ask.trackingNumberTrack']],
        ['nežinau', ['invalid.tracking.bad_format']],
        ['123', ['invalid.tracking.bad_format']],
        ['???', ['main.offerHuman.too_many_attempts']],
        [L.yes, ['escalate.intro.too_many_attempts', 'escalate.askDescription']],
      ],
      result: 'waiting',
    },
    {
      name: 'a person offered, no thanks: anything else?',
      options: {},
      script: script(L),
      steps: [
        [L.track, ['ask.trackingNumberTrack']],
        ['nežinau', []],
        ['123', []],
        ['???', ['main.offerHuman.too_many_attempts']],
        [L.no, ['main.anythingElse']],
      ],
      result: undefined,
    },
    {
      name: '"I want a person" when a person is offered: the hand-off starts',
      options: {},
      script: script(L),
      steps: [
        [L.track, ['ask.trackingNumberTrack']],
        ['nežinau', []],
        ['123', []],
        ['???', ['main.offerHuman.too_many_attempts']],
        [L.agent, ['escalate.intro.agent_requested']],
      ],
      result: 'waiting',
    },
    {
      name: '"I want a person" interrupts a running case and keeps what it collected',
      options: {},
      script: script(L),
      steps: [
        [L.readdress, ['ask.trackingNumber']],
        [F.readdressable.trackingNumber, ['proof.code.sent']],
        [L.agent, ['escalate.intro.agent_requested', 'escalate.askDescription']],
      ],
      result: 'waiting',
      check: ({ world, replies }) => expect(hasMessage(world.messages, lang, replies[2], 'escalate.askTracking')).toBe(false),
    },
    {
      name: 'more than 5 working days late: the person offered by the case is handed the parcel number',
      options: {},
      script: script(L),
      steps: [
        [L.track, ['ask.trackingNumberTrack']],
        [F.lateOver5.trackingNumber, ['track.lateOffer']],
        [L.yes, ['escalate.intro.late_parcel']],
      ],
      result: 'waiting',
      check: ({ world, replies }) => expect(hasMessage(world.messages, lang, replies[2], 'escalate.askTracking')).toBe(false),
    },
    {
      name: 'readdress pre-filled from the first message: number and locker, then anything else?',
      options: {},
      script: script(L),
      steps: [
        [L.readdressPrefilled(F.readdressableNow.trackingNumber, 'Akropolis Klaipėda'), ['proof.code.sent']],
        [codeTo(F.readdressableNow.senderPhone), ['readdress.confirm']],
        [L.yes, ['readdress.done', 'main.anythingElse']],
      ],
      result: undefined,
      check: ({ world, replies }) => {
        expect(hasMessage(world.messages, lang, replies[1], 'ask.newLocker')).toBe(false);
        expect(texts(replies[1])).toMatch(/Akropolis Klaipėda/);
      },
    },
    {
      name: 'lost tracking number with both phones in the first message: straight to the locker',
      options: {},
      script: script(L),
      steps: [
        [`${L.findTracking} ${F.sharedLookup.senderPhone} ${F.sharedLookup.recipientPhone}`, ['findTracking.intro', 'proof.code.sentPhone']],
        [codeTo(F.sharedLookup.senderPhone), ['proof.code.proven', 'ask.destinationLocker']],
      ],
      result: 'waiting',
    },
    {
      name: 'too many codes: the case is handed to a person as proof_locked, with the parcel number already known',
      options: {},
      script: script(L),
      steps: [
        [L.readdress, ['ask.trackingNumber']],
        [F.readdressable.trackingNumber, ['proof.code.sent']],
        [(w) => w.messages.t(lang, 'buttons.newCode'), ['proof.code.resent']],
        [(w) => w.messages.t(lang, 'buttons.newCode'), ['proof.code.resent']],
        [(w) => w.messages.t(lang, 'buttons.newCode'), ['proof.code.locked', 'escalate.intro.proof_locked', 'escalate.askDescription']],
      ],
      result: 'waiting',
      check: ({ world, replies }) => expect(hasMessage(world.messages, lang, replies[4], 'escalate.askTracking')).toBe(false),
    },
    {
      name: 'the sender cannot receive the code: handed to a person as cannot_receive_code',
      options: {},
      script: script(L),
      steps: [
        [L.readdress, ['ask.trackingNumber']],
        [F.readdressable.trackingNumber, ['proof.code.sent']],
        [(w) => w.messages.t(lang, 'buttons.cannotReceiveCode'), ['proof.code.cannotReceive', 'escalate.intro.cannot_receive_code', 'escalate.askDescription']],
      ],
      result: 'waiting',
    },
    {
      name: 'lost tracking number with the phones named by role in any order: the recipient one is not taken for the sender',
      options: {},
      script: script(L),
      steps: [[`${L.findTracking} ${ROLE_WORDS[lang].recipient} ${F.sharedLookup.recipientPhone} ${ROLE_WORDS[lang].sender} ${F.sharedLookup.senderPhone}`, ['findTracking.intro', 'proof.code.sentPhone']]],
      result: 'waiting',
      check: ({ world, replies }) => {
        expect(hasMessage(world.messages, lang, replies[0], 'ask.senderPhone')).toBe(false);
        // The code goes to the sender's phone, the one named as the sender's.
        expect(world.carrier.outbox.latest(F.sharedLookup.senderPhone)).toBeDefined();
        expect(world.carrier.outbox.latest(F.sharedLookup.recipientPhone)).toBeUndefined();
      },
    },
    {
      name: 'lost tracking number with only the sender named: the sender is taken, the recipient asked',
      options: {},
      script: script(L),
      steps: [[`${L.findTracking} ${ROLE_WORDS[lang].sender} ${F.sharedLookup.senderPhone}`, ['findTracking.intro', 'proof.code.sentPhone']]],
      result: 'waiting',
    },
    {
      name: 'a locker fault told in the first message: its words are the description',
      options: {},
      script: script(L),
      steps: [
        [LOCKER_FAULT_STORY, ['escalate.intro.locker_fault', 'escalate.askTracking']],
        [L.skip, ['escalate.askPhone']],
        [L.skip, ['escalate.noHandoff', 'main.anythingElse']],
      ],
      result: undefined,
    },
  ],
);

/** The problems people are for, routed from one message: reason, facts and priority. */
const handed: { request: EscalationRequest; customer: CustomerRef }[] = [];
beforeEach(() => void handed.splice(0));
const queue = (): HandoffGateway => ({
  async escalate(request, customer) {
    handed.push({ request, customer });
    return { kind: 'queued', caseId: 'C-1', position: 1, joined: false, open: true, expectedResponse: new Date(), hubContext: {} };
  },
});

const DELETED_SMS = {
  lt: (t: string) => `netyčia ištryniau sms su kodu, siunta ${t}`,
  en: (t: string) => `I deleted the SMS with the code by mistake, parcel ${t}`,
  ru: (t: string) => `случайно удалил смс с кодом, посылка ${t}`,
};
const NO_SMS_CLOSE = { lt: 'negavau sms', en: 'no sms came', ru: 'не пришла смс' };

function problemScript(L: Lines, l: Lang): ScriptLine[] {
  return [
    [L.damaged(F.inLocker.trackingNumber), ['damaged_parcel', 0.93]],
    [L.damagedShort, ['damaged_parcel', 0.9]],
    [L.billing, ['billing', 0.9]],
    [L.complaint, ['complaint', 0.9]],
    [L.complaintDetails, ['complaint', 0.9]],
    [L.otherProblem, ['other_problem', 0.88]],
    [new RegExp(`^${L.billing} .*\\d{3}`), ['billing', 0.9]],
    [DELETED_SMS[l](F.inLocker.trackingNumber), ['no_sms', 0.92]],
    [NO_SMS_CLOSE[l], ['no_sms', 0.47], ['fix_phone', 0.43]],
  ];
}

dialogTable<object>(
  'MainDialog: problems handed to a person',
  (deps) => new MainDialog(deps),
  (L, l): DialogCase<object>[] => [
    {
      name: '"I deleted the SMS" with the parcel number in one message: the re-send offered at once, and sent',
      options: {},
      script: problemScript(L, l),
      steps: [
        [DELETED_SMS[l](F.inLocker.trackingNumber), ['noSms.offer']],
        [(w) => w.messages.t(l, 'buttons.resendSms'), ['noSms.sent', 'main.anythingElse']],
      ],
      result: undefined,
    },
    {
      name: 'no SMS or a wrong number, too close to call: one clarifying question with both',
      options: {},
      script: problemScript(L, l),
      steps: [
        [NO_SMS_CLOSE[l], ['main.clarify']],
        [(w) => w.messages.t(l, 'menu.noSms'), ['ask.trackingNumberNoSms']],
      ],
      result: 'waiting',
      check: ({ world, replies }) => expect(replies[0][0].buttons).toEqual([world.messages.t(l, 'menu.noSms'), world.messages.t(l, 'menu.fixPhone')]),
    },
    {
      name: 'a damaged parcel told in one message with its number: only the contact phone is asked (priority 2)',
      options: {},
      script: problemScript(L, l),
      steps: [
        [L.damaged(F.inLocker.trackingNumber), ['escalate.intro.damaged_parcel', 'escalate.askPhone']],
        [L.skip, ['escalate.queuedOpen']],
      ],
      result: undefined,
      check: () => {
        const r = handed[0].request;
        expect(r).toMatchObject({ reason: 'damaged_parcel', description: L.damaged(F.inLocker.trackingNumber), fields: { trackingNumber: F.inLocker.trackingNumber } });
        expect(classifyEscalation(r.reason, true).priority).toBe(2);
      },
    },
    {
      name: 'a damaged parcel said briefly: the number, then what is damaged',
      options: {},
      script: problemScript(L, l),
      steps: [
        [L.damagedShort, ['escalate.intro.damaged_parcel', 'escalate.askTracking']],
        [F.inLocker.trackingNumber, ['escalate.askDamage']],
        [L.damageDetails, ['escalate.askPhone']],
      ],
      result: 'waiting',
    },
    {
      name: 'charged twice, with a contact phone in the same message: amount and date asked, the phone not',
      options: {},
      script: problemScript(L, l),
      steps: [
        [`${L.billing} 861234567`, ['escalate.intro.billing', 'escalate.askTracking']],
        [L.skip, ['escalate.askBilling']],
        [L.billing, ['escalate.askBillingAmount']],
        [L.billingAmount, ['escalate.queuedOpen']],
      ],
      result: undefined,
      check: () => {
        const r = handed[0].request;
        expect(r.reason).toBe('billing');
        expect(r.fields).toMatchObject({ contactPhone: '+37061234567' });
        expect(r.description).toContain(L.billingAmount);
        expect(classifyEscalation(r.reason, false).priority).toBe(3);
      },
    },
    {
      name: 'a complaint about a courier: what happened is asked, then handed off',
      options: {},
      script: problemScript(L, l),
      steps: [
        [L.complaint, ['escalate.intro.complaint', 'escalate.askTracking']],
        [L.skip, ['escalate.askComplaint']],
        [L.complaintDetails, ['escalate.askPhone']],
        [L.skip, ['escalate.queuedOpen']],
      ],
      result: undefined,
      check: () => expect(handed[0].request).toMatchObject({ reason: 'complaint', description: L.complaintDetails }),
    },
    {
      name: 'another parcel problem: handed off as other_problem with the customer\'s words',
      options: {},
      script: problemScript(L, l),
      steps: [
        [L.otherProblem, ['escalate.intro.other_problem', 'escalate.askTracking']],
        [F.inLocker.trackingNumber, ['escalate.askDescription']],
        [L.noNumberStory, ['escalate.askPhone']],
        [L.skip, ['escalate.queuedOpen']],
      ],
      result: undefined,
      check: () => {
        expect(handed[0].request).toMatchObject({ reason: 'other_problem', description: L.noNumberStory, fields: { trackingNumber: F.inLocker.trackingNumber } });
        expect(classifyEscalation('other_problem', true).priority).toBe(2);
      },
    },
  ],
  { handoff: queue },
);
