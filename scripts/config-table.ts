/**
 * `npm run config:table`: rewrites README's configuration table from the configuration schema.
 * `npm run config:table -- --check` only compares and exits 1 when README is out of date.
 */
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { CONFIG_VARIABLES } from '../services/config';
import { renderConfigTable, tableBlockOf, withTable } from './configTable';

function main(argv: string[]): void {
  // Compiled to dist/scripts/, run from the repository root by npm.
  const readmePath = join(__dirname, '..', '..', 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const table = renderConfigTable(CONFIG_VARIABLES);
  if (argv.includes('--check')) {
    if (tableBlockOf(readme) !== table) {
      console.error('README.md configuration table is out of date: run npm run config:table');
      process.exit(1);
    }
    console.log('README.md configuration table is up to date');
    return;
  }
  writeFileSync(readmePath, withTable(readme, table));
  console.log(`README.md: configuration table written (${CONFIG_VARIABLES.length} variables)`);
}

main(process.argv.slice(2));
