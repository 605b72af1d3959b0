/**
 * One Jest run for the whole repository, on the TypeScript sources (transformed by SWC; the
 * type check is `npm run typecheck`). Integration tests talk to the real PostgreSQL, Redis,
 * RabbitMQ, Prometheus and Alertmanager of the machine, so the default timeout is generous;
 * every test waits for conditions, never for fixed sleeps.
 */
export default {
  testEnvironment: 'node',
  roots: [
    '<rootDir>/instrumentation',
    '<rootDir>/demo-services',
    '<rootDir>/alerts',
    '<rootDir>/dashboards',
    '<rootDir>/collector',
    '<rootDir>/testing',
    '<rootDir>/compose',
    '<rootDir>/elasticsearch',
    '<rootDir>/scripts',
    '<rootDir>/bench',
    '<rootDir>/backends',
  ],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  moduleFileExtensions: ['ts', 'js', 'json', 'cjs', 'mjs'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
        module: { type: 'commonjs' },
      },
    ],
  },
  testTimeout: 60000,
  maxWorkers: 2,
};
