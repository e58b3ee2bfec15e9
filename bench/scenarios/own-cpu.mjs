// The CPU time Gatehouse's Worker itself spends per request, with D1 and the rate limiter answered
// from memory inside the isolate (probes/stubbed-worker.ts): what a Workers CPU limit counts, free of
// Miniflare's local simulation of the storage. One request at a time, the PBKDF2 and empty probes
// taking turns with it.
import { join } from 'node:path';
import { expectStatus, form } from '../lib/http.mjs';
import { ms, number, table } from '../lib/markdown.mjs';
import { cpuTimeMs } from '../lib/proc.mjs';
import { progress } from '../lib/progress.mjs';
import { randomHex, randomPassword, secret } from '../lib/random.mjs';
import { startWorkerd } from '../lib/servers.mjs';
import { median } from '../lib/stats.mjs';

const WARM_UP = 2;

/** @type {import('../scenario.mjs').Scenario} */
export default {
  id: 'ownCpu',
  title: 'own CPU',
  phase: 'runtimes',
  optional: true,

  async run({ plan, tmp, build, config, probes }) {
    progress("Gatehouse's own CPU per request, storage answered in memory");
    const password = randomPassword();
    const worker = await startWorkerd({
      ...config.compatibility,
      name: 'stubbed',
      scriptPath: join(build.stubbedDir, 'index.js'),
      // Throttling off: its statements are answered by D1, whose CPU is not the Worker's.
      bindings: { JWT_SECRET: secret(), BENCH_PASSWORD: password, THROTTLING: 'off' },
      persistDir: join(tmp, 'stubbed-state'),
    });
    try {
      const probe = probes.workerd;
      const login = form({ username: 'benchuser', password });
      const unknown = () => form({ username: `nobody-${randomHex(4)}`, password });
      const token = (await expectStatus(new URL('/login', worker.url), login, 200, 'stubbed log-in')).body;
      const cases = [
        {
          id: 'data',
          label: 'GET /data, valid token',
          server: worker,
          path: '/data',
          init: () => ({ headers: { Authorization: token } }),
          status: 200,
        },
        {
          id: 'login',
          label: 'POST /login, right password',
          server: worker,
          path: '/login',
          init: () => login,
          status: 200,
        },
        {
          id: 'unknown',
          label: 'POST /login, unknown name',
          server: worker,
          path: '/login',
          init: unknown,
          status: 401,
        },
        {
          id: 'pbkdf2',
          label: 'raw PBKDF2-SHA256 × 100,000 (probe)',
          server: probe,
          path: '/pbkdf2',
          init: () => ({}),
          status: 200,
        },
        {
          id: 'empty',
          label: 'empty response (probe)',
          server: probe,
          path: '/empty',
          init: () => ({}),
          status: 200,
        },
      ];
      const samples = Object.fromEntries(
        cases.map(({ id }) => [id, { cpu: /** @type {number[]} */ ([]), ms: /** @type {number[]} */ ([]) }]),
      );
      for (let i = 0; i < plan.logins + WARM_UP; i++) {
        for (const c of cases) {
          const before = cpuTimeMs(c.server.cpuPid);
          const res = await expectStatus(
            new URL(c.path, c.server.url),
            c.init(),
            c.status,
            `stubbed ${c.label}`,
          );
          if (i < WARM_UP) continue;
          samples[c.id].cpu.push(cpuTimeMs(c.server.cpuPid) - before);
          samples[c.id].ms.push(res.ms);
        }
      }
      return cases.map(({ id, label }) => ({
        id,
        label,
        cpuMs: median(samples[id].cpu),
        wallMs: median(samples[id].ms),
      }));
    } finally {
      await worker.stop();
    }
  },

  report(r) {
    if (!r.ownCpu) return [];
    /** @type {{ id: string, label: string, cpuMs: number, wallMs: number }[]} */
    const rows = r.ownCpu;
    const own = Object.fromEntries(rows.map((row) => [row.id, row.cpuMs]));
    return [
      "### Gatehouse's own CPU per request: storage answered in memory, workerd (median)",
      '',
      table(
        ['Request', 'CPU ms', 'wall ms'],
        rows.map((row) => [row.label, number(row.cpuMs, 3), ms(row.wallMs)]),
      ),
      '',
      'What a Workers CPU limit counts (the Free plan allows 10 ms per request): D1 and the rate limiter ' +
        'are stand-ins inside the isolate, so waiting on them costs nothing, as in production. The figures are ' +
        "the whole workerd process's CPU for one request at a time, runtime overhead included (see the empty " +
        `response), so they are an upper bound. A log-in takes ${number(own.login, 2)} ms, of which ` +
        `${number(own.pbkdf2 - own.empty, 2)} ms is PBKDF2 and about ${number(own.login - own.pbkdf2, 2)} ms ` +
        `Gatehouse's own code; /data takes ${number(own.data, 2)} ms.`,
    ];
  },

  summary: (rows) =>
    rows.map((/** @type {{ id: string, cpuMs: number, wallMs: number }} */ row) => ({
      id: row.id,
      cpuMs: row.cpuMs,
      wallMs: row.wallMs,
    })),
};
