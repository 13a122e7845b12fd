/**
 * Changes of mind and questions at a slot prompt (issue #11 item 3), in lt/en/ru: a new request
 * switches (the parcel number travels with it), a question about the prompt is answered and the
 * question asked again, a value said inside a sentence is taken, "I want a person" still ends the
 * case, and "that doesn't look like…" is said once at most for something that is not an attempt.
 */
import { SANDBOX_FIXTURES as F } from '../../services/carrier/sandbox/fixtures';
import { FixPhoneDialog, type FixPhoneOptions } from '../../dialogs/FixPhoneDialog';
import { TrackDialog, type TrackOptions } from '../../dialogs/TrackDialog';
import { MainDialog } from '../../dialogs/MainDialog';
import type { Lang } from '../../services/i18n/langs';
import { texts } from '../support/messages';
import type { ScriptLine } from '../support/scriptedRecognizer';
import { codeTo, dialogTable, type DialogCase } from './dialogCases';

/** What a customer writes at a prompt instead of its value, per language. */
const AT_PROMPT: Record<Lang, { whyThat: string; whereIsIt: string; noNumber: string; whyPhone: string; found: (t: string) => string; notAValue: string; stillNot: string }> = {
  en: {
    whyThat: 'why do you need that?',
    whereIsIt: 'actually just tell me where it is',
    noNumber: "where do I find the parcel number? I don't have it",
    whyPhone: 'why do you need my phone?',
    found: (t) => `oh, found it! ${t}, where is it now?`,
    notAValue: 'hmm',
    stillNot: 'no idea really',
  },
  lt: {
    whyThat: 'o kam reikia to?',
    whereIsIt: 'o gal tiesiog pasakykit kur ji dabar',
    noNumber: 'kur rasti siuntos numerį? neturiu jo',
    whyPhone: 'o kam jums reikia mano telefono?',
    found: (t) => `radau! ${t}, kur ji dabar?`,
    notAValue: 'hmm',
    stillNot: 'nu nežinau',
  },
  ru: {
    whyThat: 'а зачем это?',
    whereIsIt: 'слушайте, просто скажите где она',
    noNumber: 'где найти номер посылки? у меня его нет',
    whyPhone: 'а зачем вам мой телефон?',
    found: (t) => `о, нашла! ${t}, где она сейчас?`,
    notAValue: 'хм',
    stillNot: 'понятия не имею',
  },
};

const scriptOf = (lang: Lang, extra: ScriptLine[] = []): ScriptLine[] => {
  const A = AT_PROMPT[lang];
  return [
    [A.whereIsIt, ['track', 0.92]],
    // The same request as the running case: a question about it, never a switch.
    [A.whyPhone, ['fix_phone', 0.88]],
    [/CE|\d{14}/, ['track', 0.93]],
    ...extra,
  ];
};

dialogTable<FixPhoneOptions>(
  'A change of mind at a prompt (FixPhoneDialog)',
  (deps) => new FixPhoneDialog(deps),
  (L, lang): DialogCase<FixPhoneOptions>[] => [
    {
      name: '"just tell me where it is" at the new-phone prompt: switches to tracking, keeping the parcel number',
      options: { trackingNumber: F.inLocker.trackingNumber },
      script: scriptOf(lang),
      steps: [
        [L.fixPhone, ['proof.code.sent']],
        [codeTo(F.inLocker.senderPhone), ['proof.code.proven', 'fixPhone.whichNumber']],
        [L.recipientChoice, ['ask.newRecipientPhone']],
        [AT_PROMPT[lang].whereIsIt, []],
      ],
      result: { status: 'start', intent: 'track', fields: expect.objectContaining({ trackingNumber: F.inLocker.trackingNumber }) },
      check: ({ world, lang: l, replies }) => expect(texts(replies[3])).not.toContain(world.messages.t(l, 'invalid.phone.invalid')),
    },
    {
      name: '"why do you need my phone?" is answered, the question asked again, then the number taken',
      options: { trackingNumber: F.inLocker.trackingNumber },
      script: scriptOf(lang),
      steps: [
        [L.fixPhone, ['proof.code.sent']],
        [codeTo(F.inLocker.senderPhone), ['proof.code.proven', 'fixPhone.whichNumber']],
        [L.recipientChoice, ['ask.newRecipientPhone']],
        [AT_PROMPT[lang].whyPhone, ['promptHelp.phone.why', 'ask.newRecipientPhone']],
        ['8 612 34000', ['fixPhone.confirm']],
      ],
      result: 'waiting',
    },
    {
      name: 'a question at the yes/no confirmation gets the general help and the confirmation again',
      options: { trackingNumber: F.inLocker.trackingNumber },
      script: scriptOf(lang),
      steps: [
        [L.fixPhone, ['proof.code.sent']],
        [codeTo(F.inLocker.senderPhone), ['proof.code.proven', 'fixPhone.whichNumber']],
        [L.recipientChoice, ['ask.newRecipientPhone']],
        ['8 612 34000', ['fixPhone.confirm']],
        [AT_PROMPT[lang].whyThat, ['promptHelp.generic', 'fixPhone.confirm']],
        [L.yes, ['fixPhone.doneSmsResent']],
      ],
      result: { status: 'done' },
    },
    {
      name: 'a mistyped parcel number said with another request is told why it was rejected, not switched',
      options: {},
      script: scriptOf(lang),
      steps: [
        [L.fixPhone, ['ask.trackingNumber']],
        [AT_PROMPT[lang].found('CE12345'), ['invalid.tracking.bad_format', 'ask.trackingNumber']],
      ],
      result: 'waiting',
    },
  ],
);

