/**
 * Slot filling with roles (issue #11 item 2), in lt/en/ru: the old and the new number in one
 * message, whose number without a number ("I typed his number wrong"), the locker to leave and the
 * one wanted in one message, the customer's own phone beside the proof, values given at another
 * prompt of the case, and values from earlier in the conversation confirmed instead of asked again —
 * never instead of the one-time code.
 */
import { SANDBOX_FIXTURES as F } from '../../services/carrier/sandbox/fixtures';
import { FixPhoneDialog, type FixPhoneOptions } from '../../dialogs/FixPhoneDialog';
import { MainDialog } from '../../dialogs/MainDialog';
import { ReaddressDialog, type ReaddressOptions } from '../../dialogs/ReaddressDialog';
import type { Lang } from '../../services/i18n/langs';
import { hasMessage, texts, type Reply } from '../support/messages';
import type { ScriptLine } from '../support/scriptedRecognizer';
import { codeTo, dialogTable, type DialogCase } from './dialogCases';
import { SLOT_LINES as SAY } from './testData';

const IN = F.inLocker;
const P = F.readdressable;
/** The recipient's number on file for `IN`, the sender's, a new one and one that matches nothing on file. */
const ON_FILE = '8 622 23344';
const SENDER_ON_FILE = '8 611 12233';
const NEW = '8 612 34000';
const NEW_E164 = '+37061234000';
const UNKNOWN = '8 699 99999';

const offeredButtons = (replies: Reply[]) => replies.find((r) => r.buttons.length)?.buttons ?? [];
const no = (world: { messages: Parameters<typeof hasMessage>[0] }, lang: Lang, replies: Reply[], key: string) => expect(hasMessage(world.messages, lang, replies, key)).toBe(false);

dialogTable<FixPhoneOptions>(
  'Old and new number in one message (FixPhoneDialog)',
  (deps) => new FixPhoneDialog(deps),
  (L, lang): DialogCase<FixPhoneOptions>[] => {
    const S = SAY[lang];
    return [
      {
        name: 'the old number matches the recipient on file: recipient, and the new number taken without asking',
        options: {},
        steps: [
          [S.oldNew(ON_FILE, NEW), ['ask.trackingNumber']],
          [IN.trackingNumber, ['proof.code.sent']],
          [codeTo(IN.senderPhone), ['proof.code.proven', 'fixPhone.confirm']],
          [L.yes, ['fixPhone.doneSmsResent']],
        ],
        result: { status: 'done' },
        check: ({ world, replies }) => {
          no(world, lang, replies[2], 'fixPhone.whichNumber');
          no(world, lang, replies[2], 'ask.newRecipientPhone');
          expect(texts(replies[2])).toContain(NEW_E164);
          expect(texts(replies[2])).toContain(world.messages.t(lang, 'fixPhone.role.recipient'));
          expect(world.carrier.parcels.get(IN.trackingNumber)?.recipientPhone).toBe(NEW_E164);
        },
      },
      {
        name: 'the old number matches the sender on file: the sender\'s number is the one changed',
        options: { trackingNumber: IN.trackingNumber },
        steps: [
          [S.oldNew(SENDER_ON_FILE, NEW), ['proof.code.sent']],
          [codeTo(IN.senderPhone), ['fixPhone.confirm']],
        ],
        result: 'waiting',
        check: ({ world, replies }) => {
          no(world, lang, replies[1], 'fixPhone.whichNumber');
          expect(texts(replies[1])).toContain(world.messages.t(lang, 'fixPhone.role.sender'));
          expect(texts(replies[1])).toContain(NEW_E164);
        },
      },
      {
        name: 'an old number that matches nothing on file: which number is asked once, the new one is not asked again',
        options: { trackingNumber: IN.trackingNumber },
        steps: [
          [S.oldNew(UNKNOWN, NEW), ['proof.code.sent']],
          [codeTo(IN.senderPhone), ['fixPhone.whichNumber']],
          [L.recipientChoice, ['fixPhone.confirm']],
          [L.yes, ['fixPhone.doneSmsResent']],
        ],
        result: { status: 'done' },
        check: ({ world, replies }) => {
          no(world, lang, replies[2], 'ask.newRecipientPhone');
          expect(world.carrier.parcels.get(IN.trackingNumber)?.recipientPhone).toBe(NEW_E164);
        },
      },
      {
        name: 'only the old number: the party from it, and the new number is asked (the old one is never the new one)',
        options: { trackingNumber: IN.trackingNumber },
        steps: [
          [S.onlyOld(ON_FILE), ['proof.code.sent']],
          [codeTo(IN.senderPhone), ['ask.newRecipientPhone']],
          [NEW, ['fixPhone.confirm']],
        ],
        result: 'waiting',
        check: ({ world, replies }) => no(world, lang, replies[1], 'fixPhone.whichNumber'),
      },
    ];
  },
);

