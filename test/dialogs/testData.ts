/**
 * What a customer types, per language, for the dialog tests (the core-bot sample's testData idea):
 * the same scenarios run in lt, en and ru.
 */
import type { Lang } from '../../services/i18n/langs';

export interface Lines {
  readdress: string;
  readdressPrefilled: (tracking: string, place: string) => string;
  fixPhone: string;
  findTracking: string;
  track: string;
  trackPrefilled: (tracking: string) => string;
  agent: string;
  lockerFault: string;
  yes: string;
  no: string;
  cancel: string;
  restart: string;
  help: string;
  recipientChoice: string;
  outOfScope: string;
  thanks: string;
  greet: string;
  lockerQuery: string;
  description: string;
  skip: string;
  /** A damaged parcel told in one message with its number. */
  damaged: (tracking: string) => string;
  /** Only "my parcel arrived damaged" (no details). */
  damagedShort: string;
  damageDetails: string;
  /** Charged twice, no amount. */
  billing: string;
  billingAmount: string;
  complaint: string;
  complaintDetails: string;
  otherProblem: string;
  /** A story written at the parcel-number question instead of a number. */
  noNumberStory: string;
}

export const LINES: Record<Lang, Lines> = {
  lt: {
    readdress: 'Pasirinkau ne tą paštomatą, noriu jį pakeisti',
    readdressPrefilled: (t, p) => `pakeiskite paštomatą siuntai ${t} į ${p}`,
    fixPhone: 'įvedžiau neteisingą gavėjo telefono numerį',
    findTracking: 'pamečiau siuntos numerį',
    track: 'kur mano siunta?',
    trackPrefilled: (t) => `kur dabar mano siunta ${t}?`,
    agent: 'noriu kalbėti su žmogumi',
    lockerFault: 'paštomato durelės neatsidaro',
    yes: 'taip',
    no: 'ne',
    cancel: 'atšaukti',
    restart: 'iš naujo',
    help: 'pagalba',
    recipientChoice: 'gavėjo',
    outOfScope: 'kiek kainuoja išsiųsti siuntą į Latviją?',
    thanks: 'ačiū, viskas',
    greet: 'labas',
    lockerQuery: 'panorama vilnius',
    description: 'durelės neatsidarė, nors įvedžiau kodą',
    skip: 'praleisti',
    damaged: (t) => `siunta ${t} atkeliavo sulaužyta, dėžė visa sutraiškyta`,
    damagedShort: 'siunta sugadinta',
    damageDetails: 'suplėšyta pakuotė ir sudužęs puodelis',
    billing: 'nuskaičiavo pinigus du kartus',
    billingAmount: 'du kartus po 3,99 € vasario 3 d.',
    complaint: 'noriu pateikti skundą dėl kurjerio',
    complaintDetails: 'kurjeris vakar buvo nemandagus ir numetė siuntą prie durų',
    otherProblem: 'turiu kitokią problemą su siunta',
    noNumberStory: 'neturiu numerio, siuntą paliko prie durų ir ji dingo',
  },
  en: {
    readdress: 'I chose the wrong parcel locker and want to change it',
    readdressPrefilled: (t, p) => `please send my parcel ${t} to another locker: ${p}`,
    fixPhone: "I typed the recipient's phone number wrong",
    findTracking: 'I lost my tracking number',
    track: 'where is my parcel?',
    trackPrefilled: (t) => `where is my parcel ${t}?`,
    agent: 'I want to talk to a person',
    lockerFault: "locker door won't open",
    yes: 'yes',
    no: 'no',
    cancel: 'cancel',
    restart: 'start over',
    help: 'help',
    recipientChoice: 'recipient',
    outOfScope: 'how much does it cost to send a parcel to Latvia?',
    thanks: 'thanks, that is all',
    greet: 'hello',
    lockerQuery: 'panorama vilnius',
    description: 'the door did not open although I entered the code',
    skip: 'skip',
    damaged: (t) => `parcel ${t} arrived broken, the box is completely crushed`,
    damagedShort: 'my parcel is damaged',
    damageDetails: 'the box is torn and the mug inside is broken',
    billing: 'you charged me twice',
    billingAmount: 'twice 3.99 eur on 3 February',
    complaint: 'I want to complain about the courier',
    complaintDetails: 'yesterday the courier was rude and threw the parcel at the door',
    otherProblem: 'I have a different problem with a parcel',
    noNumberStory: "I don't have the number, the parcel was left at the door and it's gone",
  },
  ru: {
    readdress: 'Я выбрал не тот постомат, хочу его поменять',
    readdressPrefilled: (t, p) => `перенаправьте посылку ${t} в постомат ${p}`,
    fixPhone: 'я указал неправильный номер телефона получателя',
    findTracking: 'я потерял номер посылки',
    track: 'где моя посылка?',
    trackPrefilled: (t) => `где сейчас моя посылка ${t}?`,
    agent: 'хочу поговорить с оператором',
    lockerFault: 'не открывается дверца постомата',
    yes: 'да',
    no: 'нет',
    cancel: 'отмена',
    restart: 'заново',
    help: 'помощь',
    recipientChoice: 'получателя',
    outOfScope: 'сколько стоит отправить посылку в Латвию?',
    thanks: 'спасибо, это всё',
    greet: 'здравствуйте',
    lockerQuery: 'panorama vilnius',
    description: 'дверца не открылась, хотя я ввёл код',
    skip: 'пропустить',
    damaged: (t) => `посылка ${t} пришла сломанной, коробка вся смята`,
    damagedShort: 'посылка повреждена',
    damageDetails: 'порвана упаковка и разбита кружка',
    billing: 'с меня списали деньги два раза',
    billingAmount: 'два раза по 3,99 € 3 февраля',
    complaint: 'хочу пожаловаться на курьера',
    complaintDetails: 'вчера курьер нагрубил и бросил посылку у двери',
    otherProblem: 'у меня другая проблема с посылкой',
    noNumberStory: 'номера нет, посылку оставили у двери, и она пропала',
  },
};

