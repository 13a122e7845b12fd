/**
 * A locker directory ten times the sandbox seed (3,000+ lockers, with made-up names so the
 * vocabulary grows too) and the queries customers type, for the directory's scale test and for
 * `npm run bench:nlu`, which prints how long a search takes over it.
 */
import type { Locker } from '../../services/carrier/types';

/** Deterministic made-up words, so the big directory has a big vocabulary too. */
function syllables(n: number): string {
  const parts = ['ka', 'ru', 'le', 'mi', 'so', 'ta', 'vi', 'ne', 'po', 'da', 'gu', 'ri'];
  let out = '';
  for (let x = n + 7; out.length < 8; x = Math.floor(x / 12) + 3) out += parts[x % 12];
  return (out[0] as string).toUpperCase() + out.slice(1);
}

/** Ten copies of `seed`: copy 0 as it is, the others with ids `<id>-<copy>` and invented names. */
export function manyLockers(seed: readonly Locker[]): Locker[] {
  const many: Locker[] = [];
  for (let copy = 0; copy < 10; copy++) {
    for (const l of seed) {
      many.push({ ...l, id: `${l.id}-${copy}`, name: copy ? `${l.name.replace(' paštomatas', '')} ${syllables(copy * 1000 + many.length)} paštomatas` : l.name });
    }
  }
  return many;
}

export const LOCKER_QUERIES = [
  'akropolis klaipeda', 'ozo pastomatas', 'Vilniaus Panorama', 'Akropolyje Vilniuje', 'prie Maximos Savanorių prospekte Kaune',
  'Kauno Mega', 'paštomatas prie Rimi Šiauliuose', 'Taikos pr 61', 'ozas', 'panorama vilnius', 'LT-VLN-0003', 'akroplis klaipdea',
  'Акрополис в Вильнюсе', 'Vilnius', 'labas', 'gelezinkelio stotis', 'Savanoriu pr 247 Vilnius', 'noriu pakeisti į Ozo paštomatą',
];
