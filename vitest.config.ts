import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { SETTING_NAMES } from './worker/setting-names.ts';

// Worker tests run inside workerd with the bindings from wrangler.toml and a real local D1,
// migrated from drizzle/ in test/setup.ts. The secret is a test-only value.
// wrangler's own info lines ("Using secrets defined in .dev.vars", whose values the bindings below
// override) are not test output; its warnings and errors still show.
process.env.WRANGLER_LOG ??= 'warn';

export default defineConfig(async () => {
  const migrations = await readD1Migrations('./drizzle');
  // wrangler also loads the developer's .dev.vars for this config, and the plugin has no switch to stop
  // it: every setting is pinned here instead, so the tests run with the documented defaults whatever
  // .dev.vars says. Empty means unset to worker/config.ts.
  const defaults = Object.fromEntries(SETTING_NAMES.map((name) => [name, '']));
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          // A real D1 that no migration ever touches: every statement fails, as on a broken database
          // (test/worker/logging.test.ts).
          d1Databases: { UNMIGRATED_DB: 'gatehouse-unmigrated' },
          bindings: {
            ...defaults,
            TEST_MIGRATIONS: migrations,
            JWT_SECRET: 'test-secret-0123456789-abcdefghijklmnopqrstuvwxyz',
            // Throttling is switched on per test where it is the subject (test/worker/throttling.test.ts).
            THROTTLING: 'off',
          },
        },
      }),
    ],
    test: {
      include: ['worker/**/*.test.ts', 'test/worker/**/*.test.ts'],
      setupFiles: ['./test/worker/setup.ts'],
    },
  };
});
