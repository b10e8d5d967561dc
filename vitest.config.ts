import path from 'node:path';
import { defineConfig } from 'vitest/config';

// Two projects: `unit` (pure code, no I/O) and `integration` (*.int.test.ts: real PostgreSQL,
// the simulated cluster over HTTP). e2e lives in Playwright, not here.
const alias = { '@': path.resolve(import.meta.dirname) };

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: [
            'lib/**/*.test.ts',
            'worker/**/*.test.ts',
            'components/**/*.test.ts',
            'agent/**/*.test.ts',
            'scripts/**/*.test.ts',
            'tests/**/*.test.ts',
          ],
          exclude: ['**/*.int.test.ts', 'node_modules/**', 'dist/**', '.next/**'],
          environment: 'node',
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts'],
          exclude: ['node_modules/**', '.tools/**', 'dist/**', '.next/**'],
          environment: 'node',
          globalSetup: ['tests/global-setup.ts'],
          setupFiles: ['tests/setup-env.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
