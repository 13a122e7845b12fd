/**
 * Where is my parcel: parcel number → status and timeline in the customer's language. Delays of
 * up to `delayEscalateWorkingDays` working days are normal at peak time; beyond that the bot offers
 * a person.
 */
import type { DialogTurnResult, WaterfallStep, WaterfallStepContext } from 'botbuilder-dialogs';
import { CaseDialog } from './CaseDialog';
import type { ParcelView } from '../services/carrier/types';
import { formatDate, formatShortDateTime } from '../services/i18n/format';
import { describeLocker } from '../services/i18n/lockerText';
import type { DialogDeps } from './deps';
import { TRACK_DIALOG } from './ids';
import type { SlotAnswer } from './prompts/SlotPrompt';
import { PARCEL_PROMPT, YES_NO_CHOICES, YES_NO_PROMPT, loadParcel } from './prompts/slots';
import type { CaseResult } from './results';
import { timelineCard, supportsCards } from './cards';
import { langOf, say } from './turn';

export interface TrackOptions {
  trackingNumber?: string;
}

interface Values {
  parcel?: ParcelView;
}

const FINAL = new Set(['delivered', 'returned', 'cancelled']);

export class TrackDialog extends CaseDialog<TrackOptions> {
  constructor(deps: DialogDeps) {
    super(TRACK_DIALOG, deps);
  }

  protected steps(): WaterfallStep<TrackOptions>[] {
    return [this.askParcel, this.report, this.afterOffer];
  }

  private async askParcel(step: WaterfallStepContext<TrackOptions>): Promise<DialogTurnResult> {
    const known = step.options.trackingNumber;
    if (known) {
      const outcome = await loadParcel(this.deps, step.context, known);
      if (outcome.ok) return step.next({ ok: true, value: outcome.value } satisfies SlotAnswer<ParcelView>);
      if (outcome.fatal) return step.next({ ok: false, reason: outcome.reason, fatal: true } satisfies SlotAnswer<ParcelView>);
      await say(step.context, this.deps.messages, `invalid.tracking.${outcome.reason}`, { trackingNumber: known });
    }
    return step.beginDialog(PARCEL_PROMPT, { questionKey: 'ask.trackingNumberTrack' });
  }

  private async report(step: WaterfallStepContext<TrackOptions>): Promise<DialogTurnResult> {
    const answer = step.result as SlotAnswer<ParcelView>;
    if (!answer.ok) {
      return step.endDialog({ status: 'escalate', reason: answer.fatal ? 'carrier_unavailable' : 'too_many_attempts', fields: {} } satisfies CaseResult);
    }
    const parcel = answer.value!;
    (step.values as Values).parcel = parcel;
    const lang = langOf(step.context);
    const tz = this.deps.calendar.timeZone;
    const m = this.deps.messages;
    const locker = this.deps.lockers.get(parcel.destinationLockerId);
    const lockerText = locker ? describeLocker(m, lang, locker) : parcel.destinationLockerId;
    const rows = [...parcel.events]
      .sort((a, b) => a.at.localeCompare(b.at))
      .map((e) => ({ at: formatShortDateTime(lang, new Date(e.at), tz), status: m.t(lang, `status.${e.status}`), location: this.placeName(e.location) }));
    const timeline = rows.map((r) => m.t(lang, 'track.event', { ...r, location: r.location ?? '' }).trimEnd()).join('\n');
    await say(step.context, m, `track.status.${parcel.status}`, {
      trackingNumber: parcel.trackingNumber,
      locker: lockerText,
      phone: parcel.recipientPhoneMasked,
      deadline: parcel.pickupDeadline ? formatShortDateTime(lang, new Date(parcel.pickupDeadline), tz) : '',
      expected: formatDate(lang, new Date(`${parcel.expectedDelivery}T12:00:00Z`), tz),
    });
    if (timeline) {
      const text = m.t(lang, 'track.timeline', { timeline });
      if (supportsCards(step.context.activity.channelId)) {
        await step.context.sendActivity({ type: 'message', attachments: [timelineCard(m.t(lang, 'track.timelineTitle'), rows, text)] });
      } else {
        await step.context.sendActivity(text);
      }
    }

    if (FINAL.has(parcel.status) || parcel.status === 'in_locker') return step.endDialog({ status: 'done' } satisfies CaseResult);
    const expected = new Date(`${parcel.expectedDelivery}T23:59:59Z`);
    const late = this.deps.calendar.workingDaysBetween(expected, this.deps.now());
    if (late <= 0) return step.endDialog({ status: 'done' } satisfies CaseResult);
    const limit = this.deps.settings.delayEscalateWorkingDays;
    if (late <= limit) {
      await say(step.context, m, 'track.lateNormal', { count: late, limit });
      return step.endDialog({ status: 'done' } satisfies CaseResult);
    }
    return step.beginDialog(YES_NO_PROMPT, { questionKey: 'track.lateOffer', params: { count: late }, choices: YES_NO_CHOICES });
  }

  /** Event locations are locker ids or terminal names; show lockers by name. */
  private placeName(location: string | undefined): string | undefined {
    if (!location) return undefined;
    return this.deps.lockers.get(location)?.name ?? location;
  }

  private async afterOffer(step: WaterfallStepContext<TrackOptions>): Promise<DialogTurnResult> {
    const answer = step.result as SlotAnswer<string>;
    const parcel = (step.values as Values).parcel!;
    if (answer.ok && answer.value === 'yes') {
      return step.endDialog({ status: 'escalate', reason: 'late_parcel', fields: { trackingNumber: parcel.trackingNumber } } satisfies CaseResult);
    }
    return step.endDialog({ status: 'done' } satisfies CaseResult);
  }
}
