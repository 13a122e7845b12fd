/**
 * Locker descriptions for messages: one line with name, address and opening hours, in the
 * customer's language.
 */
import type { Locker, OpeningHours } from '../carrier/types';
import type { Lang } from './langs';
import type { Messages } from './messages';

const DAYS = ['1', '2', '3', '4', '5', '6', '7'] as const;

/** "24/7", or grouped days: "I–V 08:00–22:00, VI–VII 09:00–21:00". */
export function formatHours(messages: Messages, lang: Lang, hours: OpeningHours): string {
  if (hours.allDay || !hours.week) return messages.t(lang, 'lockers.allDay');
  const dayNames = messages.list(lang, 'lockers.dayNames');
  const groups: { from: number; to: number; value: string | null }[] = [];
  DAYS.forEach((d, i) => {
    const value = hours.week![d] ?? null;
    const last = groups[groups.length - 1];
    if (last && last.value === value && last.to === i - 1) last.to = i;
    else groups.push({ from: i, to: i, value });
  });
  return groups
    .filter((g) => g.value)
    .map((g) => {
      const days = g.from === g.to ? dayNames[g.from] : `${dayNames[g.from]}–${dayNames[g.to]}`;
      return `${days} ${g.value!.replace('-', '–')}`;
    })
    .join(', ');
}

/** "Akropolis Klaipėda paštomatas — Taikos pr. 61, Klaipėda (24/7)". */
export function describeLocker(messages: Messages, lang: Lang, locker: Locker): string {
  return messages.t(lang, 'lockers.line', {
    name: locker.name,
    address: locker.address,
    city: locker.city,
    hours: formatHours(messages, lang, locker.hours),
  });
}