/** Slot filling with roles (issue #11 item 2): several values, with their roles, in one message. */
export interface SlotLines {
  oldNew: (old: string, fresh: string) => string;
  onlyOld: (old: string) => string;
  hisNumber: string;
  herNumber: string;
  fromTo: (t: string) => string;
  notOzas: string;
  notThisAkropolis: (t: string) => string;
  fromToAtPrompt: string;
  allInOne: (t: string, phone: string) => string;
  /** A value for a later slot, written at another prompt. */
  newAtPrompt: (phone: string) => string;
  lockerAtPrompt: string;
  myPhone: (phone: string) => string;
  /** A question about the parcel-number prompt with the customer's phone in it. */
  questionWithPhone: (phone: string) => string;
  /** A "no"/"not" that names no locker to leave, before a locker. */
  notSurePanorama: string;
  /** "Yes" to "Is it CE…?" with another parcel number. */
  yesItIs: (t: string) => string;
  /** The sender's own number, said at the code question. */
  senderAtCode: (phone: string) => string;
}

export const SLOT_LINES: Record<Lang, SlotLines> = {
  en: {
    oldNew: (o, n) => `the old number was ${o}, the new one is ${n}`,
    onlyOld: (o) => `the old number was ${o}`,
    hisNumber: 'The recipient got no SMS, I typed his number wrong',
    herNumber: 'I typed her number wrong',
    fromTo: (t) => `change ${t} from Akropolis Vilnius to Mega Kaunas`,
    notOzas: 'not to Ozas, but to Akropolis',
    notThisAkropolis: (t) => `parcel ${t}: not to Akropolis Vilnius but to Akropolis`,
    fromToAtPrompt: 'from Akropolis Vilnius to Mega Kaunas',
    allInOne: (t, phone) => `Change locker for ${t} to Mega in Kaunas, my phone ${phone}`,
    newAtPrompt: (n) => `the new number is ${n}`,
    lockerAtPrompt: 'to Mega in Kaunas',
    myPhone: (p) => `my phone is ${p}`,
    questionWithPhone: (p) => `I don't have the parcel number, where do I find it? my phone is ${p}`,
    notSurePanorama: 'not sure, Panorama Vilnius',
    yesItIs: (t) => `yes, it is ${t}`,
    senderAtCode: (p) => `I'm the sender, my number is ${p}`,
  },
  lt: {
    oldNew: (o, n) => `senas numeris ${o}, naujas ${n}`,
    onlyOld: (o) => `senas numeris ${o}`,
    hisNumber: 'gavėjas negavo SMS, gavėjo numerį suvedžiau neteisingai',
    herNumber: 'suvedžiau jos numerį neteisingai',
    fromTo: (t) => `siuntą ${t} pakeiskite iš Akropolio Vilniuje į Megą Kaune`,
    notOzas: 'ne į Ozą, o į Akropolį',
    notThisAkropolis: (t) => `siunta ${t}: ne į Akropolį Vilniuje, o į Akropolį`,
    fromToAtPrompt: 'iš Akropolio Vilniuje į Megą Kaune',
    allInOne: (t, phone) => `Pakeiskite paštomatą siuntai ${t} į Megą Kaune, mano telefonas ${phone}`,
    newAtPrompt: (n) => `naujas numeris ${n}`,
    lockerAtPrompt: 'į Megą Kaune',
    myPhone: (p) => `mano telefonas ${p}`,
    questionWithPhone: (p) => `neturiu siuntos numerio, kur jį rasti? mano telefonas ${p}`,
    notSurePanorama: 'ne, Panorama Vilniuje',
    yesItIs: (t) => `taip, tai ${t}`,
    senderAtCode: (p) => `aš siuntėjas, mano numeris ${p}`,
  },
  ru: {
    oldNew: (o, n) => `старый номер ${o}, новый ${n}`,
    onlyOld: (o) => `старый номер ${o}`,
    hisNumber: 'получатель не получил смс, я неправильно ввёл номер получателя',
    herNumber: 'я ошибся в её номере',
    fromTo: (t) => `посылку ${t} поменяйте с Акрополис Вильнюс на Мега Каунас`,
    notOzas: 'не в Озас, а в Акрополис',
    notThisAkropolis: (t) => `посылка ${t}: не в Акрополис Вильнюс, а в Акрополис`,
    fromToAtPrompt: 'с Акрополис Вильнюс на Мега Каунас',
    allInOne: (t, phone) => `Поменяйте постомат для ${t} на Мега в Каунасе, мой телефон ${phone}`,
    newAtPrompt: (n) => `новый номер ${n}`,
    lockerAtPrompt: 'на Мега в Каунасе',
    myPhone: (p) => `мой телефон ${p}`,
    questionWithPhone: (p) => `у меня нет номера посылки, где его найти? мой телефон ${p}`,
    notSurePanorama: 'не знаю, Панорама Вильнюс',
    yesItIs: (t) => `да, это ${t}`,
    senderAtCode: (p) => `я отправитель, мой номер ${p}`,
  },
};
