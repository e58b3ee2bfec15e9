import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

// Worker tests run inside workerd with the bindings from wrangler.toml and a real local D1,
// migrated from drizzle/ in test/worker/setup.ts. The secret is a test-only value.
export default defineConfig(async () => {
  const migrations = await readD1Migrations('./drizzle');
  const workerd = (
    name: string,
    include: string[],
    exclude: string[],
    bindings: Record<string, string> = {},
  ) => ({
    plugins: [
      cloudflareTest({
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            JWT_SECRET: 'test-secret-0123456789-abcdefghijklmnopqrstuvwxyz',
            // Throttling is switched on per test where it is the subject (test/worker/throttling.test.ts).
            THROTTLING: 'off',
            ...bindings,
          },
        },
      }),
    ],
    test: { name, include, exclude, setupFiles: ['./test/worker/setup.ts'] },
  });
  return {
    test: {
      projects: [
        workerd(
          'worker',
          ['worker/**/*.test.ts', 'test/worker/**/*.test.ts'],
          ['test/worker/strict-mode.test.ts'],
        ),
        // Strict mode (docs/session-check.md) must keep today's behaviour exactly: the session and API
        // suites again, with every session check reading D1.
        workerd(
          'worker-strict',
          ['test/worker/sessions.test.ts', 'test/worker/api.test.ts', 'test/worker/strict-mode.test.ts'],
          [],
          { REVOCATION_MAX_STALENESS_MS: '0' },
        ),
      ],
    },
  };
});
