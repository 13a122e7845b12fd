/**
 * Rich replies for channels that render cards (Web Chat / Direct Line, Emulator, Teams, and
 * Facebook through the rendering middleware): lockers as a carousel of hero cards with address and
 * opening hours, the parcel timeline as an Adaptive Card. Every card carries the same information
 * as text, so plain channels lose nothing.
 */
import { ActionTypes, AttachmentLayoutTypes, CardFactory, MessageFactory, type Activity, type Attachment, type CardAction } from 'botbuilder';
import type { Locker } from '../services/carrier/types';
import type { Messages } from '../services/i18n/messages';
import { formatHours } from '../services/i18n/lockerText';
import type { Lang } from '../services/i18n/langs';
import type { Button } from './turn';

const CARD_CHANNELS = new Set(['directline', 'webchat', 'emulator', 'msteams', 'facebook']);

export function supportsCards(channelId: string | undefined): boolean {
  return !!channelId && CARD_CHANNELS.has(channelId);
}

const imBack = (b: Button): CardAction => ({ type: ActionTypes.ImBack, title: b.title, value: b.value ?? b.title });

/** One hero card per locker (name, address, hours, a "choose" button sending its name). */
export function lockerCarousel(messages: Messages, lang: Lang, text: string, lockers: Locker[], buttons: Button[]): Partial<Activity> {
  const cards: Attachment[] = lockers.map((l) =>
    CardFactory.heroCard(l.name, formatHours(messages, lang, l.hours), undefined, [imBack({ title: messages.t(lang, 'buttons.choose'), value: l.name })], {
      subtitle: `${l.address}, ${l.city}`,
    }),
  );
  const activity = MessageFactory.carousel(cards, text);
  activity.attachmentLayout = AttachmentLayoutTypes.Carousel;
  if (buttons.length) activity.suggestedActions = { actions: buttons.map(imBack), to: [] };
  return activity;
}

export interface TimelineRow {
  at: string;
  status: string;
  location?: string;
}

/** The parcel's history as an Adaptive Card with a fact list; `fallback` is the same as text. */
export function timelineCard(title: string, rows: TimelineRow[], fallback: string): Attachment {
  return CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.3',
    fallbackText: fallback,
    speak: fallback,
    body: [
      { type: 'TextBlock', text: title, weight: 'Bolder', wrap: true },
      {
        type: 'FactSet',
        facts: rows.map((r) => ({ title: r.at, value: r.location ? `${r.status} — ${r.location}` : r.status })),
      },
    ],
  });
}
