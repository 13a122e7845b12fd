/**
 * Word lists for locker search, written in natural spelling (any script) and stemmed at load
 * through the same pipeline as queries, so every inflected form lands on the same stem.
 */
import { stemSet, tokenize } from './text';

/** Words that say "a locker" without saying which (they never match a locker on their own). */
export const LOCKER_CUE_WORDS = [
  'paštomatas', 'paštomatą', 'paštomate', 'paštomato', 'paštomatų', 'paštomatai', 'paštomatus', 'terminalas', 'terminale',
  'locker', 'lockers', 'parcelbox',
  'постомат', 'постамат', 'почтомат', 'пакомат', 'постомате', 'постамате',
];

/** Street-type abbreviations and words: fillers in a query, and a sign that the word before is a street. */
export const STREET_MARKERS = [
  'g', 'gatvė', 'gatvėje', 'gatvės', 'gatve', 'pr', 'prosp', 'prospektas', 'prospekte', 'prospekto', 'al', 'alėja', 'alėjoje',
  'alėjos', 'pl', 'plentas', 'plente', 'plento', 'kel', 'kelias', 'skg', 'skersgatvis', 'a', 'aikštė', 'aikštėje', 'aikštės',
  'street', 'st', 'avenue', 'ave', 'road', 'rd',
  'улица', 'улице', 'ул', 'проспект', 'проспекте', 'пр-т',
];

/** Fillers that carry no locker information in any of the three languages. */
export const FILLER_WORDS = [
  // lt
  'prie', 'šalia', 'ties', 'netoli', 'į', 'iš', 'ant', 'po', 'pas', 'link', 'ir', 'arba', 'ar', 'su', 'per', 'tas', 'ta', 'tą',
  'tame', 'toje', 'kuris', 'kuri', 'esantis', 'esantį', 'esančio', 'esančiame', 'esančioje', 'lt', 'nr', 'numeris',
  // en
  'the', 'an', 'in', 'at', 'on', 'near', 'next', 'to', 'by', 'of', 'from', 'for', 'and', 'or', 'parcel', 'parcels', 'pickup',
  'point', 'box', 'please', 'city', 'town', 'one',
  // ru
  'в', 'во', 'на', 'у', 'около', 'возле', 'рядом', 'с', 'к', 'из', 'и', 'или', 'город', 'городе', 'пожалуйста', 'тот', 'который',
];

/**
 * Conversation words, ignored when looking for a locker inside a longer sentence. Some are also
 * locker names ("iki" means "until" far more often than it names the supermarket chain; "big"):
 * those count as a name only right next to a word like "paštomatas"/"locker".
 */
export const CHAT_WORDS = [
  // lt
  'noriu', 'norėčiau', 'norime', 'pakeisti', 'pakeiskite', 'pakeisk', 'perkelti', 'perkelkite', 'nukreipti', 'nukreipkite',
  'peradresuoti', 'peradresuokite', 'pristatyti', 'pristatykite', 'siųsti', 'siųskite', 'siunta', 'siuntą', 'siuntos',
  'siuntinys', 'siuntinį', 'mano', 'man', 'kur', 'yra', 'kada', 'galite', 'galima', 'prašau', 'prašom', 'ačiū', 'labas',
  'laba', 'diena', 'sveiki', 'telefonas', 'telefono', 'numerį', 'numeris', 'gavėjas', 'gavėjo', 'siuntėjas', 'siuntėjo',
  'kitą', 'kitas', 'kito', 'kitame', 'vietoj', 'vietoje', 'vietą', 'iki', 'nuo', 'dėl', 'be', 'bet', 'jau', 'dar', 'ne', 'taip',
  'gerai', 'viskas', 'sekimo', 'kodas', 'kodą', 'mane', 'jį', 'ją', 'jos', 'jo', 'čia', 'ten', 'dabar', 'šiandien', 'rytoj',
  'vakar', 'gyvenu', 'esu', 'buvau', 'nori', 'reikia', 'galėtumėte', 'naują', 'naujas', 'teisingas', 'neteisingas',
  // en
  'i', 'my', 'me', 'we', 'our', 'you', 'your', 'it', 'is', 'are', 'was', 'be', 'can', 'could', 'would', 'like', 'want', 'need',
  'change', 'redirect', 'send', 'deliver', 'move', 'switch', 'package', 'delivery', 'where', 'when', 'what', 'how',
  'number', 'phone', 'tracking', 'instead', 'other', 'another', 'new', 'different', 'hi', 'hello', 'thanks', 'thank', 'yes',
  'no', 'not', 'please', 'today', 'tomorrow', 'yesterday', 'live', 'wrong', 'big', 'small', 'track',
  // ru
  'я', 'мой', 'моя', 'мою', 'мне', 'меня', 'хочу', 'можно', 'нужно', 'перенаправьте', 'перенаправить', 'поменяйте',
  'поменять', 'изменить', 'измените', 'отправьте', 'доставьте', 'посылка', 'посылку', 'посылки', 'где', 'когда', 'номер',
  'телефон', 'телефона', 'другой', 'другом', 'новый', 'здравствуйте', 'привет', 'спасибо', 'да', 'нет', 'живу', 'это',
];

