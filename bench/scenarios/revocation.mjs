// How late a revocation reaches another isolate (docs/session-check.md): two instances of the
// production bundle, one isolate each, share one D1. Instance A logs a session out; from its answer,
// instance B is asked for /data with that session's token, request after request, until it answers 401.
// B is kept busy meanwhile with another session, as an isolate with traffic is, and each log-out comes
// at a random moment of B's polling. The bound is met when the slowest trial stays within
// REVOCATION_MAX_STALENESS_MS plus one D1 round trip (the poll itself, timed on the probe).
import { join } from 'node:path';
import { expectStatus, form, request } from '../lib/http.mjs';
import { ms, number, table } from '../lib/markdown.mjs';
import { progress } from '../lib/progress.mjs';
import { startWorkerd } from '../lib/servers.mjs';
import { percentile, summarize } from '../lib/stats.mjs';
import { createAccounts, gatehouseWorkerdConfig } from '../runtimes.mjs';

/** The default of REVOCATION_MAX_STALENESS_MS (worker/config.ts), which the bundle runs with here. */
const BOUND_MS = 1000;
/** The longest a trial waits for the 401 before it counts as never. */
const GIVE_UP_MS = 10_000;

const sleep = (/** @type {number} */ milliseconds) =>
  new Promise((resolve) => setTimeout(resolve, milliseconds));

/** @type {import('../scenario.mjs').Scenario} */
export default {
  id: 'revocation',
  title: 'revocation bound',
  phase: 'runtimes',

  async run({ plan, tmp, build, config, probes }) {
    progress(`revocation across two isolates: ${plan.revocationTrials} trials`);
    // One poll is one D1 round trip: the probe's single read, over HTTP, timed like the trials.
    const reads = [];
    for (let i = 0; i < 25; i++) {
      reads.push((await expectStatus(new URL('/d1', probes.workerd.url), {}, 200, 'D1 probe')).ms);
    }
    const onePollMs = percentile(reads, 99);

    const server = await startWorkerd({
      ...gatehouseWorkerdConfig(config, 'revocation', build.gatehouseDir),
      persistDir: join(tmp, 'revocation-state'),
      instances: 2,
    });
    let busy = true;
    try {
      const [a, b] = server.urls;
      if (a === undefined || b === undefined) throw new Error('two instances did not start');
      const { user, token: steady } = await createAccounts(a, 0, 'revocation');
      // B's other traffic: a request every 20 ms, so its view is refreshed ahead of the bound as in an
      // isolate that has requests.
      const traffic = (async () => {
        while (busy) {
          await request(new URL('/data', b), { headers: { Authorization: steady } });
          await sleep(20);
        }
      })();
      const latencies = [];
      const checks = [];
      for (let trial = 0; trial < plan.revocationTrials; trial++) {
        const token = (await expectStatus(new URL('/login', a), form(user), 200, 'log-in on A')).body;
        const headers = { Authorization: token };
        for (let i = 0; i < 2; i++) await expectStatus(new URL('/data', b), { headers }, 200, 'B caches it');
        await sleep(Math.random() * BOUND_MS);
        await expectStatus(new URL('/logout', a), { method: 'POST', headers }, 204, 'log-out on A');
        const loggedOut = performance.now();
        let asked = 0;
        for (;;) {
          const answer = await request(new URL('/data', b), { headers });
          asked++;
          if (answer.status === 401) break;
          if (answer.status !== 200) throw new Error(`B answered ${answer.status}`);
          if (performance.now() - loggedOut > GIVE_UP_MS) throw new Error('B never refused the token');
        }
        latencies.push(performance.now() - loggedOut);
        checks.push(asked);
      }
      busy = false;
      await traffic;
      const summary = summarize(latencies);
      return {
        boundMs: BOUND_MS,
        onePollMs,
        trials: latencies.length,
        medianMs: summary.p50,
        maxMs: Math.max(...latencies),
        medianRequests: percentile(checks, 50),
        samples: latencies,
      };
    } finally {
      busy = false;
      await server.stop();
    }
  },

  report(r) {
    if (!r.revocation) return [];
    const v = r.revocation;
    return [
      `### Revocation across two isolates: from the log-out's answer on A to the first 401 on B (${v.trials} trials)`,
      '',
      table(
        ['bound', 'median', 'max', 'bound + one D1 round trip', 'requests B answered until the 401 (median)'],
        [[ms(v.boundMs), ms(v.medianMs), ms(v.maxMs), ms(v.boundMs + v.onePollMs), number(v.medianRequests)]],
      ),
    ];
  },

  summary: (v) => ({ boundMs: v.boundMs, medianMs: v.medianMs, maxMs: v.maxMs, onePollMs: v.onePollMs }),
};
