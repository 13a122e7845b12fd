import { readFileSync } from 'fs';
import { join } from 'path';
import { CONFIG_VARIABLES } from '../../services/config';
import { renderConfigTable, tableBlockOf, withTable } from '../../scripts/configTable';

const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

test("README's configuration table is the one generated from the schema (npm run config:table)", () => {
  const block = tableBlockOf(README);
  expect(block).toBeDefined();
  expect(block).toBe(renderConfigTable(CONFIG_VARIABLES));
});

test('the table has one row per variable, with pipes in descriptions escaped', () => {
  const table = renderConfigTable([
    { name: 'A', description: 'x | y', secret: true, azure: 'required' },
    { name: 'B', description: 'z', default: '1', secret: false, azure: 'unused' },
  ]);
  expect(table.split('\n')).toEqual(['| variable | default | secret | Azure | meaning |', '|---|---|---|---|---|', '| `A` | — | yes | required | x \\| y |', '| `B` | `1` |  | unused | z |']);
});

test('a changed schema makes the check fail until the table is regenerated', () => {
  const changed = renderConfigTable([...CONFIG_VARIABLES, { name: 'NEW_ONE', description: 'new', secret: false, azure: 'optional' }]);
  expect(tableBlockOf(README)).not.toBe(changed);
  expect(tableBlockOf(withTable(README, changed))).toBe(changed);
});
