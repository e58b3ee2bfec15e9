// Gatehouse under `wrangler dev`, as a developer runs it, with the /data load of scenarios/data.mjs
// (one round): what the dev server's proxy costs. Shown in the /data table. Skipped with --no-dev.
import { join } from 'node:path';
import { applyLocalMigrations } from '../../tools/wrangler.mjs';
import { startWranglerDev } from '../../tools/wrangler-dev.mjs';
import { expectStatus, form, load } from '../lib/http.mjs';
import { onStopAll } from '../lib/proc.mjs';
import { progress } from '../lib/progress.mjs';
import { randomHex, randomPassword, secret } from '../lib/random.mjs';

const LABEL = 'Gatehouse under wrangler dev';

/** @type {import('../scenario.mjs').Scenario} */
export default {
  id: 'wranglerDev',
  title: 'wrangler dev',
  phase: 'alone',
  enabled: ({ options }) => options.withDev,
  optional: true,

  async run({ plan, tmp, config, notes }) {
    const persistTo = join(tmp, 'wrangler-dev-state');
    progress(`${LABEL}: migrations`);
    for (const { binding } of config.migrations) applyLocalMigrations(persistTo, binding);
    progress(`${LABEL}: starting`);
    const started = performance.now();
    const dev = await startWranglerDev({ persistTo, vars: { JWT_SECRET: secret() }, logLevel: 'error' });
    const startMs = performance.now() - started;
    const forget = onStopAll(dev.stop);
    try {
      const user = { username: `bench-dev-${randomHex()}`, password: randomPassword() };
      await expectStatus(new URL('/signup', dev.url), form(user), 201, `${LABEL} sign-up`);
      const { body: token } = await expectStatus(
        new URL('/login', dev.url),
        form(user),
        200,
        `${LABEL} log-in`,
      );
      const headers = { Authorization: token };
      const target = new URL('/data', dev.url).href;
      await load(target, { connections: plan.connections, seconds: plan.warmupSeconds, headers });
      progress(`${LABEL}: /data`);
      const result = await load(target, { connections: plan.connections, seconds: plan.devSeconds, headers });
      if (result.non2xx > 0 || result.errors > 0)
        notes.push(`${LABEL} /data: ${result.non2xx} non-2xx, ${result.errors} errors`);
      return { label: LABEL, startMs, data: { rps: result.rps, p50Ms: result.p50, p99Ms: result.p99 } };
    } finally {
      await dev.stop();
      forget();
    }
  },

  summary: (dev) => ({ rps: dev.data.rps, p50Ms: dev.data.p50Ms }),
};
