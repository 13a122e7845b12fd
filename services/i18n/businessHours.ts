/**
 * The agents' working hours as customers read them ("I–V 08:00–19:00", "Mon–Fri 08:00–19:00",
 * "Пн–Пт 08:00–19:00"), from the configured `BUSINESS_HOURS`, so no page or message hard-codes them.
 */
import type { Lang } from './langs';
import type { Messages } from './messages';

/** Open weekdays (ISO, 1 = Monday) and the daily opening and closing minute (config `business`). */
export interface BusinessHours {
  days: number[];
  openMinute: number;
  closeMinute: number;
}

const hhmm = (minute: number): string => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/** Groups consecutive days: [1,2,3,4,5] → "I–V 08:00–19:00"; [1,3] → "I, III 08:00–19:00". */
export function formatBusinessHours(messages: Messages, lang: Lang, hours: BusinessHours): string {
  const names = messages.list(lang, 'lockers.dayNames');
  const days = [...new Set(hours.days)].filter((d) => d >= 1 && d <= 7).sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < days.length; ) {
    let j = i;
    while (j + 1 < days.length && days[j + 1] === days[j] + 1) j++;
    runs.push(i === j ? names[days[i] - 1] : `${names[days[i] - 1]}–${names[days[j] - 1]}`);
    i = j + 1;
  }
  return `${runs.join(', ')} ${hhmm(hours.openMinute)}–${hhmm(hours.closeMinute)}`;
}
