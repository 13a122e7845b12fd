/**
 * LockerPickerDialog on its own, in lt/en/ru: it ends with the chosen locker id, or with an exit
 * after too many searches. Buttons, numbers, names, "none of these", a new query at the pick.
 */
import { SANDBOX_FIXTURES as F } from '../../services/carrier/sandbox/fixtures';
import { LockerPickerDialog, type LockerPickerOptions } from '../../dialogs/LockerPickerDialog';
import { hasMessage } from '../support/messages';
import { dialogTable, lockerName, type DialogCase } from './dialogCases';

dialogTable<LockerPickerOptions>(
  'LockerPickerDialog',
  (deps) => new LockerPickerDialog(deps),
  (L, lang): DialogCase<LockerPickerOptions>[] => [
    {
      name: 'free text → numbered list → the number picks the locker',
      options: { questionKey: 'ask.newLocker' },
      steps: [
        ['start', ['ask.newLocker']],
        ['Kaunas', ['lockers.pick']],
        ['1', []],
      ],
      result: F.lockers.akropolisKaunas,
      check: ({ replies }) => expect(replies[1].find((r) => r.buttons.length)?.buttons[0]).toMatch(/Akropolis Kaunas/),
    },
    {
      name: 'one match is confirmed directly: yes → chosen',
      options: { questionKey: 'ask.newLocker' },
      steps: [
        ['start', ['ask.newLocker']],
        [L.lockerQuery, ['lockers.confirmOne']],
        [L.yes, []],
      ],
      result: F.lockers.panorama,
      check: ({ world, replies }) => expect(hasMessage(world.messages, lang, replies[1], 'lockers.pick')).toBe(false),
    },
    {
      name: 'one match, but no: the question again',
      options: { questionKey: 'ask.newLocker', query: 'Panorama' },
      steps: [
        ['start', ['lockers.confirmOne']],
        [L.no, ['ask.lockerAgain']],
      ],
      result: 'waiting',
    },
    {
      name: 'one match when the parent confirms itself: chosen at once',
      options: { questionKey: 'ask.newLocker', query: 'Panorama', parentConfirms: true },
      steps: [['start', []]],
      result: F.lockers.panorama,
    },
    {
      name: 'a city said with the mall (inflected, no diacritics, Cyrillic) names one locker',
      options: { questionKey: 'ask.newLocker', parentConfirms: true },
      steps: [
        ['start', ['ask.newLocker']],
        [({ lt: 'akropolis klaipedoje', en: 'akropolis in klaipeda', ru: 'акрополис в клайпеде' } as const)[lang], []],
      ],
      result: F.lockers.akropolisKlaipeda,
    },
    {
      name: 'ordinal words pick from the list',
      options: { questionKey: 'ask.newLocker', query: 'Akropolis' },
      steps: [
        ['start', ['lockers.pick']],
        [({ lt: 'antrą', en: 'the second one', ru: 'второй' } as const)[lang], []],
      ],
      result: F.lockers.akropolisKlaipeda,
    },
    {
      name: '"первый" / "pirmą" / "first" picks the first',
      options: { questionKey: 'ask.newLocker', query: 'Akropolis' },
      steps: [
        ['start', ['lockers.pick']],
        [({ lt: 'pirmą', en: 'first', ru: 'первый' } as const)[lang], []],
      ],
      result: F.lockers.akropolisKaunas,
    },
    {
      name: 'a part of a shown name, misspelled, picks it',
      options: { questionKey: 'ask.newLocker', query: 'Akropolis' },
      steps: [
        ['start', ['lockers.pick']],
        ['siauliu akroplis', []],
      ],
      result: F.lockers.akropolisSiauliai,
    },
    {
      name: 'a refinement keeps the earlier context: "Akropolis" after Kaunas lockers is Akropolis Kaunas',
      options: { questionKey: 'ask.newLocker', query: 'Kaunas' },
      steps: [
        ['start', ['lockers.pick']],
        ['Akropolis', []],
      ],
      result: F.lockers.akropolisKaunas,
    },
    {
      name: 'a detail that singles one shown locker out: "in Kaunas" among the Akropolis lockers',
      options: { questionKey: 'ask.newLocker', query: 'Akropolis' },
      steps: [
        ['start', ['lockers.pick']],
        [({ lt: 'Kaune', en: 'in Kaunas', ru: 'в Каунасе' } as const)[lang], []],
      ],
      result: F.lockers.akropolisKaunas,
    },
    {
      name: 'a refinement by street: "near Ozo street" after Vilnius lockers',
      options: { questionKey: 'ask.newLocker', query: 'Vilnius' },
      steps: [
        ['start', ['lockers.pick']],
        [({ lt: 'prie Ozo gatvės', en: 'near Ozo street', ru: 'возле улицы Ozo' } as const)[lang], ['lockers.pick']],
      ],
      result: 'waiting',
      check: ({ replies }) => {
        const offered = replies[1].find((r) => r.buttons.length)?.buttons ?? [];
        expect(offered.filter((b) => b !== '' && !/^(None|Nė|Ни)/.test(b)).every((b) => /Ozas|Akropolis Vilnius/.test(b))).toBe(true);
      },
    },
    {
      name: 'another place is a new search, not a refinement',
      options: { questionKey: 'ask.newLocker', query: 'Kaunas' },
      steps: [
        ['start', ['lockers.pick']],
        ['Panorama Vilnius', ['lockers.confirmOne']],
        [L.yes, []],
      ],
      result: F.lockers.panorama,
    },
    {
      name: 'excluded lockers are never offered; naming only them says so',
      options: { questionKey: 'ask.newLocker', query: 'Akropolis', exclude: [F.lockers.akropolisVilnius] },
      steps: [
        ['start', ['lockers.pick']],
        ['Akropolis Vilnius', ['lockers.onlyCurrent', 'ask.lockerAgain']],
      ],
      result: 'waiting',
      check: ({ replies }) => expect((replies[0].find((r) => r.buttons.length)?.buttons ?? []).some((b) => /Akropolis Vilnius/.test(b))).toBe(false),
    },
    {
      name: 'a locker named in the first message skips the question',
      options: { questionKey: 'ask.newLocker', query: 'Akropolis' },
      steps: [
        ['start', ['lockers.pick']],
        [lockerName(F.lockers.akropolisKlaipeda), []],
      ],
      result: F.lockers.akropolisKlaipeda,
    },
    {
      name: '"none of these" searches again; a new query at the pick question too',
      options: { questionKey: 'ask.newLocker', query: 'Akropolis' },
      steps: [
        ['start', ['lockers.pick']],
        [(w) => w.messages.t(lang, 'buttons.noneOfThese'), ['ask.lockerAgain']],
        ['Kaunas', ['lockers.pick']],
        [lockerName(F.lockers.mega), ['lockers.confirmOne']],
        [L.yes, []],
      ],
      result: F.lockers.mega,
    },
    {
      name: 'after as many searches as prompt attempts it stops and the case offers a person',
      options: { questionKey: 'ask.newLocker', query: 'Akropolis' },
      steps: [
        ['start', ['lockers.pick']],
        [(w) => w.messages.t(lang, 'buttons.noneOfThese'), ['ask.lockerAgain']],
        ['Vilnius', ['lockers.pick']],
        [(w) => w.messages.t(lang, 'buttons.noneOfThese'), ['ask.lockerAgain']],
        ['Kaunas', ['lockers.pick']],
        [(w) => w.messages.t(lang, 'buttons.noneOfThese'), []],
      ],
      result: { exit: { status: 'offer_person', reason: 'too_many_attempts', fields: {} } },
    },
    {
      name: 'on card channels the candidates come as a carousel with address and hours',
      options: { questionKey: 'ask.newLocker', query: 'Vilnius' },
      channelId: 'directline',
      steps: [['start', []]],
      result: 'waiting',
      check: ({ world, replies }) => {
        const carousel = replies[0].find((r) => (r.activity.attachments ?? []).length);
        expect(carousel?.activity.attachmentLayout).toBe('carousel');
        expect(JSON.stringify(carousel?.activity.attachments)).toMatch(/Ozo g\. 25, Vilnius/);
        expect(carousel?.buttons).toContain(world.messages.t(lang, 'buttons.noneOfThese'));
        expect(hasMessage(world.messages, lang, replies[0], 'lockers.pickCards')).toBe(true);
      },
    },
  ],
);
