/**
 * TrackDialog on its own, in lt/en/ru: status and timeline (text or an Adaptive Card), delays
 * explained or a person offered, every tracking-number validation, the carrier down, giving up.
 */
import { CarrierError } from '../../services/carrier/types';
import { SANDBOX_FIXTURES as F } from '../../services/carrier/sandbox/fixtures';
import { makeS10 } from '../../services/carrier/s10';
import { TrackDialog, type TrackOptions } from '../../dialogs/TrackDialog';
import { texts } from '../support/messages';
import { dialogTable, type DialogCase } from './dialogCases';
import { carrierWith } from '../support/carrierWith';
import { DialogTestClient } from '../support/dialogTestClient';
import { vilniusDate, workingDaysBefore } from '../../services/carrier/sandbox/workingDays';

const DOWN = makeS10('CE', '00000001', 'LT');
/** A parcel promised exactly 6 working days ago (the carrier's count), over the 5-day limit. */
const SIX_LATE = makeS10('CE', '00000006', 'LT');

dialogTable<TrackOptions>(
  'TrackDialog',
  (deps) => new TrackDialog(deps),
  (L): DialogCase<TrackOptions>[] => [
    {
      name: 'a parcel in the locker: status and timeline; the pickup code never appears',
      options: { trackingNumber: F.inLocker.trackingNumber },
      steps: [[L.track, ['track.status.in_locker', 'track.timeline']]],
      result: { status: 'done' },
      check: ({ replies }) => expect(texts(replies[0])).not.toMatch(/\b(code|kodas|код)\b[^.]*\b\d{4,8}\b/i),
    },
    {
      name: 'a public lookup shows no phone (not even masked), no name and no street address',
      options: { trackingNumber: F.inLocker.trackingNumber },
      steps: [[L.track, ['track.status.in_locker']]],
      result: { status: 'done' },
      check: ({ world, replies }) => {
        const all = texts(replies[0]);
        const locker = world.lockers.get(F.inLocker.lockerId);
        expect(all).not.toMatch(/\+\d{3} \d\*/); // a masked phone
        expect(all).not.toMatch(/\+370|\b86\d{7}\b/);
        expect(locker && all.includes(locker.name)).toBe(true);
        expect(locker && all.includes(locker.address)).toBe(false);
      },
    },
    {
      name: 'lookups are limited per client: past the limit a calm "try later", the carrier not asked',
      options: {},
      world: { lookupsPerClientPerHour: 2 },
      steps: [
        [L.track, ['ask.trackingNumberTrack']],
        [makeS10('CE', '12345678', 'LT'), ['invalid.tracking.not_found']],
        [F.inLocker.trackingNumber, ['track.status.in_locker']],
        // The number from before is offered; typing it again is an answer too.
        [L.track, ['recall.trackingNumber']],
        [F.inLocker.trackingNumber, ['track.limit']],
      ],
      result: { status: 'done' },
      check: ({ world, lang, replies }) => expect(texts(replies[4])).not.toContain(world.messages.t(lang, 'status.in_locker')),
    },
    {
      name: 'the timeline as an Adaptive Card on a card channel',
      options: { trackingNumber: F.inLocker.trackingNumber },
      channelId: 'directline',
      steps: [[L.track, ['track.status.in_locker']]],
      result: { status: 'done' },
      check: ({ replies }) => {
        const card = replies[0].flatMap((r) => r.activity.attachments ?? []).find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive');
        expect(JSON.stringify(card?.content)).toMatch(/FactSet/);
      },
    },
    {
      name: 'more than 5 working days late: a person offered; yes → escalate with the parcel number',
      options: {},
      steps: [
        [L.track, ['ask.trackingNumberTrack']],
        [F.lateOver5.trackingNumber, ['track.lateOffer']],
        [L.yes, []],
      ],
      result: { status: 'escalate', reason: 'late_parcel', fields: { trackingNumber: F.lateOver5.trackingNumber } },
    },
    {
      name: 'more than 5 working days late, no person wanted: done',
      options: { trackingNumber: F.lateOver5.trackingNumber },
      steps: [
        [L.track, ['track.lateOffer']],
        [L.no, []],
      ],
      result: { status: 'done' },
    },
    {
      name: 'the delay is the carrier\'s own count of working days (2 late is 2, 8 late is 8)',
      options: { trackingNumber: F.lateShort.trackingNumber },
      steps: [[L.track, ['track.lateNormal']]],
      result: { status: 'done' },
      check: async ({ replies, world }) => {
        expect(texts(replies[0])).toMatch(new RegExp(`\\b${F.lateShort.lateWorkingDays}\\b`));
        const late = new DialogTestClient(new TrackDialog(world.deps), { trackingNumber: F.lateOver5.trackingNumber }, world, { lang: 'en' });
        expect(texts(await late.send('x'))).toMatch(new RegExp(`\\b${F.lateOver5.lateWorkingDays} working days\\b`));
      },
    },
    {
      name: '6 working days late by the carrier\'s count is over the limit: a person offered, not "normal"',
      options: { trackingNumber: SIX_LATE },
      steps: [[L.track, ['track.lateOffer']]],
      result: 'waiting',
      check: ({ replies }) => expect(texts(replies[0])).toMatch(/\b6\b/),
    },
    {
      name: 'a short delay is explained as normal at peak time',
      options: { trackingNumber: F.lateShort.trackingNumber },
      steps: [[L.track, ['track.lateNormal']]],
      result: { status: 'done' },
    },
    {
      name: 'every tracking-number validation gives its own reason',
      options: {},
      steps: [
        [L.track, ['ask.trackingNumberTrack']],
        ['ABC123', ['invalid.tracking.bad_format', 'ask.trackingNumberTrack']],
        ['CE482139076LT', ['invalid.tracking.bad_check_digit']],
      ],
      result: 'waiting',
    },
    {
      name: 'two numbers at once, and a number the carrier does not know',
      options: {},
      steps: [
        [L.track, ['ask.trackingNumberTrack']],
        [`${F.readdressable.trackingNumber} ${F.inLocker.trackingNumber}`, ['invalid.tracking.multiple']],
        [makeS10('CE', '99999999', 'LT'), ['invalid.tracking.not_found']],
      ],
      result: 'waiting',
    },
    {
      name: 'markup and SQL-looking text are just not a parcel number',
      options: {},
      steps: [
        [L.track, ['ask.trackingNumberTrack']],
        ['<script>alert(1)</script>', ['invalid.tracking.bad_format']],
        ["' OR '1'='1'; --", ['invalid.tracking.bad_format']],
      ],
      result: 'waiting',
      check: ({ replies }) => expect(texts(replies[1])).not.toContain('<script>'),
    },
    {
      name: 'three failed answers: a person is offered',
      options: {},
      steps: [
        [L.track, ['ask.trackingNumberTrack']],
        ['nežinau', ['invalid.tracking.bad_format']],
        ['123', ['invalid.tracking.bad_format']],
        ['???', ['promptHelp.stillNeeded']],
      ],
      result: { status: 'offer_person', reason: 'too_many_attempts', fields: {} },
    },
    {
      name: 'the carrier not answering: a person is offered at once',
      options: {},
      steps: [
        [L.track, ['ask.trackingNumberTrack']],
        [DOWN, []],
      ],
      result: { status: 'offer_person', reason: 'carrier_unavailable', fields: {} },
    },
  ],
  {
    carrier: (inner) =>
      carrierWith(inner, {
        getParcel: async (t) => {
          if (t === DOWN) throw new CarrierError('unavailable', 'test: carrier down');
          if (t === SIX_LATE) return { ...(await inner.getParcel(F.lateShort.trackingNumber)), trackingNumber: SIX_LATE, expectedDelivery: workingDaysBefore(vilniusDate(new Date()), 6) };
          return inner.getParcel(t);
        },
      }),
  },
);
