// D1 statements per 1,000 requests of GET /data at steady state (the default configuration and strict
// mode), counted by probes/counting-worker.ts around the real local D1: what the session cache saves a
// deployment in D1 reads (docs/session-check.md).
import { join } from 'node:path';
import { expectStatus, load, request } from '../lib/http.mjs';
import { number, table } from '../lib/markdown.mjs';
import { progress } from '../lib/progress.mjs';
import { startWorkerd } from '../lib/servers.mjs';
import { createAccounts, gatehouseWorkerdConfig } from '../runtimes.mjs';

/** @type {import('../scenario.mjs').Scenario} */
export default {
  id: 'd1Queries',
  title: 'D1 statements per /data',
  phase: 'alone',

  async run({ plan, tmp, build, config }) {
    /** @type {{ id: string, label: string, vars: Record<string, string> }[]} */
    const modes = [
      { id: 'default', label: 'default (REVOCATION_MAX_STALENESS_MS=1000)', vars: {} },
      {
        id: 'strict',
        label: 'strict mode (REVOCATION_MAX_STALENESS_MS=0)',
        vars: { REVOCATION_MAX_STALENESS_MS: '0' },
      },
    ];
    const results = [];
    for (const mode of modes) {
      progress(`D1 statements per /data request: ${mode.label}`);
      const worker = await startWorkerd({
        ...gatehouseWorkerdConfig(config, `counting-${mode.id}`, build.countingDir, mode.vars),
        wholeDirectory: false,
        persistDir: join(tmp, `counting-${mode.id}-state`),
      });
      try {
        const { token } = await createAccounts(worker.url, 0, 'counting Worker');
        const target = new URL('/data', worker.url).href;
        const headers = { Authorization: token };
        await load(target, { connections: plan.connections, seconds: plan.warmupSeconds, headers });
        await request(new URL('/__bench/d1', worker.url));
        const result = await load(target, {
          connections: plan.connections,
          seconds: plan.dataSeconds,
          headers,
        });
        const counted = await expectStatus(new URL('/__bench/d1', worker.url), {}, 200, 'statement count');
        const statements = Number(counted.body);
        results.push({
          id: mode.id,
          label: mode.label,
          requests: result.ok,
          statements,
          perThousand: (statements / result.ok) * 1000,
        });
      } finally {
        await worker.stop();
      }
    }
    return results;
  },

  report(r) {
    if (!r.d1Queries) return [];
    return [
      `### D1 statements per 1,000 GET /data requests (${r.plan.connections} connections, ${r.plan.dataSeconds} s after ${r.plan.warmupSeconds} s of warm-up)`,
      '',
      table(
        ['Configuration', 'requests', 'D1 statements', 'per 1,000 requests'],
        r.d1Queries.map((/** @type {any} */ row) => [
          row.label,
          number(row.requests),
          number(row.statements),
          number(row.perThousand, 2),
        ]),
      ),
      '',
      'Counted around the real local D1 (bench/probes/counting-worker.ts): every statement, alone or in a ' +
        'batch. In the default configuration they are the revocation-feed polls and the once-a-minute ' +
        '`last_used_at` write.',
    ];
  },

  summary: (rows) => rows.map((/** @type {any} */ row) => ({ id: row.id, perThousand: row.perThousand })),
};
