/**
 * FindTrackingDialog on its own, in lt/en/ru: the sender's phone proven by a code before anything is
 * looked up, the numbers only on an exact match, one neutral answer otherwise, phone validation,
 * pre-filled phones, giving up, a sender who cannot receive the code.
 */
import { SANDBOX_FIXTURES as F } from '../../services/carrier/sandbox/fixtures';
import { FindTrackingDialog, type FindTrackingOptions } from '../../dialogs/FindTrackingDialog';
import { hasMessage, texts } from '../support/messages';
import { codeTo, dialogTable, type DialogCase } from './dialogCases';

const S = F.sharedLookup;

dialogTable<FindTrackingOptions>(
  'FindTrackingDialog',
  (deps) => new FindTrackingDialog(deps),
  (L, lang): DialogCase<FindTrackingOptions>[] => [
    {
      name: 'found on an exact match of sender, recipient and locker',
      options: {},
      steps: [
        [L.findTracking, ['findTracking.intro', 'ask.senderPhone']],
        [S.senderPhone, ['proof.code.sentPhone']],
        [codeTo(S.senderPhone), ['proof.code.proven', 'ask.recipientPhone']],
        [S.recipientPhone.replace('+370', '8'), ['ask.destinationLocker']],
        ['Panorama', ['lockers.confirmOne']],
        [L.yes, ['findTracking.found']],
      ],
      result: { status: 'done' },
      check: ({ replies }) => {
        for (const n of S.trackingNumbers) expect(texts(replies[5])).toContain(n);
      },
    },
    {
      name: 'one wrong fact: one neutral answer that reveals no number',
      options: {},
      steps: [
        [L.findTracking, ['ask.senderPhone']],
        [S.senderPhone, ['proof.code.sentPhone']],
        [codeTo(S.senderPhone), ['ask.recipientPhone']],
        ['+37069999999', ['ask.destinationLocker']],
        ['Panorama', ['lockers.confirmOne']],
        [L.yes, ['findTracking.noMatch']],
      ],
      result: { status: 'done' },
      check: ({ replies }) => expect(texts(replies[5])).not.toMatch(/C[A-Z]\d{9}LT/),
    },
    {
      name: 'a phone that sends no parcels: the same words, no SMS, so no code and no lookup; the customer goes to a person',
      options: {},
      steps: [
        [L.findTracking, ['ask.senderPhone']],
        ['+37069999999', ['proof.code.sentPhone']],
        ['123456', ['proof.code.wrong']],
        [(w) => w.messages.t(lang, 'buttons.cannotReceiveCode'), ['proof.code.cannotReceive']],
      ],
      result: { status: 'escalate', reason: 'cannot_receive_code', fields: { senderPhone: '+37069999999' } },
      check: ({ world }) => expect(world.carrier.outbox.list('+37069999999')).toEqual([]),
    },
    {
      name: 'phones: empty, too short, outside LT/LV/EE/PL rejected with a reason; a Latvian number is fine',
      options: {},
      steps: [
        [L.findTracking, ['ask.senderPhone']],
        ['🙂', ['invalid.phone.empty']],
        ['12', ['invalid.phone.too_short']],
        ['+1 202 555 0123', ['invalid.phone.unsupported_country']],
      ],
      result: { status: 'offer_person', reason: 'too_many_attempts', fields: {} },
    },
    {
      name: 'a Latvian sender number is accepted',
      options: {},
      steps: [
        [L.findTracking, ['ask.senderPhone']],
        ['+371 2 123 4567', ['proof.code.sentPhone']],
      ],
      result: 'waiting',
    },
    {
      name: 'both phones and the locker from the first message: the code first, then straight to the locker, confirmed directly',
      options: { senderPhone: S.senderPhone, recipientPhone: S.recipientPhone, lockerQuery: 'Panorama' },
      steps: [
        [L.findTracking, ['findTracking.intro', 'proof.code.sentPhone']],
        [codeTo(S.senderPhone), ['lockers.confirmOne']],
      ],
      result: 'waiting',
      check: ({ world, replies }) => {
        expect(hasMessage(world.messages, lang, replies[0], 'ask.senderPhone')).toBe(false);
        expect(hasMessage(world.messages, lang, replies[1], 'ask.recipientPhone')).toBe(false);
      },
    },
  ],
);
