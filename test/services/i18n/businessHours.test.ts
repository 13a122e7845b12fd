import { formatBusinessHours } from '../../../services/i18n/businessHours';
import { createMessages } from '../../../services/i18n/messages';
import { loadConfig } from '../../../services/config';

const messages = createMessages();

test.each([
  ['1-5 08:00-19:00', 'lt', 'I–V 08:00–19:00'],
  ['1-5 08:00-19:00', 'en', 'Mon–Fri 08:00–19:00'],
  ['1-5 08:00-19:00', 'ru', 'Пн–Пт 08:00–19:00'],
  ['6-7 10:15-14:00', 'en', 'Sat–Sun 10:15–14:00'],
  ['3-3 09:00-12:00', 'lt', 'III 09:00–12:00'],
] as const)('BUSINESS_HOURS %s in %s reads "%s"', (hours, lang, expected) => {
  expect(formatBusinessHours(messages, lang, loadConfig({ BUSINESS_HOURS: hours }).business)).toBe(expected);
});

test('days that are not consecutive are listed apart', () => {
  expect(formatBusinessHours(messages, 'en', { days: [1, 3, 4], openMinute: 480, closeMinute: 1140 })).toBe('Mon, Wed–Thu 08:00–19:00');
});
