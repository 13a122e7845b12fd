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
        [L.lockerQuery, ['lockers.pick']],
        ['1', []],
      ],
      result: F.lockers.panorama,
      check: ({ replies }) => expect(replies[1].find((r) => r.buttons.length)?.buttons[0]).toMatch(/Panorama/),
    },
    {
      name: 'a locker named in the first message skips the question',
      options: { questionKey: 'ask.newLocker', query: 'Akropolis Klaipėda' },
      steps: [
        ['start', ['lockers.pick']],
        [lockerName(F.lockers.akropolisKlaipeda), []],
      ],
      result: F.lockers.akropolisKlaipeda,
    },
    {
      name: '"none of these" searches again; a new query at the pick question too',
      options: { questionKey: 'ask.newLocker', query: 'Panorama' },
      steps: [
        ['start', ['lockers.pick']],
        [(w) => w.messages.t(lang, 'buttons.noneOfThese'), ['ask.lockerAgain']],
        ['Akropolis Kaunas', ['lockers.pick']],
        ['Mega Kaunas', ['lockers.pick']],
        [lockerName(F.lockers.mega), []],
      ],
      result: F.lockers.mega,
    },
    {
      name: 'after as many searches as prompt attempts it stops and the case offers a person',
      options: { questionKey: 'ask.newLocker', query: 'Panorama' },
      steps: [
        ['start', ['lockers.pick']],
        ['Ozas', ['lockers.pick']],
        ['Europa', ['lockers.pick']],
        ['Mega Kaunas', []],
      ],
      result: { exit: { status: 'offer_person', reason: 'too_many_attempts', fields: {} } },
    },
    {
      name: 'on card channels the candidates come as a carousel with address and hours',
      options: { questionKey: 'ask.newLocker', query: 'Panorama' },
      channelId: 'directline',
      steps: [['start', []]],
      result: 'waiting',
      check: ({ world, replies }) => {
        const carousel = replies[0].find((r) => (r.activity.attachments ?? []).length);
        expect(carousel?.activity.attachmentLayout).toBe('carousel');
        expect(JSON.stringify(carousel?.activity.attachments?.[0].content)).toMatch(/Saltoniškių g\. 9, Vilnius/);
        expect(carousel?.buttons).toContain(world.messages.t(lang, 'buttons.noneOfThese'));
        expect(hasMessage(world.messages, lang, replies[0], 'lockers.pickCards')).toBe(true);
      },
    },
  ],
);
