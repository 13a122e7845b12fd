/**
 * The sandbox locker directory: about 325 lockers in 44 Lithuanian towns, roughly proportional to
 * population, at real malls, stations, supermarket chains and streets. Deterministic: the same
 * ids, names and coordinates on every start. Well-known places come first in each town, so their
 * ids are stable (see `SANDBOX_LOCKERS` in `fixtures.ts`).
 */
import type { Locker, OpeningHours } from '../types';
import { createRng, type Rng } from './random';

type Weekday = '1' | '2' | '3' | '4' | '5' | '6' | '7';

interface Place {
  /** Display name without the trailing "paštomatas". */
  name: string;
  address: string;
  postalCode: string;
  placeType: 'mall' | 'station' | 'supermarket' | 'street' | 'gas_station';
  lat: number;
  lng: number;
  hours: OpeningHours;
}

interface Town {
  name: string;
  code: string;
  count: number;
  lat: number;
  lng: number;
  /** Spread of generated lockers around the centre, in degrees of latitude. */
  radius: number;
  /** Postal code range (numeric part) for generated lockers. */
  postal: [number, number];
  streets: string[];
  places?: Place[];
}

function daily(range: string): OpeningHours {
  return { allDay: false, week: { '1': range, '2': range, '3': range, '4': range, '5': range, '6': range, '7': range } };
}

function weekAndSunday(weekdays: string, sunday: string): OpeningHours {
  const week = {} as Record<Weekday, string | null>;
  for (const d of ['1', '2', '3', '4', '5', '6'] as const) week[d] = weekdays;
  week['7'] = sunday;
  return { allDay: false, week };
}

const ALL_DAY: OpeningHours = { allDay: true };
const MALL = daily('08:00-22:00');

const CHAIN_HOURS: Record<string, OpeningHours> = {
  Maxima: daily('08:00-22:00'),
  Iki: daily('07:00-22:00'),
  Rimi: daily('08:00-22:00'),
  Norfa: weekAndSunday('08:00-21:00', '08:00-20:00'),
  Lidl: weekAndSunday('08:00-22:00', '08:00-21:00'),
};
const CHAINS = Object.keys(CHAIN_HOURS);
const FUEL_BRANDS = ['Circle K', 'Viada', 'Orlen'];

const mall = (name: string, address: string, postalCode: string, lat: number, lng: number): Place => ({
  name,
  address,
  postalCode,
  placeType: 'mall',
  lat,
  lng,
  hours: MALL,
});
const station = (name: string, address: string, postalCode: string, lat: number, lng: number): Place => ({
  name,
  address,
  postalCode,
  placeType: 'station',
  lat,
  lng,
  hours: ALL_DAY,
});
const shop = (chain: string, address: string, postalCode: string, lat: number, lng: number): Place => ({
  name: `${chain} ${address}`,
  address,
  postalCode,
  placeType: 'supermarket',
  lat,
  lng,
  hours: CHAIN_HOURS[chain],
});

const COMMON_STREETS = [
  'Vilniaus g.',
  'Kauno g.',
  'Vytauto g.',
  'Laisvės g.',
  'J. Basanavičiaus g.',
  'Maironio g.',
  'Gedimino g.',
  'Respublikos g.',
  'Stoties g.',
  'Sodų g.',
  'Pramonės g.',
  'Taikos g.',
  'Žemaitės g.',
  'Dariaus ir Girėno g.',
  'Nepriklausomybės g.',
  'Mindaugo g.',
  'Parko g.',
  'Ežero g.',
  'Liepų g.',
  'Jaunimo g.',
  'Statybininkų g.',
  'Šaltinio g.',
];

