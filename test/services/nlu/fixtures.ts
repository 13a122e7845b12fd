import type { TrainingExample } from '../../../services/nlu/trainingData';
import type { Intent } from '../../../services/nlu/types';
import type { Lang } from '../../../services/i18n/langs';

const RAW: Record<Lang, Partial<Record<Intent, string[]>>> = {
  lt: {
    readdress: ['noriu pakeisti paštomatą', 'pasirinkau ne tą paštomatą', 'peradresuoti siuntą į kitą paštomatą', 'perkelkite siuntą į Akropolio paštomatą'],
    fix_phone: ['nurodžiau neteisingą telefono numerį', 'pakeisti gavėjo telefoną', 'suklydau telefono numeryje', 'negavau sms kodo, nes blogas numeris'],
    find_tracking: ['pamečiau siuntos numerį', 'neturiu sekimo numerio', 'kaip sužinoti siuntos numerį', 'kur rasti sekimo kodą'],
    track: ['kur mano siunta', 'kada atvyks siuntinys', 'kur yra mano siunta CE482139075LT', 'siunta vis dar neatkeliavo'],
    locker_fault: ['paštomatas neatsidaro', 'durelės neatsidarė', 'paštomatas neveikia', 'ekranas užstrigo'],
    agent: ['noriu kalbėti su žmogumi', 'sujunkite su operatoriumi', 'reikia konsultanto', 'gyvas darbuotojas'],
    greet: ['labas', 'laba diena', 'sveiki', 'labas vakaras'],
    thanks: ['ačiū', 'labai ačiū', 'dėkoju', 'ačiū už pagalbą'],
    none: ['koks bus oras rytoj', 'parašyk eilėraštį', 'kiek kainuoja pica', 'ar mėgsti krepšinį'],
  },
  en: {
    readdress: ['I want to change the locker', 'I chose the wrong locker', 'redirect my parcel to another locker', 'send it to the Akropolis locker instead'],
    fix_phone: ['I entered the wrong phone number', 'change the recipient phone', 'typo in my phone number', 'no sms code because the number is wrong'],
    find_tracking: ['I lost my tracking number', 'I do not have the tracking number', 'how do I find my parcel number', 'where can I see the tracking code'],
    track: ['where is my parcel', 'when will my package arrive', 'where is CE482139075LT', 'my parcel still has not arrived'],
    locker_fault: ['the locker does not open', 'the door did not open', 'the locker is broken', 'the screen is frozen'],
    agent: ['I want to talk to a human', 'connect me to an operator', 'I need a real person', 'live agent please'],
    greet: ['hello', 'hi there', 'good morning', 'hey'],
    thanks: ['thanks', 'thank you very much', 'thanks for the help', 'much appreciated'],
    none: ['what is the weather tomorrow', 'write me a poem', 'how much is a pizza', 'do you like basketball'],
  },
  ru: {
    readdress: ['хочу поменять постомат', 'выбрал не тот постомат', 'перенаправить посылку в другой постомат', 'отправьте в постомат Акрополис'],
    fix_phone: ['указал неправильный номер телефона', 'изменить телефон получателя', 'ошибка в номере телефона', 'не пришел смс код, номер неверный'],
    find_tracking: ['потерял номер отслеживания', 'нет номера посылки', 'как узнать номер посылки', 'где найти трек номер'],
    track: ['где моя посылка', 'когда придет посылка', 'где посылка CE482139075LT', 'посылка до сих пор не пришла'],
    locker_fault: ['постомат не открывается', 'дверца не открылась', 'постомат сломан', 'экран завис'],
    agent: ['хочу поговорить с человеком', 'соедините с оператором', 'нужен живой человек', 'позовите консультанта'],
    greet: ['привет', 'здравствуйте', 'добрый день', 'доброе утро'],
    thanks: ['спасибо', 'большое спасибо', 'благодарю', 'спасибо за помощь'],
    none: ['какая завтра погода', 'напиши стихотворение', 'сколько стоит пицца', 'ты любишь баскетбол'],
  },
};

/** A tiny labelled set in all three languages (4 per intent), independent of language/nlu/*.tsv. */
export const FIXTURE_EXAMPLES: TrainingExample[] = Object.entries(RAW).flatMap(([lang, byIntent]) =>
  Object.entries(byIntent).flatMap(([intent, texts]) => texts.map((text) => ({ text, intent: intent as Intent, lang: lang as Lang }))),
);
