/**
 * Jest runs TypeScript through ts-jest in transpile-only mode (fast, no types); `npm test` runs
 * `npm run typecheck` first, which type-checks the sources and the tests (`tsconfig.test.json`).
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }] },
  globalSetup: '<rootDir>/test/setup/globalSetup.ts',
  globalTeardown: '<rootDir>/test/setup/globalTeardown.ts',
  testTimeout: 30000,
  // A leaked handle must never hang CI; suites close their servers, this is the safety net.
  forceExit: true,
};