/** Words after which a sentence turns to another place ("ne į Vilnių", "not", "instead of"): they end a locker reference. */
export const CONTRAST_WORDS = ['ne', 'o', 'bet', 'vietoj', 'vietoje', 'not', 'but', 'instead', 'rather', 'не', 'а', 'но', 'вместо'];

/** Words before which a chain name that is also a common word ("iki") is a place: "į Iki", "prie Iki", "at Iki". */
export const DIRECTION_WORDS = ['į', 'prie', 'to', 'at', 'в', 'у', 'возле'];

/** Query words that name a kind of place, by `Locker.placeType`. */
export const PLACE_WORDS: Record<string, string[]> = {
  mall: ['mall', 'shopping', 'centre', 'center', 'pc', 'prekybos', 'centras', 'tc', 'тц', 'торговый', 'центр'],
  station: ['station', 'stotis', 'stotyje', 'stoties', 'bus', 'autobusų', 'railway', 'train', 'traukinių', 'geležinkelio', 'airport', 'oro uostas', 'вокзал', 'станция', 'автовокзал', 'аэропорт'],
  supermarket: ['supermarket', 'shop', 'store', 'grocery', 'parduotuvė', 'parduotuvėje', 'магазин', 'супермаркет'],
  gas_station: ['degalinė', 'degalinėje', 'fuel', 'gas', 'petrol', 'заправка', 'заправке', 'азс'],
};

/** English and Russian words for places that locker names spell in Lithuanian. */
export const NAME_SYNONYMS: Record<string, string> = {
  airport: 'oro uostas',
  аэропорт: 'oro uostas',
  bus: 'autobusų',
  автобусный: 'autobusų',
  автовокзал: 'autobusų stotis',
  railway: 'geležinkelio',
  train: 'geležinkelio',
  вокзал: 'geležinkelio stotis',
  station: 'stotis',
  станция: 'stotis',
};

export const CUE_STEMS = stemSet(LOCKER_CUE_WORDS);
export const STREET_MARKER_STEMS = stemSet(STREET_MARKERS);
/** Fillers in a locker query: cue words, street markers and function words. */
export const FILLER_STEMS = new Set([...CUE_STEMS, ...STREET_MARKER_STEMS, ...stemSet(FILLER_WORDS)]);
/** Fillers plus conversation words: for finding a locker inside a sentence. */
export const SENTENCE_STOP_STEMS = new Set([...FILLER_STEMS, ...stemSet(CHAT_WORDS)]);
export const CONTRAST_STEMS = stemSet(CONTRAST_WORDS);
export const DIRECTION_FOLDED = new Set(DIRECTION_WORDS.map((w) => tokenize(w)[0].folded));
/** Synonym stems to the stems of the Lithuanian words they stand for. */
export const SYNONYM_STEMS: Map<string, string[]> = new Map(
  Object.entries(NAME_SYNONYMS).flatMap(([word, lt]) => [...stemSet([word])].map((s) => [s, [...stemSet([lt])]] as [string, string[]])),
);
/** Place-type stems to the place types they name. */
export const PLACE_STEMS: Map<string, string[]> = (() => {
  const map = new Map<string, string[]>();
  for (const [type, words] of Object.entries(PLACE_WORDS)) {
    for (const s of stemSet(words)) map.set(s, [...(map.get(s) ?? []), type]);
  }
  return map;
})();