function mainScript(lang: Lang): ScriptLine[] {
  const S = SAY[lang];
  return [
    [S.hisNumber, ['fix_phone', 0.93]],
    [S.herNumber, ['fix_phone', 0.93]],
    [new RegExp(`^${IN.trackingNumber} `), ['fix_phone', 0.93]],
    [new RegExp(`${P.trackingNumber}|${F.readdressableNow.trackingNumber}`), ['readdress', 0.94]],
  ];
}

dialogTable<object>(
  'Roles in the first message (MainDialog)',
  (deps) => new MainDialog(deps),
  (L, lang): DialogCase<object>[] => {
    const S = SAY[lang];
    return [
      {
        name: 'wrong phone with the parcel number, the old and the new number in one message: straight to the confirmation',
        options: {},
        script: mainScript(lang),
        steps: [
          [`${IN.trackingNumber} ${S.oldNew(ON_FILE, NEW)}`, ['proof.code.sent']],
          [codeTo(IN.senderPhone), ['proof.code.proven', 'fixPhone.confirm']],
          [L.yes, ['fixPhone.doneSmsResent', 'main.anythingElse']],
        ],
        result: undefined,
        check: ({ world, replies }) => {
          no(world, lang, replies[1], 'fixPhone.whichNumber');
          expect(world.carrier.parcels.get(IN.trackingNumber)?.recipientPhone).toBe(NEW_E164);
        },
      },
      ...[S.hisNumber, S.herNumber].map(
        (line): DialogCase<object> => ({
          name: `"${line}": the recipient's number, never "which number was wrong?"`,
          options: {},
          script: mainScript(lang),
          steps: [
            [line, ['ask.trackingNumber']],
            [IN.trackingNumber, ['proof.code.sent']],
            [codeTo(IN.senderPhone), ['proof.code.proven', 'ask.newRecipientPhone']],
            [NEW, ['fixPhone.confirm']],
          ],
          result: 'waiting',
          check: ({ world, replies }) => {
            for (const r of replies) no(world, lang, r, 'fixPhone.whichNumber');
          },
        }),
      ),
      {
        name: 'readdress "from Akropolis Vilnius to Mega Kaunas": Mega is confirmed, the locker to leave never offered',
        options: {},
        script: mainScript(lang),
        steps: [
          [S.fromTo(P.trackingNumber), ['proof.code.sent']],
          [codeTo(P.senderPhone), ['readdress.confirm']],
          [L.yes, ['readdress.scheduled']],
        ],
        result: undefined,
        check: async ({ world, replies }) => {
          no(world, lang, replies[1], 'lockers.pick');
          expect(texts(replies[1])).toMatch(/Mega/);
          expect((await world.carrier.getParcel(P.trackingNumber)).destinationLockerId).toBe(F.lockers.mega);
        },
      },
      {
        name: 'readdress "not to Akropolis Vilnius but to Akropolis" for a parcel going elsewhere: Akropolis Vilnius is not in the list',
        options: {},
        script: mainScript(lang),
        steps: [
          [S.notThisAkropolis(F.readdressableNow.trackingNumber), ['proof.code.sent']],
          [codeTo(F.readdressableNow.senderPhone), ['lockers.pick']],
        ],
        result: 'waiting',
        check: ({ replies }) => {
          const offered = offeredButtons(replies[1]);
          expect(offered.filter((b) => /Akropolis/.test(b))).toHaveLength(3);
          expect(offered.some((b) => /Akropolis Vilnius/.test(b))).toBe(false);
        },
      },
      {
        name: 'locker, parcel number and "my phone" in one message: the phone is the one the code goes to, no phone question, Mega confirmed',
        options: {},
        script: mainScript(lang),
        steps: [
          [S.allInOne(P.trackingNumber, '8 612 34567'), ['proof.code.sent']],
          [codeTo(P.senderPhone), ['proof.code.proven', 'readdress.confirm']],
          [L.yes, ['readdress.scheduled']],
        ],
        result: undefined,
        check: async ({ world, replies }) => {
          for (const r of replies) {
            no(world, lang, r, 'invalid.phone.invalid');
            no(world, lang, r, 'ask.newLocker');
            no(world, lang, r, 'lockers.pick');
          }
          no(world, lang, replies[0], 'proof.code.sentNotGiven');
          expect(texts(replies[1])).toMatch(/Mega/);
          expect((await world.carrier.getParcel(P.trackingNumber)).destinationLockerId).toBe(F.lockers.mega);
        },
      },
      {
        name: '"my phone" that is not the sender\'s phone on the parcel: the code still goes only to the phone on file, and the customer is told so',
        options: {},
        script: mainScript(lang),
        steps: [[S.allInOne(P.trackingNumber, UNKNOWN), ['proof.code.sentNotGiven']]],
        result: 'waiting',
        check: ({ world, replies }) => {
          expect(texts(replies[0])).toContain('+370 6** **567');
          expect(() => world.lastCode('+37069999999')).toThrow();
        },
      },
    ];
  },
);

