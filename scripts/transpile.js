/**
 * Transpiles the server's TypeScript (the `include` of tsconfig.json: index.ts, bots/, dialogs/,
 * services/, scripts/, and test/support/ which the benches use) into dist/ with swc, without type-checking: about a second instead of
 * tsc's half a minute. `npm test` uses it for the processes its tests start (`node dist/index.js`,
 * `node dist/scripts/…`) while tsc type-checks alongside; jest runs the same sources through the
 * same swc options (jest.config.js), so the tests run what they test. `npm run build` (and so
 * `npm start` and deployments) still compiles with tsc.
 *
 * Plain JavaScript, because it runs before anything is compiled. Not @swc/cli: that package pulls
 * in a binary downloader, and this machine (and CI) installs from the npm registry only.
 *
 * Usage: `node scripts/transpile.js` (exit code 1 when a file does not parse).
 */
'use strict';
const { transformFileSync } = require('@swc/core');
const { mkdirSync, readdirSync, writeFileSync } = require('fs');
const { basename, dirname, join, relative } = require('path');

const ROOT = join(__dirname, '..');
const OUT = join(ROOT, 'dist');
/** tsconfig.json's `include`, and test/support, which scripts (the benches) import from. */
const SOURCES = ['index.ts', 'bots', 'dialogs', 'services', 'scripts', join('test', 'support')];

/**
 * How TypeScript becomes JavaScript, for jest's transform (jest.config.js) and for dist/ here: the
 * swc options that mirror tsconfig.json (ES2022 classes with define semantics, CommonJS).
 */
const SWC_OPTIONS = {
  jsc: { target: 'es2022', parser: { syntax: 'typescript' }, keepClassNames: true },
  module: { type: 'commonjs' },
};
/** For files on disk: external source maps, no .swcrc. */
const OPTIONS = { ...SWC_OPTIONS, sourceMaps: true, swcrc: false, configFile: false };

const isSource = (name) => name.endsWith('.ts') && !name.endsWith('.d.ts');

function* tsFiles(path) {
  if (isSource(path)) {
    yield path;
    return;
  }
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    if (entry.isDirectory()) yield* tsFiles(join(path, entry.name));
    else if (isSource(entry.name)) yield join(path, entry.name);
  }
}

/** Transpiles every source file; returns how many. Throws on the first file that does not parse. */
function transpile() {
  let count = 0;
  for (const top of SOURCES) {
    for (const file of tsFiles(join(ROOT, top))) {
      const target = join(OUT, relative(ROOT, file)).replace(/\.ts$/, '.js');
      const out = transformFileSync(file, { ...OPTIONS, filename: file, outputPath: target, sourceFileName: relative(dirname(target), file) });
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, `${out.code}\n//# sourceMappingURL=${basename(target)}.map\n`);
      if (out.map) writeFileSync(`${target}.map`, out.map);
      count++;
    }
  }
  return count;
}

module.exports = { transpile, SWC_OPTIONS };

if (require.main === module) {
  try {
    const started = Date.now();
    const n = transpile();
    console.log(`transpiled ${n} files into dist/ in ${Date.now() - started} ms`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
