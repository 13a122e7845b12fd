/**
 * Where is my parcel: parcel number → status and timeline in the customer's language. Open to
 * anyone with the number, like a public tracker, so it shows no phone (not even masked), no name and
 * no address: the destination locker by its name only. Lookups count against the per-client limit
 * (`PARCEL_LOOKUPS_PER_CLIENT_PER_HOUR`, see `loadParcel`); past it the customer is told calmly to
 * try later. Delays of up to `delayEscalateWorkingDays` working days are normal at peak time;
 * beyond that the bot offers a person.
 */
import type { DialogTurnResult } from 'botbuilder-dialogs';
import type { ParcelStatus, ParcelView } from '../services/carrier/types';
import { formatDate, formatShortDateTime } from '../services/i18n/format';
import { CaseDialog, type CaseValues, type Step } from './CaseDialog';
import { caseRef } from './childRef';
import type { DialogDeps } from './deps';
import { TRACK_DIALOG } from './ids';
import type { SlotAnswer } from './prompts/SlotPrompt';
import { LOOKUP_LIMIT, PARCEL_PROMPT, YES_NO_PROMPT, type YesNo } from './prompts/slots';
import type { CaseResult } from './results';
import { timelineCard, supportsCards } from './cards';
import { askParcel } from './askParcel';

export interface TrackOptions {
  trackingNumber?: string;
}

/** The where-is-my-parcel case as the main dialog sees it. */
export const TRACK = caseRef<TrackOptions>(TRACK_DIALOG);

type S = Step<TrackOptions, CaseValues, CaseResult>;

const FINAL: ReadonlySet<ParcelStatus> = new Set(['delivered', 'returned', 'cancelled']);

export class TrackDialog extends CaseDialog<TrackOptions, CaseValues> {
  constructor(deps: DialogDeps) {
    super(TRACK_DIALOG, deps);
  }

  protected start(): CaseValues {
    return { fields: {} };
  }

  protected steps() {
    return [this.first(this.askParcel), this.after(PARCEL_PROMPT, this.report), this.after(YES_NO_PROMPT, this.afterOffer)];
  }

  private async askParcel(s: S): Promise<DialogTurnResult> {
    return askParcel(this.deps, s, s.options.trackingNumber, 'ask.trackingNumberTrack');
  }

  private async report(s: S, answer: SlotAnswer<ParcelView>): Promise<DialogTurnResult> {
    if (!answer.ok && answer.reason === LOOKUP_LIMIT) {
      await s.say('track.limit');
      return s.end({ status: 'done' });
    }
    if (!answer.ok) return s.giveUp(answer);
    const parcel = answer.value;
    s.values.fields.trackingNumber = parcel.trackingNumber;
    const lang = s.turn.lang;
    const tz = this.deps.calendar.timeZone;
    const m = this.deps.messages;
    const lockerText = this.deps.lockers.get(parcel.destinationLockerId)?.name ?? parcel.destinationLockerId;
    const rows = [...parcel.events]
      .sort((a, b) => a.at.localeCompare(b.at))
      .map((e) => ({ at: formatShortDateTime(lang, new Date(e.at), tz), status: m.t(lang, `status.${e.status}`), location: this.placeName(e.location) }));
    const timeline = rows.map((r) => m.t(lang, 'track.event', { ...r, location: r.location ?? '' }).trimEnd()).join('\n');
    await s.say(`track.status.${parcel.status}`, {
      trackingNumber: parcel.trackingNumber,
      locker: lockerText,
      deadline: parcel.pickupDeadline ? formatShortDateTime(lang, new Date(parcel.pickupDeadline), tz) : '',
      expected: formatDate(lang, new Date(`${parcel.expectedDelivery}T12:00:00Z`), tz),
    });
    if (timeline) {
      const text = m.t(lang, 'track.timeline', { timeline });
      if (supportsCards(s.context.activity.channelId)) {
        await s.context.sendActivity({ type: 'message', attachments: [timelineCard(m.t(lang, 'track.timelineTitle'), rows, text)] });
      } else {
        await s.context.sendActivity(text);
      }
    }

    if (FINAL.has(parcel.status) || parcel.status === 'in_locker') return s.end({ status: 'done' });
    // The promised calendar date itself (noon UTC is that date in every European time zone), so the
    // count is the carrier's: working days in (promised date, today]. End of day in UTC was already
    // the next day in Vilnius and lost one.
    const expected = new Date(`${parcel.expectedDelivery}T12:00:00Z`);
    const late = this.deps.calendar.workingDaysBetween(expected, this.deps.now());
    if (late <= 0) return s.end({ status: 'done' });
    const limit = this.deps.settings.delayEscalateWorkingDays;
    if (late <= limit) {
      await s.say('track.lateNormal', { count: late, limit });
      return s.end({ status: 'done' });
    }
    return s.ask(YES_NO_PROMPT, { questionKey: 'track.lateOffer', params: { count: late } });
  }

  /** Event locations are locker ids or terminal names; show lockers by name. */
  private placeName(location: string | undefined): string | undefined {
    if (!location) return undefined;
    return this.deps.lockers.get(location)?.name ?? location;
  }

  private async afterOffer(s: S, answer: SlotAnswer<YesNo>): Promise<DialogTurnResult> {
    if (answer.ok && answer.value === 'yes') {
      return s.end({ status: 'escalate', reason: 'late_parcel', fields: { trackingNumber: s.values.fields.trackingNumber } });
    }
    return s.end({ status: 'done' });
  }
}
