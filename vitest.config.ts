import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { SETTING_NAMES } from './worker/setting-names.ts';

// Worker tests run inside workerd with the bindings from wrangler.toml and a real local D1,
// migrated from drizzle/ in test/worker/setup.ts. The secret is a test-only value. The OpenAPI
// document's validation runs in Node.
// wrangler's own info lines ("Using secrets defined in .dev.vars", whose values the bindings below
// override) are not test output; its warnings and errors still show.
process.env.WRANGLER_LOG ??= 'warn';

export default defineConfig(async () => {
  const migrations = await readD1Migrations('./drizzle');
  // wrangler also loads the developer's .dev.vars for this config, and the plugin has no switch to stop
  // it: every setting is pinned here instead, so the tests run with the documented defaults whatever
  // .dev.vars says. Empty means unset to worker/config.ts.
  const defaults = Object.fromEntries(SETTING_NAMES.map((name) => [name, '']));
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
          // A real D1 that no migration ever touches: every statement fails, as on a broken database
          // (test/worker/logging.test.ts).
          d1Databases: { UNMIGRATED_DB: 'gatehouse-unmigrated' },
          bindings: {
            ...defaults,
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
        // The OpenAPI document against the OpenAPI 3.1 schema (docs/openapi.md): the validator reads
        // its schemas from disk and compiles them with Ajv, so it runs in Node, not in workerd.
        { test: { name: 'openapi', include: ['test/openapi/**/*.test.ts'], environment: 'node' } },
        // Strict mode (docs/session-check.md) must keep the behaviour of a D1 read per request exactly:
        // the session and API suites again, with every session check reading D1.
        workerd(
          'worker-strict',
          ['test/worker/sessions.test.ts', 'test/worker/api.test.ts', 'test/worker/strict-mode.test.ts'],
          [],
          { REVOCATION_MAX_STALENESS_MS: '0' },
        ),
        // The PWA's pure functions (token decoding, refresh timing, relative time): plain
        // Node, no browser needed. The app itself is tested in Chromium (test/browser).
        { test: { name: 'pwa', include: ['pwa/src/**/*.test.ts'], environment: 'node' } },
      ],
    },
  };
});