dialogTable<ReaddressOptions>(
  'The locker to leave and the one wanted, at the new-locker prompt (ReaddressDialog)',
  (deps) => new ReaddressDialog(deps),
  (L, lang): DialogCase<ReaddressOptions>[] => {
    const S = SAY[lang];
    return [
      {
        name: '"from Akropolis Vilnius to Mega Kaunas" at the prompt: Mega confirmed',
        options: { trackingNumber: P.trackingNumber },
        steps: [
          [L.readdress, ['proof.code.sent']],
          [codeTo(P.senderPhone), ['ask.newLocker']],
          [S.fromToAtPrompt, ['readdress.confirm']],
        ],
        result: 'waiting',
        check: ({ replies }) => expect(texts(replies[2])).toMatch(/Mega/),
      },
      {
        name: '"not to Ozas but to Akropolis" at the prompt: the Akropolis lockers, never Ozas',
        options: { trackingNumber: P.trackingNumber },
        steps: [
          [L.readdress, ['proof.code.sent']],
          [codeTo(P.senderPhone), ['ask.newLocker']],
          [S.notOzas, ['lockers.pick']],
        ],
        result: 'waiting',
        check: ({ replies }) => {
          const offered = offeredButtons(replies[2]);
          expect(offered.filter((b) => /Akropolis/.test(b))).toHaveLength(3);
          expect(offered.some((b) => /Ozas/.test(b))).toBe(false);
        },
      },
      {
        name: '"not to Ozas but to Akropolis" in the first message for a parcel to Ozas: Ozas never offered',
        options: { trackingNumber: F.readdressableNow.trackingNumber },
        steps: [
          [S.notOzas, ['proof.code.sent']],
          [codeTo(F.readdressableNow.senderPhone), ['lockers.pick']],
        ],
        result: 'waiting',
        check: ({ replies }) => expect(offeredButtons(replies[1]).some((b) => /Ozas/.test(b))).toBe(false),
      },
    ];
  },
);
