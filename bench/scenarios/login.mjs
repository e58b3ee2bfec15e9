// Successful log-ins one at a time. The runtimes take turns request by request, and each turn also
// times one raw PBKDF2 and one empty request to the probe of that runtime's family (workerd or Node),
// so every series sees the same moments of a busy machine.
import { expectStatus, form, request } from '../lib/http.mjs';
import { ms, number, table } from '../lib/markdown.mjs';
import { cpuTimeMs } from '../lib/proc.mjs';
import { progress } from '../lib/progress.mjs';
import { median, summarize } from '../lib/stats.mjs';

/** @typedef {import('../lib/servers.mjs').Server} Server */

/**
 * One request, with the CPU time the server process spent meanwhile (the runtime's own threads; for
 * workerd that includes the local D1 and rate limiter, which Miniflare runs in the same process).
 * @param {number} cpuPid
 * @param {URL} url
 * @param {Parameters<typeof request>[1]} init
 * @param {number} status
 * @param {string} what
 */
async function timed(cpuPid, url, init, status, what) {
  const before = cpuTimeMs(cpuPid);
  const res = await request(url, init);
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${res.body.slice(0, 200)}`);
  return { ms: res.ms, cpuMs: cpuTimeMs(cpuPid) - before };
}

/** @type {import('../scenario.mjs').Scenario} */
export default {
  id: 'login',
  title: '/login',
  phase: 'runtimes',
  perRuntime: true,

  async run({ plan, runtimes: all, probes }) {
    const runtimes = all.filter(({ dataOnly }) => !dataOnly);
    progress(`/login: ${plan.logins} log-ins per runtime, with raw PBKDF2 in between`);
    const logins = runtimes.map((runtime) => ({ runtime, ms: /** @type {number[]} */ ([]), cpuMs: 0 }));
    /** @type {Record<string, { probe: Server, pbkdf2: number[], empty: number[], cpuMs: number }>} */
    const yardsticks = {};
    for (const { family } of runtimes)
      yardsticks[family] ??= { probe: probes[family], pbkdf2: [], empty: [], cpuMs: 0 };
    for (let i = 0; i < plan.logins; i++) {
      for (const login of i % 2 === 0 ? logins : [...logins].reverse()) {
        const { runtime } = login;
        const url = new URL('/login', runtime.url);
        const res = await timed(runtime.cpuPid, url, form(runtime.user), 200, `${runtime.label} /login`);
        login.ms.push(res.ms);
        login.cpuMs += res.cpuMs;
      }
      for (const yardstick of Object.values(yardsticks)) {
        const { probe } = yardstick;
        const res = await timed(probe.cpuPid, new URL('/pbkdf2', probe.url), {}, 200, 'PBKDF2 probe');
        yardstick.pbkdf2.push(res.ms);
        yardstick.cpuMs += res.cpuMs;
        yardstick.empty.push((await expectStatus(new URL('/empty', probe.url), {}, 200, 'empty probe')).ms);
      }
    }
    return Object.fromEntries(
      logins.map(({ runtime, ms: times, cpuMs: totalCpuMs }) => {
        const yardstick = yardsticks[runtime.family];
        const cpuMs = totalCpuMs / plan.logins;
        const pbkdf2CpuMs = yardstick.cpuMs / plan.logins;
        const result = {
          ...summarize(times),
          cpuMs,
          pbkdf2: { ...summarize(yardstick.pbkdf2), cpuMs: pbkdf2CpuMs },
          emptyRoundTrip: summarize(yardstick.empty),
          ratioToPbkdf2: median(times) / median(yardstick.pbkdf2),
          cpuRatioToPbkdf2: cpuMs / pbkdf2CpuMs,
        };
        return [runtime.key, result];
      }),
    );
  },

  report(r) {
    const { gatehouse, express } = r.runtimes;
    return [
      `### POST /login, one request at a time (n = ${r.plan.logins}, the runtimes taking turns)`,
      '',
      table(
        [
          'Runtime',
          'p50 ms',
          'p99 ms',
          'raw PBKDF2 p50 ms',
          'login ÷ PBKDF2',
          'server CPU ms/login',
          'PBKDF2 CPU ms',
          'CPU ratio',
        ],
        Object.values(r.runtimes)
          .filter(({ login }) => login)
          .map(({ label, login }) => [
            label,
            ms(login.p50),
            ms(login.p99),
            ms(login.pbkdf2.p50),
            number(login.ratioToPbkdf2, 3),
            ms(login.cpuMs),
            ms(login.pbkdf2.cpuMs),
            number(login.cpuRatioToPbkdf2, 3),
          ]),
      ),
      '',
      'Raw PBKDF2 = one request to a probe in the same runtime that does nothing but PBKDF2-SHA256 × 100,000 ' +
        `(an empty request to that probe takes ${ms(gatehouse.login.emptyRoundTrip.p50)} ms in workerd, ` +
        `${ms(express.login.emptyRoundTrip.p50)} ms on Node). Server CPU is the server process's CPU time per ` +
        "request; for workerd it includes the local D1 and rate limiter, which Miniflare runs in the Worker's process.",
    ];
  },

  summary: (login) => ({
    p50Ms: login.p50,
    p99Ms: login.p99,
    pbkdf2P50Ms: login.pbkdf2.p50,
    ratioToPbkdf2: login.ratioToPbkdf2,
    cpuMs: login.cpuMs,
    pbkdf2CpuMs: login.pbkdf2.cpuMs,
  }),
};