const TOWNS: Town[] = [
  {
    name: 'Vilnius',
    code: 'VLN',
    count: 105,
    lat: 54.6872,
    lng: 25.2797,
    radius: 0.055,
    postal: [1100, 14300],
    places: [
      mall('Akropolis Vilnius', 'Ozo g. 25', 'LT-07150', 54.7106, 25.2625),
      mall('Ozas', 'Ozo g. 18', 'LT-08243', 54.7155, 25.2785),
      mall('Panorama', 'Saltoniškių g. 9', 'LT-08105', 54.6987, 25.259),
      mall('Europa', 'Konstitucijos pr. 7A', 'LT-09308', 54.6963, 25.2769),
      mall('CUP', 'Upės g. 9', 'LT-08128', 54.6941, 25.2771),
      mall('Gedimino 9', 'Gedimino pr. 9', 'LT-01103', 54.6867, 25.2826),
      mall('BIG Vilnius', 'Ukmergės g. 369', 'LT-06327', 54.7268, 25.2295),
      station('Vilniaus geležinkelio stoties', 'Geležinkelio g. 16', 'LT-02100', 54.6703, 25.2843),
      station('Vilniaus autobusų stoties', 'Sodų g. 22', 'LT-03211', 54.6712, 25.2815),
      station('Vilniaus oro uosto', 'Rodūnios kel. 10A', 'LT-02189', 54.6373, 25.2876),
      shop('Maxima', 'Savanorių pr. 247', 'LT-02300', 54.6658, 25.2248),
      shop('Iki', 'Žirmūnų g. 68', 'LT-09124', 54.7085, 25.2998),
      shop('Rimi', 'Gedimino pr. 16', 'LT-01103', 54.6872, 25.2779),
      shop('Norfa', 'Kalvarijų g. 206', 'LT-08314', 54.7189, 25.2963),
      shop('Lidl', 'Laisvės pr. 43', 'LT-04215', 54.7059, 25.2141),
    ],
    streets: [
      'Gedimino pr.',
      'Konstitucijos pr.',
      'Savanorių pr.',
      'Ukmergės g.',
      'Kalvarijų g.',
      'Žirmūnų g.',
      'Antakalnio g.',
      'Laisvės pr.',
      'Pilaitės pr.',
      'Justiniškių g.',
      'Šeškinės g.',
      'Viršuliškių g.',
      'Fabijoniškių g.',
      'Architektų g.',
      'Erfurto g.',
      'Žalgirio g.',
      'Verkių g.',
      'Naugarduko g.',
      'Kauno g.',
      'Geležinio Vilko g.',
      'Minties g.',
      'Pylimo g.',
      'Didlaukio g.',
      'Saulėtekio al.',
      'Dariaus ir Girėno g.',
      'Švitrigailos g.',
      'Ateities g.',
      'Baltupio g.',
      'Sausio 13-osios g.',
      'Vilkpėdės g.',
      'Eišiškių pl.',
      'Rygos g.',
      'Gabijos g.',
      'Tuskulėnų g.',
      'Kareivių g.',
      'Nemenčinės pl.',
      'Žygimantų g.',
      'Vytenio g.',
      'Raitininkų g.',
      'Jasinskio g.',
      'Giedraičių g.',
      'Lvovo g.',
      'Mindaugo g.',
      'Šilo g.',
      'Parko g.',
    ],
  },
  {
    name: 'Kaunas',
    code: 'KNS',
    count: 55,
    lat: 54.8985,
    lng: 23.9036,
    radius: 0.04,
    postal: [44000, 52500],
    places: [
      mall('Akropolis Kaunas', 'Karaliaus Mindaugo pr. 49', 'LT-44333', 54.8917, 23.919),
      mall('Mega', 'Islandijos pl. 32', 'LT-47446', 54.9177, 23.9695),
      mall('Molas', 'Islandijos pl. 217', 'LT-49165', 54.9357, 23.9889),
      station('Kauno geležinkelio stoties', 'M. K. Čiurlionio g. 16', 'LT-44359', 54.8865, 23.9115),
      station('Kauno autobusų stoties', 'Vytauto pr. 24', 'LT-44352', 54.8895, 23.919),
      shop('Maxima', 'Savanorių pr. 206', 'LT-50194', 54.9112, 23.9403),
      shop('Iki', 'Laisvės al. 101', 'LT-44291', 54.8972, 23.9119),
      shop('Rimi', 'Taikos pr. 88', 'LT-51181', 54.9051, 23.9698),
      shop('Norfa', 'Baltų pr. 16', 'LT-48252', 54.9308, 23.9338),
      shop('Lidl', 'Pramonės pr. 6', 'LT-51267', 54.9135, 23.9858),
    ],
    streets: [
      'Savanorių pr.',
      'Laisvės al.',
      'Vytauto pr.',
      'Taikos pr.',
      'Pramonės pr.',
      'Baltų pr.',
      'Jonavos g.',
      'Veiverių g.',
      'Partizanų g.',
      'Šiaurės pr.',
      'Kovo 11-osios g.',
      'Karaliaus Mindaugo pr.',
      'Islandijos pl.',
      'Raudondvario pl.',
      'Ateities pl.',
      'R. Kalantos g.',
      'Chemijos g.',
      'Varnių g.',
      'Sukilėlių pr.',
      'Vaidoto g.',
      'Pakalnučių g.',
      'Baršausko g.',
      'Aukštaičių g.',
      'Kęstučio g.',
      'A. Juozapavičiaus pr.',
      'Žemaičių pl.',
      'Demokratų g.',
      'Studentų g.',
      'Draugystės g.',
      'Tvirtovės al.',
    ],
  },
  {
    name: 'Klaipėda',
    code: 'KLP',
    count: 28,
    lat: 55.7033,
    lng: 21.1443,
    radius: 0.035,
    postal: [91100, 95400],
    places: [
      mall('Akropolis Klaipėda', 'Taikos pr. 61', 'LT-91182', 55.696, 21.168),
      mall('BIG Klaipėda', 'Taikos pr. 139', 'LT-94107', 55.6835, 21.187),
      station('Klaipėdos geležinkelio stoties', 'Priestočio g. 1', 'LT-92231', 55.7125, 21.1365),
      station('Klaipėdos autobusų stoties', 'Butkų Juzės g. 9', 'LT-92228', 55.712, 21.138),
      shop('Maxima', 'Herkaus Manto g. 31', 'LT-92236', 55.7151, 21.1318),
    ],
    streets: [
      'Taikos pr.',
      'Herkaus Manto g.',
      'Minijos g.',
      'Šilutės pl.',
      'Baltijos pr.',
      'Liepojos g.',
      'Tilžės g.',
      'Smiltelės g.',
      'Pievų Tako g.',
      'Debreceno g.',
      'Žardininkų g.',
      'Kretingos g.',
      'Naikupės g.',
      'Jūrininkų pr.',
      'Vingio g.',
      'Statybininkų pr.',
      'Budelkiemio g.',
      'Bangų g.',
    ],
  },
  {
    name: 'Šiauliai',
    code: 'SIA',
    count: 18,
    lat: 55.9349,
    lng: 23.3137,
    radius: 0.025,
    postal: [76100, 78400],
    places: [
      mall('Akropolis Šiauliai', 'Aido g. 8', 'LT-77155', 55.9287, 23.303),
      mall('Saulės miestas', 'Tilžės g. 109', 'LT-76351', 55.924, 23.303),
      station('Šiaulių geležinkelio stoties', 'Dubijos g. 44', 'LT-76304', 55.9255, 23.3175),
    ],
    streets: [
      'Tilžės g.',
      'Vilniaus g.',
      'Aido g.',
      'Draugystės pr.',
      'Vytauto g.',
      'Gegužių g.',
      'Architektų g.',
      'Lyros g.',
      'Dainų g.',
      'Trakų g.',
      'Pramonės g.',
      'Vasario 16-osios g.',
      'Statybininkų g.',
      'Žemaitės g.',
      'Ežero g.',
      'Radviliškio g.',
      'Aušros al.',
    ],
  },
  {
    name: 'Panevėžys',
    code: 'PNV',
    count: 15,
    lat: 55.7348,
    lng: 24.3575,
    radius: 0.022,
    postal: [35100, 37400],
    places: [
      mall('Babilonas', 'Klaipėdos g. 143A', 'LT-35227', 55.7425, 24.3285),
      station('Panevėžio autobusų stoties', 'Savanorių a. 5', 'LT-35201', 55.7305, 24.3595),
    ],
    streets: [
      'Respublikos g.',
      'Klaipėdos g.',
      'Smėlynės g.',
      'Ukmergės g.',
      'J. Basanavičiaus g.',
      'Kniaudiškių g.',
      'Vilniaus g.',
      'Beržų g.',
      'Parko g.',
      'Tiekimo g.',
      'Marijonų g.',
      'Statybininkų g.',
      'Ramygalos g.',
      'Nemuno g.',
      'Aukštaičių g.',
    ],
  },
  {
    name: 'Alytus',
    code: 'ALT',
    count: 8,
    lat: 54.3963,
    lng: 24.0459,
    radius: 0.018,
    postal: [62100, 63400],
    streets: ['Naujoji g.', 'Pulko g.', 'Santaikos g.', 'Ulonų g.', 'Vilniaus g.', 'Jotvingių g.', 'Putinų g.', 'Kalniškės g.'],
  },
  {
    name: 'Marijampolė',
    code: 'MRJ',
    count: 6,
    lat: 54.5593,
    lng: 23.3541,
    radius: 0.015,
    postal: [68100, 68400],
    streets: ['Kauno g.', 'Vytauto g.', 'Sodo g.', 'Gedimino g.', 'Stoties g.', 'P. Armino g.', 'Vilkaviškio g.'],
  },
  {
    name: 'Mažeikiai',
    code: 'MAZ',
    count: 5,
    lat: 56.3092,
    lng: 22.3414,
    radius: 0.012,
    postal: [89100, 89300],
    streets: ['Ventos g.', 'Laisvės g.', 'Naftininkų g.', 'Sedos g.', 'Žemaitijos g.', 'Pavasario g.'],
  },
  {
    name: 'Jonava',
    code: 'JNV',
    count: 5,
    lat: 55.0727,
    lng: 24.2797,
    radius: 0.012,
    postal: [55100, 55200],
    streets: ['Chemikų g.', 'Žeimių g.', 'Kauno g.', 'Žalioji g.', 'Fabriko g.', 'Vasario 16-osios g.'],
  },
  {
    name: 'Utena',
    code: 'UTN',
    count: 5,
    lat: 55.4976,
    lng: 25.5991,
    radius: 0.012,
    postal: [28100, 28300],
    streets: ['Aušros g.', 'Utenio a.', 'J. Basanavičiaus g.', 'Vaižganto g.', 'Taikos g.', 'Vyturių g.'],
  },
  {
    name: 'Kėdainiai',
    code: 'KDN',
    count: 4,
    lat: 55.2883,
    lng: 23.9747,
    radius: 0.01,
    postal: [57100, 57300],
    streets: ['Didžioji g.', 'Josvainių g.', 'J. Basanavičiaus g.', 'Budrio g.', 'Respublikos g.'],
  },
  {
    name: 'Telšiai',
    code: 'TLS',
    count: 4,
    lat: 55.9814,
    lng: 22.2472,
    radius: 0.01,
    postal: [87100, 87300],
    streets: ['Respublikos g.', 'Žemaitės g.', 'Luokės g.', 'Sedos g.', 'Kęstučio g.'],
  },
  {
    name: 'Tauragė',
    code: 'TRG',
    count: 4,
    lat: 55.2522,
    lng: 22.2897,
    radius: 0.01,
    postal: [72100, 72300],
    streets: ['Vytauto g.', 'Dariaus ir Girėno g.', 'Prezidento g.', 'Stoties g.', 'Gedimino g.'],
  },
  {
    name: 'Ukmergė',
    code: 'UKM',
    count: 4,
    lat: 55.2456,
    lng: 24.7761,
    radius: 0.01,
    postal: [20100, 20300],
    streets: ['Kauno g.', 'Vilniaus g.', 'Deltuvos g.', 'Vytauto g.', 'Kęstučio a.'],
  },
  {
    name: 'Visaginas',
    code: 'VSG',
    count: 3,
    lat: 55.5981,
    lng: 26.4353,
    radius: 0.008,
    postal: [31100, 31300],
    streets: ['Taikos pr.', 'Jaunystės g.', 'Veteranų g.', 'Statybininkų g.'],
  },
  {
    name: 'Palanga',
    code: 'PLN',
    count: 5,
    lat: 55.9175,
    lng: 21.0686,
    radius: 0.012,
    postal: [100, 300],
    places: [station('Palangos autobusų stoties', 'Kretingos g. 1', 'LT-00134', 55.9197, 21.0698)],
    streets: ['Vytauto g.', 'Jūratės g.', 'J. Basanavičiaus g.', 'Kretingos g.', 'Klaipėdos pl.', 'Ganyklų g.'],
  },
  {
    name: 'Druskininkai',
    code: 'DRS',
    count: 3,
    lat: 54.0159,
    lng: 23.9719,
    radius: 0.008,
    postal: [66100, 66200],
    places: [station('Druskininkų autobusų stoties', 'Gardino g. 1', 'LT-66119', 54.0166, 23.9674)],
    streets: ['M. K. Čiurlionio g.', 'Vilniaus al.', 'Gardino g.', 'Veisiejų g.'],
  },
  town('Plungė', 'PLG', 3, 55.9111, 21.8448, [90100, 90200], ['Vytauto g.', 'Telšių g.', 'Minijos g.']),
  town('Kretinga', 'KRT', 3, 55.8884, 21.2418, [97100, 97200], ['Vilniaus g.', 'Žemaitės al.', 'Klaipėdos g.']),
  town('Šilutė', 'SLT', 3, 55.3489, 21.4835, [99100, 99200], ['Lietuvininkų g.', 'Tilžės g.', 'Klaipėdos g.']),
  town('Radviliškis', 'RDV', 3, 55.8114, 23.5395, [82100, 82200], ['Gedimino g.', 'Maironio g.', 'Vaižganto g.']),
  town('Gargždai', 'GRG', 3, 55.7097, 21.3948, [96100, 96200], ['Klaipėdos g.', 'Kvietinių g.', 'Žemaitės g.']),
  town('Rokiškis', 'RKS', 2, 55.9616, 25.5807, [42100, 42200], ['Respublikos g.', 'Panevėžio g.']),
  town('Elektrėnai', 'ELK', 2, 54.7856, 24.6611, [26100, 26200], ['Draugystės g.', 'Rungos g.']),
  town('Biržai', 'BRZ', 2, 56.2017, 24.7560, [41100, 41200], ['Vytauto g.', 'Rotušės g.']),
  town('Trakai', 'TRK', 2, 54.6379, 24.9347, [21100, 21200], ['Vytauto g.', 'Karaimų g.']),
  town('Jurbarkas', 'JRB', 2, 55.0775, 22.7607, [74100, 74200], ['Dariaus ir Girėno g.', 'Kauno g.']),
  town('Raseiniai', 'RSN', 2, 55.3797, 23.1239, [60100, 60200], ['Vilniaus g.', 'Maironio g.']),
  town('Anykščiai', 'ANK', 2, 55.5254, 25.1027, [29100, 29200], ['J. Biliūno g.', 'Vilniaus g.']),
  town('Kelmė', 'KLM', 1, 55.6297, 22.9333, [86100, 86200], ['Vytauto Didžiojo g.']),
  town('Molėtai', 'MLT', 1, 55.2326, 25.4183, [33100, 33200], ['Vilniaus g.']),
  town('Zarasai', 'ZRS', 1, 55.7311, 26.2466, [32100, 32200], ['Sėlių a.']),
  town('Varėna', 'VRN', 1, 54.2167, 24.5708, [65100, 65200], ['Vytauto g.']),
  town('Prienai', 'PRN', 1, 54.6327, 23.9456, [59100, 59200], ['F. Martišiaus g.']),
  town('Birštonas', 'BRS', 1, 54.6062, 24.0312, [59200, 59300], ['Jaunimo g.']),
  town('Kaišiadorys', 'KSD', 2, 54.8604, 24.4536, [56100, 56200], ['Gedimino g.', 'Beržų g.']),
  town('Vilkaviškis', 'VLK', 2, 54.6517, 23.0356, [70100, 70200], ['Vytauto g.', 'Gedimino g.']),
  town('Pasvalys', 'PSV', 1, 56.0600, 24.4036, [39100, 39200], ['Vilniaus g.']),
  town('Kupiškis', 'KPS', 1, 55.8403, 24.9770, [40100, 40200], ['Gedimino g.']),
  town('Neringa', 'NRG', 1, 55.3081, 21.0049, [93100, 93200], ['Taikos g.']),
  town('Šalčininkai', 'SLC', 1, 54.3097, 25.3822, [17100, 17200], ['Vilniaus g.']),
  town('Garliava', 'GRL', 2, 54.8187, 23.8716, [53200, 53300], ['Vytauto g.', 'Kauno g.']),
  town('Grigiškės', 'GRI', 2, 54.6768, 25.0840, [27100, 27200], ['Vilniaus g.', 'Kovo 11-osios g.']),
  town('Lentvaris', 'LNT', 1, 54.6436, 25.0514, [25100, 25200], ['Geležinkelio g.']),
];