dialogTable<TrackOptions>(
  'Questions and values at the parcel-number prompt (TrackDialog)',
  (deps) => new TrackDialog(deps),
  (L, lang): DialogCase<TrackOptions>[] => [
    {
      name: '"where do I find the number? I don\'t have it": help, the lost-number flow offered, the question again; its button switches',
      options: {},
      script: scriptOf(lang, [[L.track, ['track', 0.95]]]),
      steps: [
        [L.track, ['ask.trackingNumberTrack']],
        [AT_PROMPT[lang].noNumber, ['promptHelp.tracking.missing', 'ask.trackingNumberTrack']],
        [(w) => w.messages.t(lang, 'menu.findTracking'), []],
      ],
      result: { status: 'start', intent: 'find_tracking', fields: {} },
      check: ({ world, lang: l, replies }) => {
        expect(texts(replies[1])).not.toContain(world.messages.t(l, 'invalid.tracking.bad_format'));
        expect(replies[1].some((r) => r.buttons.includes(world.messages.t(l, 'menu.findTracking')))).toBe(true);
      },
    },
    {
      name: '"oh, found it! CE…, where is it now?": the number inside the sentence is taken',
      options: {},
      script: scriptOf(lang, [[L.track, ['track', 0.95]]]),
      steps: [
        [L.track, ['ask.trackingNumberTrack']],
        [AT_PROMPT[lang].found(F.inLocker.trackingNumber), ['track.status.in_locker']],
      ],
      result: { status: 'done' },
    },
    {
      name: '"that doesn\'t look like a parcel number" once for something that is not an attempt; then "I still need…"',
      options: {},
      script: scriptOf(lang, [[L.track, ['track', 0.95]]]),
      steps: [
        [L.track, ['ask.trackingNumberTrack']],
        [AT_PROMPT[lang].notAValue, ['invalid.tracking.bad_format', 'ask.trackingNumberTrack']],
        [AT_PROMPT[lang].stillNot, ['promptHelp.stillNeeded', 'ask.trackingNumberTrack']],
      ],
      result: 'waiting',
      check: ({ world, lang: l, replies }) => expect(texts(replies[2])).not.toContain(world.messages.t(l, 'invalid.tracking.bad_format')),
    },
    {
      name: '"I want a person" at the prompt still ends the case with a hand-off',
      options: {},
      script: scriptOf(lang, [[L.track, ['track', 0.95]], [L.agent, ['agent', 0.95]]]),
      steps: [
        [L.track, ['ask.trackingNumberTrack']],
        [L.agent, []],
      ],
      result: { status: 'escalate', reason: 'agent_requested', fields: {} },
    },
  ],
);

dialogTable<object>(
  'A change of mind at a prompt, routed (MainDialog)',
  (deps) => new MainDialog(deps),
  (L, lang): DialogCase<object>[] => [
    {
      name: 'at the new-phone prompt "just tell me where it is" shows the status of the same parcel',
      options: {},
      script: scriptOf(lang, [[L.fixPhone, ['fix_phone', 0.95]]]),
      steps: [
        [L.fixPhone, ['ask.trackingNumber']],
        [F.inLocker.trackingNumber, ['proof.code.sent']],
        // "the recipient's number" was in the first message: not asked which number.
        [codeTo(F.inLocker.senderPhone), ['proof.code.proven', 'ask.newRecipientPhone']],
        [AT_PROMPT[lang].whereIsIt, ['track.status.in_locker']],
      ],
      result: undefined,
      check: ({ world, lang: l, replies }) => expect(texts(replies[3])).not.toContain(world.messages.t(l, 'ask.trackingNumberTrack')),
    },
    {
      name: 'cancel at a prompt still cancels',
      options: {},
      script: scriptOf(lang, [[L.track, ['track', 0.95]]]),
      steps: [
        [L.track, ['ask.trackingNumberTrack']],
        [L.cancel, ['main.cancelled']],
      ],
      result: undefined,
    },
  ],
);
