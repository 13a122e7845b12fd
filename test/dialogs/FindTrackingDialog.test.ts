/**
 * FindTrackingDialog on its own, in lt/en/ru: the numbers only on an exact match of all three
 * facts, one neutral answer otherwise, phone validation, pre-filled phones, giving up.
 */
import { SANDBOX_FIXTURES as F } from '../../services/carrier/sandbox/fixtures';
import { FindTrackingDialog, type FindTrackingOptions } from '../../dialogs/FindTrackingDialog';
import { hasMessage, texts } from '../support/messages';
import { dialogTable, lockerName, type DialogCase } from './dialogCases';

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
        [S.senderPhone, ['ask.recipientPhone']],
        [S.recipientPhone.replace('+370', '8'), ['ask.destinationLocker']],
        ['Panorama', ['lockers.confirmOne']],
        [L.yes, ['findTracking.found']],
      ],
      result: { status: 'done' },
      check: ({ replies }) => {
        for (const n of S.trackingNumbers) expect(texts(replies[4])).toContain(n);
      },
    },
    {
      name: 'one wrong fact: one neutral answer that reveals no number',
      options: {},
      steps: [
        [L.findTracking, ['ask.senderPhone']],
        [S.senderPhone, ['ask.recipientPhone']],
        ['+37069999999', ['ask.destinationLocker']],
        ['Panorama', ['lockers.confirmOne']],
        [L.yes, ['findTracking.noMatch']],
      ],
      result: { status: 'done' },
      check: ({ replies }) => expect(texts(replies[4])).not.toMatch(/C[A-Z]\d{9}LT/),
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
        ['+371 2 123 4567', ['ask.recipientPhone']],
      ],
      result: 'waiting',
    },
    {
      name: 'both phones and the locker from the first message: straight to the locker, confirmed directly',
      options: { senderPhone: S.senderPhone, recipientPhone: S.recipientPhone, lockerQuery: 'Panorama' },
      steps: [[L.findTracking, ['findTracking.intro', 'lockers.confirmOne']]],
      result: 'waiting',
      check: ({ world, replies }) => expect(hasMessage(world.messages, lang, replies[0], 'ask.senderPhone')).toBe(false),
    },
  ],
);
