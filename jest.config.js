/**
 * Jest runs TypeScript through @swc/jest (transpile only, no types; several times faster than
 * ts-jest on a cold cache, e.g. a fresh clone); `npm test` runs `npm run typecheck` first, which
 * type-checks the sources and the tests (`tsconfig.test.json`). The swc options mirror
 * `tsconfig.json` (ES2022 classes with define semantics, CommonJS).
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { target: 'es2022', parser: { syntax: 'typescript' }, keepClassNames: true },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
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
