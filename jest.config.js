/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  // The package's own name, as infra/examples/ imports it, resolves to its source (as in tsconfig.json's paths).
  moduleNameMapper: { '^cdk-db-migrator$': '<rootDir>/infra/index.ts' },
  // Synthesis and embedded PostgreSQL are slow-ish on 2 cores.
  testTimeout: 120000,
};