function town(name: string, code: string, count: number, lat: number, lng: number, postal: [number, number], streets: string[]): Town {
  return { name, code, count, lat, lng, radius: 0.007, postal, streets: [...streets, ...COMMON_STREETS.slice(0, 4)] };
}

const round5 = (n: number) => Math.round(n * 1e5) / 1e5;

function generatedPlace(t: Town, rng: Rng, used: Set<string>): Place {
  let address = '';
  for (let tries = 0; tries < 50; tries++) {
    address = `${rng.pick(t.streets)} ${rng.int(1, t.name === 'Vilnius' || t.name === 'Kaunas' ? 150 : 90)}`;
    if (!used.has(address)) break;
  }
  used.add(address);
  const postalCode = `LT-${String(rng.int(t.postal[0], t.postal[1])).padStart(5, '0')}`;
  const lat = round5(t.lat + (rng.next() * 2 - 1) * t.radius);
  const lng = round5(t.lng + ((rng.next() * 2 - 1) * t.radius) / Math.cos((t.lat * Math.PI) / 180));
  const kind = rng.next();
  if (kind < 0.5) {
    const chain = rng.pick(CHAINS);
    const indoor = rng.next() < 0.4;
    return { name: `${chain} ${address}`, address, postalCode, placeType: 'supermarket', lat, lng, hours: indoor ? CHAIN_HOURS[chain] : ALL_DAY };
  }
  if (kind < 0.65) {
    return { name: `${rng.pick(FUEL_BRANDS)} ${address}`, address, postalCode, placeType: 'gas_station', lat, lng, hours: ALL_DAY };
  }
  return { name: address, address, postalCode, placeType: 'street', lat, lng, hours: ALL_DAY };
}

/**
 * Builds the directory. Every 70th generated locker is inactive (out of service), so consumers
 * see that `listLockers()` returns active ones only.
 */
export function seedLockers(): Locker[] {
  const rng = createRng(20250611);
  const lockers: Locker[] = [];
  let generated = 0;
  for (const t of TOWNS) {
    const used = new Set((t.places ?? []).map((p) => p.address));
    const places = [...(t.places ?? [])];
    while (places.length < t.count) places.push(generatedPlace(t, rng, used));
    places.forEach((p, i) => {
      const isGenerated = i >= (t.places?.length ?? 0);
      if (isGenerated) generated++;
      lockers.push({
        id: `LT-${t.code}-${String(i + 1).padStart(4, '0')}`,
        name: `${p.name} paštomatas`,
        city: t.name,
        address: p.address,
        postalCode: p.postalCode,
        lat: p.lat,
        lng: p.lng,
        hours: p.hours,
        placeType: p.placeType,
        active: !(isGenerated && generated % 70 === 0),
      });
    });
  }
  return lockers;
}
