/**
 * Slot filling with roles (issue #11 item 2), in lt/en/ru: the old and the new number in one
 * message, whose number without a number ("I typed his number wrong"), the locker to leave and the
 * one wanted in one message, the customer's own phone beside the proof, values given at another
 * prompt of the case, and values from earlier in the conversation confirmed instead of asked again —
 * never instead of the one-time code.
 */
import { SANDBOX_FIXTURES as F } from '../../services/carrier/sandbox/fixtures';
import { FindTrackingDialog, type FindTrackingOptions } from '../../dialogs/FindTrackingDialog';
import { FixPhoneDialog, type FixPhoneOptions } from '../../dialogs/FixPhoneDialog';
import { MainDialog } from '../../dialogs/MainDialog';
import { ReaddressDialog, type ReaddressOptions } from '../../dialogs/ReaddressDialog';
import type { Lang } from '../../services/i18n/langs';
import type { EscalationRequest, HandoffGateway } from '../../dialogs/deps';
import { hasMessage, texts, type Reply } from '../support/messages';
import type { ScriptLine } from '../support/scriptedRecognizer';
import { codeTo, dialogTable, type DialogCase, type DialogStep } from './dialogCases';
import { SLOT_LINES as SAY, type Lines } from './testData';

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
        name: 'the phone typed again at the code question: told it is no code (once, plainly), the code question again, then the code works',
        options: {},
        script: mainScript(lang),
        steps: [
          [S.allInOne(P.trackingNumber, '8 612 34567'), ['proof.code.sent']],
          [SAY[lang].myPhone('8 612 34567'), ['proof.code.phoneNotCode', 'proof.code.ask']],
          [codeTo(P.senderPhone), ['proof.code.proven', 'readdress.confirm']],
        ],
        result: 'waiting',
        check: ({ world, replies }) => {
          no(world, lang, replies[1], 'proof.code.notACode');
          no(world, lang, replies[1], 'invalid.phone.invalid');
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

dialogTable<FixPhoneOptions>(
  'A value for another slot at a prompt is kept (FixPhoneDialog)',
  (deps) => new FixPhoneDialog(deps),
  (L, lang): DialogCase<FixPhoneOptions>[] => [
    {
      name: 'the new number at the parcel-number prompt: kept (no "not a parcel number"), then not asked again',
      options: {},
      steps: [
        [L.fixPhone, ['ask.trackingNumber']],
        [SAY[lang].newAtPrompt(NEW), ['promptHelp.kept', 'ask.trackingNumber']],
        [IN.trackingNumber, ['proof.code.sent']],
        [codeTo(IN.senderPhone), ['fixPhone.whichNumber']],
        [L.recipientChoice, ['fixPhone.confirm']],
        [L.yes, ['fixPhone.doneSmsResent']],
      ],
      result: { status: 'done' },
      check: ({ world, replies }) => {
        no(world, lang, replies[1], 'invalid.tracking.bad_format');
        no(world, lang, replies[4], 'ask.newRecipientPhone');
        expect(world.carrier.parcels.get(IN.trackingNumber)?.recipientPhone).toBe(NEW_E164);
      },
    },
    {
      name: 'the wrong number itself at the "which number" prompt answers it (its masked form is the recipient\'s); the new number is still asked',
      options: { trackingNumber: IN.trackingNumber },
      steps: [
        [L.fixPhone, ['proof.code.sent']],
        [codeTo(IN.senderPhone), ['fixPhone.whichNumber']],
        [ON_FILE, ['ask.newRecipientPhone']],
      ],
      result: 'waiting',
    },
    {
      name: 'a number matching neither phone at the "which number" prompt: kept as the new one, the question asked again, then not asked for it',
      options: { trackingNumber: IN.trackingNumber },
      steps: [
        [L.fixPhone, ['proof.code.sent']],
        [codeTo(IN.senderPhone), ['fixPhone.whichNumber']],
        [NEW, ['promptHelp.kept', 'fixPhone.whichNumber']],
        [L.recipientChoice, ['fixPhone.confirm']],
      ],
      result: 'waiting',
      check: ({ world, replies }) => {
        no(world, lang, replies[2], 'invalid.choice.not_a_choice');
        expect(texts(replies[3])).toContain(NEW_E164);
      },
    },
  ],
);

dialogTable<ReaddressOptions>(
  'A value for another slot at a prompt is kept (ReaddressDialog)',
  (deps) => new ReaddressDialog(deps),
  (L, lang): DialogCase<ReaddressOptions>[] => [
    {
      name: 'the new locker at the parcel-number prompt: kept, and confirmed after the proof without asking',
      options: {},
      steps: [
        [L.readdress, ['ask.trackingNumber']],
        [SAY[lang].lockerAtPrompt, ['promptHelp.kept', 'ask.trackingNumber']],
        [P.trackingNumber, ['proof.code.sent']],
        [codeTo(P.senderPhone), ['readdress.confirm']],
      ],
      result: 'waiting',
      check: ({ world, replies }) => {
        no(world, lang, replies[1], 'invalid.tracking.bad_format');
        no(world, lang, replies[3], 'ask.newLocker');
        expect(texts(replies[3])).toMatch(/Mega/);
      },
    },
    {
      name: '"my phone" at the parcel-number prompt: kept; the code goes to the phone on file (said so), and a person taking over gets the phone',
      options: {},
      steps: [
        [L.readdress, ['ask.trackingNumber']],
        [SAY[lang].myPhone(UNKNOWN), ['promptHelp.kept', 'ask.trackingNumber']],
        [P.trackingNumber, ['proof.code.sentNotGiven']],
        [(w) => w.messages.t(lang, 'buttons.cannotReceiveCode'), ['proof.code.cannotReceive']],
      ],
      result: { status: 'escalate', reason: 'cannot_receive_code', fields: { trackingNumber: P.trackingNumber, contactPhone: '+37069999999' } },
      check: ({ world }) => expect(() => world.lastCode('+37069999999')).toThrow(),
    },
    {
      name: 'the customer\'s phone at the new-locker prompt, after the proof: never "noted" (nothing would use it), not offered as a locker, the question again',
      options: { trackingNumber: P.trackingNumber },
      steps: [
        [L.readdress, ['proof.code.sent']],
        [codeTo(P.senderPhone), ['ask.newLocker']],
        [SAY[lang].myPhone(NEW), ['ask.newLocker']],
        ['Panorama Vilnius', ['readdress.confirm']],
      ],
      result: 'waiting',
      check: ({ world, replies }) => {
        no(world, lang, replies[2], 'promptHelp.kept');
        no(world, lang, replies[2], 'lockers.pick');
      },
    },
    {
      name: 'a phone at the new-locker prompt is not taken as a locker, and a yes/no never keeps a value',
      options: { trackingNumber: P.trackingNumber, lockerQuery: 'Panorama Vilnius' },
      steps: [
        [L.readdress, ['proof.code.sent']],
        [codeTo(P.senderPhone), ['readdress.confirm']],
        [SAY[lang].myPhone(NEW), ['invalid.yesNo.not_a_choice', 'readdress.confirm']],
      ],
      result: 'waiting',
      check: ({ world, replies }) => no(world, lang, replies[2], 'promptHelp.kept'),
    },
  ],
);

dialogTable<FindTrackingOptions>(
  'A value for another slot at a prompt is kept (FindTrackingDialog)',
  (deps) => new FindTrackingDialog(deps),
  (L, lang): DialogCase<FindTrackingOptions>[] => [
    {
      name: 'the locker at the sender-phone prompt: kept, and offered after the phones without asking',
      options: {},
      steps: [
        [L.findTracking, ['ask.senderPhone']],
        ['Panorama Vilnius', ['promptHelp.kept', 'ask.senderPhone']],
        [F.sharedLookup.senderPhone, ['proof.code.sentPhone']],
        [codeTo(F.sharedLookup.senderPhone), ['ask.recipientPhone']],
        [F.sharedLookup.recipientPhone, ['lockers.confirmOne']],
        [L.yes, ['findTracking.found']],
      ],
      result: { status: 'done' },
      check: ({ world, replies }) => {
        no(world, lang, replies[1], 'invalid.phone.invalid');
        no(world, lang, replies[4], 'ask.destinationLocker');
      },
    },
  ],
);

/** A readdress proven (the sender's phone now proven in the conversation), then cancelled. */
const provenThenCancelled = (L: Lines): DialogStep[] => [
  [L.readdress, ['ask.trackingNumber']],
  [P.trackingNumber, ['proof.code.sent']],
  [codeTo(P.senderPhone), ['ask.newLocker']],
  [L.cancel, ['main.cancelled']],
];

function earlierScript(L: Lines): ScriptLine[] {
  return [
    [L.readdress, ['readdress', 0.95]],
    [L.track, ['track', 0.95]],
    [L.findTracking, ['find_tracking', 0.95]],
    [L.trackPrefilled(P.trackingNumber), ['track', 0.95]],
  ];
}

dialogTable<object>(
  'Values from earlier in the conversation are confirmed, never a proof (MainDialog)',
  (deps) => new MainDialog(deps),
  (L, lang): DialogCase<object>[] => [
    {
      name: 'a parcel number from an earlier case is offered as "Is it CE…?"; yes still needs the one-time code',
      options: {},
      script: earlierScript(L),
      steps: [
        [L.trackPrefilled(P.trackingNumber), ['track.status.in_transit']],
        [L.readdress, ['recall.trackingNumber']],
        [L.yes, ['proof.code.sent']],
        [codeTo(P.senderPhone), ['proof.code.proven', 'ask.newLocker']],
      ],
      result: 'waiting',
      check: ({ world, replies }) => {
        expect(texts(replies[1])).toContain(P.trackingNumber);
        expect(replies[1].find((r) => r.buttons.length)?.buttons).toEqual([world.messages.t(lang, 'buttons.yes'), world.messages.t(lang, 'buttons.no')]);
        no(world, lang, replies[1], 'ask.trackingNumber');
        no(world, lang, replies[2], 'ask.newLocker');
      },
    },
    {
      name: '"no" to "Is it CE…?" asks for the number; another number written instead is taken',
      options: {},
      script: earlierScript(L),
      steps: [
        [L.trackPrefilled(P.trackingNumber), ['track.status.in_transit']],
        [L.track, ['recall.trackingNumber']],
        [L.no, ['ask.trackingNumberTrack']],
        [IN.trackingNumber, ['track.status.in_locker']],
        [L.track, ['recall.trackingNumber']],
        [F.delivered.trackingNumber, ['track.status.delivered']],
      ],
      result: undefined,
      check: ({ replies }) => expect(texts(replies[4])).toContain(IN.trackingNumber),
    },
    {
      name: 'a second change of the same parcel: the number is confirmed, the proof is asked again',
      options: {},
      script: earlierScript(L),
      steps: [
        [L.readdress, ['ask.trackingNumber']],
        [F.readdressableNow.trackingNumber, ['proof.code.sent']],
        [codeTo(F.readdressableNow.senderPhone), ['ask.newLocker']],
        ['Akropolis Klaipėda', ['readdress.confirm']],
        [L.yes, ['readdress.done']],
        [L.readdress, ['recall.trackingNumber']],
        [L.yes, ['proof.code.sent']],
      ],
      result: 'waiting',
      check: ({ world, replies }) => no(world, lang, replies[6], 'ask.newLocker'),
    },
    {
      name: 'the sender phone proven earlier is offered masked at the lost-number question; yes sends a code to it',
      options: {},
      script: earlierScript(L),
      steps: [
        ...provenThenCancelled(L),
        [L.findTracking, ['findTracking.intro', 'recall.senderPhone']],
        [L.yes, ['proof.code.sentPhone']],
        [codeTo(P.senderPhone), ['proof.code.proven', 'ask.recipientPhone']],
      ],
      result: 'waiting',
      check: ({ replies }) => {
        expect(texts(replies[4])).toContain('+370 6** **567');
        expect(texts(replies[4])).not.toContain(P.senderPhone);
      },
    },
  ],
);

const escalations: EscalationRequest[] = [];
const recordingHandoff = (): HandoffGateway => ({
  escalate: async (request) => {
    escalations.push(request);
    return { kind: 'unavailable' };
  },
});
beforeEach(() => void escalations.splice(0));

dialogTable<object>(
  'Values from earlier in the conversation, at a hand-off (MainDialog)',
  (deps) => new MainDialog(deps),
  (L, lang): DialogCase<object>[] => [
    {
      name: 'the parcel number and the proven phone from an earlier case are offered to the person, and go with the case on "yes"',
      options: {},
      script: [...earlierScript(L), [L.agent, ['agent', 0.95]]],
      steps: [
        ...provenThenCancelled(L),
        [L.agent, ['escalate.intro.agent_requested', 'recall.trackingNumber']],
        [L.yes, ['escalate.askDescription']],
        [L.description, ['recall.contactPhone']],
        [L.yes, ['escalate.noHandoff']],
      ],
      result: undefined,
      check: ({ replies }) => {
        expect(texts(replies[6])).toContain('+370 6** **567');
        expect(texts(replies[6])).not.toContain(P.senderPhone);
        expect(escalations).toHaveLength(1);
        expect(escalations[0].fields).toMatchObject({ trackingNumber: P.trackingNumber, contactPhone: P.senderPhone });
      },
    },
    {
      name: '"no" to the earlier phone asks for one; "skip" still skips it',
      options: {},
      script: [...earlierScript(L), [L.agent, ['agent', 0.95]]],
      steps: [
        ...provenThenCancelled(L),
        [L.agent, ['recall.trackingNumber']],
        [L.no, ['escalate.askTracking']],
        [L.skip, ['escalate.askDescription']],
        [L.description, ['recall.contactPhone']],
        [L.no, ['escalate.askPhone']],
        [L.skip, ['escalate.noHandoff']],
      ],
      result: undefined,
      check: () => {
        expect(escalations[0].fields.contactPhone).toBeUndefined();
        expect(escalations[0].fields.trackingNumber).toBeUndefined();
      },
    },
  ],
  { handoff: recordingHandoff },
);

dialogTable<FixPhoneOptions>(
  'A value kept for another slot is kept once: the prompt still ends (FixPhoneDialog)',
  (deps) => new FixPhoneDialog(deps),
  (L, lang): DialogCase<FixPhoneOptions>[] => {
    const S = SAY[lang];
    return [
      {
        name: 'the new number typed again and again at the parcel-number prompt: "noted" once, then failures, then a person is offered',
        options: {},
        steps: [
          [L.fixPhone, ['ask.trackingNumber']],
          [S.newAtPrompt(NEW), ['promptHelp.kept', 'ask.trackingNumber']],
          [S.newAtPrompt(NEW), ['ask.trackingNumber']],
          [S.newAtPrompt(NEW), ['ask.trackingNumber']],
          [S.newAtPrompt(NEW), []],
        ],
        result: { status: 'offer_person', reason: 'too_many_attempts', fields: {} },
        check: ({ world, replies }) => {
          for (const r of replies.slice(2)) no(world, lang, r, 'promptHelp.kept');
        },
      },
      {
        name: 'a bare number (no "new") at the parcel-number prompt before the proof: never "noted" (nothing would use it), failures, then a person',
        options: {},
        steps: [
          [L.fixPhone, ['ask.trackingNumber']],
          [NEW, ['ask.trackingNumber']],
          [NEW, ['ask.trackingNumber']],
          [NEW, []],
        ],
        result: { status: 'offer_person', reason: 'too_many_attempts', fields: {} },
        check: ({ world, replies }) => {
          for (const r of replies) no(world, lang, r, 'promptHelp.kept');
        },
      },
      {
        name: 'the sender\'s own number said at the code question is neither the role nor the new number',
        options: { trackingNumber: IN.trackingNumber },
        steps: [
          [L.fixPhone, ['proof.code.sent']],
          [S.senderAtCode(UNKNOWN), []],
          [codeTo(IN.senderPhone), ['fixPhone.whichNumber']],
          [L.recipientChoice, ['ask.newRecipientPhone']],
          [NEW, ['fixPhone.confirm']],
        ],
        result: 'waiting',
        check: ({ replies }) => {
          expect(texts(replies[4])).toContain(NEW_E164);
          expect(texts(replies[4])).not.toContain('+37069999999');
        },
      },
    ];
  },
);

dialogTable<ReaddressOptions>(
  'Questions come before kept values, and "from" cues only before a locker (ReaddressDialog)',
  (deps) => new ReaddressDialog(deps),
  (L, lang): DialogCase<ReaddressOptions>[] => {
    const S = SAY[lang];
    return [
      {
        name: '"I don\'t have the parcel number, where do I find it? my phone is …": the prompt\'s help, not "noted"',
        options: {},
        steps: [
          [L.readdress, ['ask.trackingNumber']],
          [S.questionWithPhone(UNKNOWN), ['promptHelp.tracking.missing', 'ask.trackingNumber']],
        ],
        result: 'waiting',
        check: ({ world, replies }) => no(world, lang, replies[1], 'promptHelp.kept'),
      },
      {
        name: '"no/not sure/don\'t know, Panorama Vilnius" at the new-locker prompt: Panorama is the one wanted, never "already going there"',
        options: { trackingNumber: P.trackingNumber },
        steps: [
          [L.readdress, ['proof.code.sent']],
          [codeTo(P.senderPhone), ['ask.newLocker']],
          [S.notSurePanorama, ['readdress.confirm']],
        ],
        result: 'waiting',
        check: ({ world, replies }) => {
          expect(texts(replies[2])).toMatch(/Panorama/);
          no(world, lang, replies[2], 'lockers.onlyCurrent');
        },
      },
      {
        name: 'a locker to leave asked for by name afterwards is offered; "already going there" only for the real destination',
        options: { trackingNumber: P.trackingNumber },
        steps: [
          [L.readdress, ['proof.code.sent']],
          [codeTo(P.senderPhone), ['ask.newLocker']],
          [S.notOzas, ['lockers.pick']],
          ['Ozas', ['readdress.confirm']],
        ],
        result: 'waiting',
        check: ({ world, replies }) => {
          expect(texts(replies[3])).toMatch(/Ozas/);
          no(world, lang, replies[3], 'lockers.onlyCurrent');
        },
      },
      {
        name: 'the locker to leave and the one wanted at the prompt are read once, from the recognition (not searched again by the picker)',
        options: { trackingNumber: P.trackingNumber },
        steps: [
          [L.readdress, ['proof.code.sent']],
          [codeTo(P.senderPhone), ['ask.newLocker']],
          [
            (w) => {
              resolved.splice(0);
              const original = w.lockers.extractMentions.bind(w.lockers);
              jest.spyOn(w.lockers, 'extractMentions').mockImplementation((t, limit) => {
                resolved.push(t);
                return original(t, limit);
              });
              return S.fromToAtPrompt;
            },
            ['readdress.confirm'],
          ],
        ],
        result: 'waiting',
        check: ({ replies }) => {
          expect(texts(replies[2])).toMatch(/Mega/);
          // The whole answer once, and each part (the locker to leave, the one wanted) once.
          expect(resolved.filter((t) => t === S.fromToAtPrompt)).toHaveLength(1);
          expect(new Set(resolved).size).toBe(resolved.length);
        },
      },
    ];
  },
);
const resolved: string[] = [];
afterEach(() => jest.restoreAllMocks());

dialogTable<object>(
  '"Yes, it is <another number>" to "Is it CE…?" (MainDialog)',
  (deps) => new MainDialog(deps),
  (L, lang): DialogCase<object>[] => [
    {
      name: 'the number written in the answer is taken, not the recalled one',
      options: {},
      script: earlierScript(L),
      steps: [
        [L.trackPrefilled(P.trackingNumber), ['track.status.in_transit']],
        [L.readdress, ['recall.trackingNumber']],
        [SAY[lang].yesItIs(F.readdressableNow.trackingNumber), ['proof.code.sent']],
        [codeTo(F.readdressableNow.senderPhone), ['proof.code.proven', 'ask.newLocker']],
      ],
      result: 'waiting',
      check: ({ replies }) => expect(texts(replies[3])).not.toContain(P.trackingNumber),
    },
    {
      name: 'a number in the answer that the carrier does not know is a failed answer, never the recalled one',
      options: {},
      script: earlierScript(L),
      steps: [
        [L.trackPrefilled(P.trackingNumber), ['track.status.in_transit']],
        [L.readdress, ['recall.trackingNumber']],
        // Not found, and asked again: no code is sent for the recalled parcel.
        [SAY[lang].yesItIs('CE000000005LT'), ['invalid.tracking.not_found', 'ask.trackingNumber']],
      ],
      result: 'waiting',
    },
  ],
);
