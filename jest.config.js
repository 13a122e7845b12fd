/**
 * Jest runs TypeScript through @swc/jest (transpile only, no types; several times faster than
 * ts-jest on a cold cache, e.g. a fresh clone), with the same swc options as the dist/ that
 * `npm test` transpiles for the processes its tests start (`scripts/transpile.js`); `npm test`
 * (`scripts/test.js`) type-checks the sources and the tests (`tsconfig.test.json`) alongside.
 */
const { SWC_OPTIONS } = require('./scripts/transpile');

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { ...SWC_OPTIONS, sourceMaps: 'inline' },
    ],
  },
  // Known-slow suites first on a fresh clone (no timing cache yet); jest's own order otherwise.
  testSequencer: '<rootDir>/test/setup/sequencer.js',
  globalSetup: '<rootDir>/test/setup/globalSetup.ts',
  globalTeardown: '<rootDir>/test/setup/globalTeardown.ts',
  testTimeout: 30000,
  // A leaked handle must never hang CI; suites close their servers, this is the safety net.
  forceExit: true,
};
