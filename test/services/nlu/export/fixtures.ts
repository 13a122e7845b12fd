import type { TrainingExample } from '../../../../services/nlu/trainingData';

/** A few examples per language, including a tracking number and the `none` intent. */
export const EXAMPLES: TrainingExample[] = [
  { lang: 'lt', intent: 'readdress', text: 'noriu pakeisti paštomatą' },
  { lang: 'lt', intent: 'readdress', text: 'peradresuokite siuntą CE 482 139 075 LT į kitą paštomatą' },
  { lang: 'lt', intent: 'readdress', text: 'ar galima siuntą nukreipti kitur' },
  { lang: 'lt', intent: 'track', text: 'kur mano siunta 12345678901234' },
  { lang: 'lt', intent: 'none', text: 'koks šiandien oras' },
  { lang: 'en', intent: 'fix_phone', text: 'I gave the wrong phone number' },
  { lang: 'en', intent: 'greet', text: 'hello' },
  { lang: 'ru', intent: 'agent', text: 'соедините с оператором' },
];
