// GET /data with a valid token at a fixed concurrency, every compared runtime, the runtimes taking
// turns round by round so that drift on the machine hits them alike. Its table also shows Gatehouse
// under `wrangler dev` when that was measured (scenarios/wrangler-dev.mjs).
import { load } from '../lib/http.mjs';
import { ms, number, table } from '../lib/markdown.mjs';
import { cpuTimeMs } from '../lib/proc.mjs';
import { progress } from '../lib/progress.mjs';
import { median } from '../lib/stats.mjs';

/** @typedef {import('../runtimes.mjs').Runtime} Runtime */

/** @type {import('../scenario.mjs').Scenario} */
export default {
  id: 'data',
  title: '/data',
  phase: 'runtimes',
  perRuntime: true,

  async run({ plan, runtimes, notes }) {
    const loadOn = (/** @type {Runtime} */ runtime, /** @type {number} */ seconds) =>
      load(new URL('/data', runtime.url).href, {
        connections: plan.connections,
        seconds,
        headers: runtime.headers,
      });
    for (const runtime of runtimes) await loadOn(runtime, plan.warmupSeconds);
    const series = runtimes.map((runtime) => ({
      runtime,
      rounds: /** @type {Record<string, number>[]} */ ([]),
    }));
    for (let round = 0; round < plan.dataRounds; round++) {
      for (const { runtime, rounds } of series) {
        progress(`/data round ${round + 1}/${plan.dataRounds}: ${runtime.label}`);
        const cpuBefore = cpuTimeMs(runtime.cpuPid);
        const hostBefore = runtime.hostPid === undefined ? Number.NaN : cpuTimeMs(runtime.hostPid);
        const result = await loadOn(runtime, plan.dataSeconds);
        const cpuUsPerRequest = ((cpuTimeMs(runtime.cpuPid) - cpuBefore) * 1000) / result.ok;
        const hostCpuUsPerRequest =
          runtime.hostPid === undefined
            ? Number.NaN
            : ((cpuTimeMs(runtime.hostPid) - hostBefore) * 1000) / result.ok;
        if (result.non2xx > 0 || result.errors > 0) {
          notes.push(
            `${runtime.label} /data: ${result.non2xx} non-2xx and ${result.errors} errors in a round`,
          );
        }
        rounds.push({ ...result, cpuUsPerRequest, hostCpuUsPerRequest });
      }
    }
    return Object.fromEntries(
      series.map(({ runtime, rounds }) => {
        const pick = (/** @type {string} */ key) => median(rounds.map((result) => result[key]));
        const data = {
          rps: pick('rps'),
          p50Ms: pick('p50'),
          p99Ms: pick('p99'),
          cpuUsPerRequest: pick('cpuUsPerRequest'),
          hostCpuUsPerRequest: pick('hostCpuUsPerRequest'),
          rounds,
        };
        return [runtime.key, data];
      }),
    );
  },

  report(r) {
    const runtimes = Object.values(r.runtimes);
    const gatehouse = r.runtimes.gatehouse;
    const rows = runtimes.map(({ label, data }) => [
      label,
      number(data.rps),
      ms(data.p50Ms),
      ms(data.p99Ms),
      number(data.cpuUsPerRequest),
    ]);
    if (r.wranglerDev) {
      const dev = r.wranglerDev.data;
      rows.push([
        `${r.wranglerDev.label} (1 × ${r.plan.devSeconds} s)`,
        number(dev.rps),
        ms(dev.p50Ms),
        ms(dev.p99Ms),
        '–',
      ]);
    }
    const lines = [
      `### GET /data with a valid token (${r.plan.connections} connections, median of ${r.plan.dataRounds} × ${r.plan.dataSeconds} s)`,
      '',
      table(['Runtime', 'req/s', 'p50 ms', 'p99 ms', 'server CPU µs/req'], rows),
    ];
    if (r.wranglerDev) {
      lines.push(
        '',
        `wrangler dev serves /data ${number(gatehouse.data.rps / r.wranglerDev.data.rps, 1)}× slower than the same ` +
          `Worker in workerd directly (wrangler dev took ${number(r.wranglerDev.startMs / 1000, 1)} s to start).`,
      );
    }
    return lines;
  },

  summary: (data) => ({
    rps: data.rps,
    p50Ms: data.p50Ms,
    p99Ms: data.p99Ms,
    cpuUsPerRequest: data.cpuUsPerRequest,
  }),
};
