// Failed log-ins: an unknown name against a known name with a wrong password, in random order, the
// runtimes taking turns. Every answer must be a 401 (no throttle reached: each account fails once).
import { form, request } from '../lib/http.mjs';
import { ms, number, table } from '../lib/markdown.mjs';
import { progress } from '../lib/progress.mjs';
import { randomHex, randomPassword } from '../lib/random.mjs';
import { median, summarize } from '../lib/stats.mjs';

/** @type {import('../scenario.mjs').Scenario} */
export default {
  id: 'timing',
  title: 'failed log-ins',
  phase: 'runtimes',
  perRuntime: true,

  async run({ plan, runtimes: all }) {
    const runtimes = all.filter(({ dataOnly }) => !dataOnly);
    progress(`failed log-ins: ${plan.timingPairs} unknown-user and wrong-password pairs per runtime`);
    const series = runtimes.map((runtime) => ({
      runtime,
      unknown: /** @type {number[]} */ ([]),
      wrong: /** @type {number[]} */ ([]),
    }));
    for (let i = 0; i < plan.timingPairs; i++) {
      for (const { runtime, unknown, wrong } of series) {
        const attempts = [
          {
            samples: unknown,
            credentials: { username: `nobody-${i}-${randomHex(4)}`, password: randomPassword() },
          },
          {
            samples: wrong,
            credentials: { username: runtime.accounts[i].username, password: randomPassword() },
          },
        ];
        if (Math.random() < 0.5) attempts.reverse();
        for (const { samples, credentials } of attempts) {
          const res = await request(new URL('/login', runtime.url), form(credentials));
          if (res.status !== 401) {
            throw new Error(`${runtime.label} failed log-in: expected 401, got ${res.status}`);
          }
          samples.push(res.ms);
        }
      }
    }
    return Object.fromEntries(
      series.map(({ runtime, unknown, wrong }) => [
        runtime.key,
        { unknown: summarize(unknown), wrong: summarize(wrong), ratio: median(unknown) / median(wrong) },
      ]),
    );
  },

  report(r) {
    return [
      `### Failed log-ins: unknown user against wrong password (n = ${r.plan.timingPairs} each, random order)`,
      '',
      table(
        ['Runtime', 'unknown user p50 ms', 'wrong password p50 ms', 'unknown ÷ wrong'],
        Object.values(r.runtimes)
          .filter(({ timing }) => timing)
          .map(({ label, timing }) => [
            label,
            ms(timing.unknown.p50),
            ms(timing.wrong.p50),
            number(timing.ratio, 3),
          ]),
      ),
    ];
  },

  summary: (timing) => ({
    unknownP50Ms: timing.unknown.p50,
    wrongP50Ms: timing.wrong.p50,
    ratio: timing.ratio,
  }),
};
