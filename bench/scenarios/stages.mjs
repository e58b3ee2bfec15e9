// Where /data's time goes, as workerd CPU per request under the same load: the runtime alone, one D1
// session read alone (the probe), then Gatehouse's /data stopped at successive points (no token:
// middleware only; a token with a wrong signature: plus the HMAC check; a valid token: everything).
// Full runs only.
import { randomBytes } from 'node:crypto';
import { load, request } from '../lib/http.mjs';
import { number, table } from '../lib/markdown.mjs';
import { cpuTimeMs } from '../lib/proc.mjs';
import { progress } from '../lib/progress.mjs';

/** @typedef {import('../lib/servers.mjs').Server} Server */

/** @type {import('../scenario.mjs').Scenario} */
export default {
  id: 'stages',
  title: '/data stages',
  phase: 'runtimes',
  enabled: ({ plan }) => plan.stageSeconds > 0,

  async run({ plan, runtimes, probes }) {
    const gatehouse = runtimes.find(({ key }) => key === 'gatehouse');
    const strict = runtimes.find(({ key }) => key === 'gatehouseStrict');
    if (gatehouse === undefined || strict === undefined) throw new Error('Gatehouse is not running');
    const probe = probes.workerd;
    const [header, payload] = gatehouse.token.split('.');
    const forged = `${header}.${payload}.${randomBytes(32).toString('base64url')}`;
    /** @type {{ id: string, label: string, server: Server, path: string, headers?: Record<string, string>, status: number }[]} */
    const stages = [
      {
        id: 'empty',
        label: 'empty Worker response (runtime floor)',
        server: probe,
        path: '/empty',
        status: 200,
      },
      { id: 'd1', label: 'one D1 session read, nothing else', server: probe, path: '/d1', status: 200 },
      {
        id: 'noToken',
        label: 'Gatehouse /data, no token → 401 (middleware)',
        server: gatehouse,
        path: '/data',
        headers: {},
        status: 401,
      },
      {
        id: 'badSignature',
        label: 'Gatehouse /data, wrong signature → 401 (+ HMAC verify)',
        server: gatehouse,
        path: '/data',
        headers: { Authorization: forged },
        status: 401,
      },
      {
        id: 'full',
        label: 'Gatehouse /data, valid token (+ session check from the isolate cache)',
        server: gatehouse,
        path: '/data',
        status: 200,
      },
      {
        id: 'strict',
        label: 'Gatehouse /data in strict mode, valid token (+ one D1 session read)',
        server: strict,
        path: '/data',
        headers: strict.headers,
        status: 200,
      },
    ];
    const results = [];
    for (const stage of stages) {
      progress(`/data stages: ${stage.label}`);
      const headers = stage.headers ?? gatehouse.headers;
      const target = new URL(stage.path, stage.server.url).href;
      const check = await request(target, { headers });
      if (check.status !== stage.status)
        throw new Error(`${stage.label}: expected ${stage.status}, got ${check.status}`);
      const cpuBefore = cpuTimeMs(stage.server.cpuPid);
      const result = await load(target, {
        connections: plan.connections,
        seconds: plan.stageSeconds,
        headers,
        anyStatus: true,
      });
      const answered = result.requests;
      results.push({
        id: stage.id,
        label: stage.label,
        rps: answered / plan.stageSeconds,
        cpuUsPerRequest: ((cpuTimeMs(stage.server.cpuPid) - cpuBefore) * 1000) / answered,
      });
    }
    return results;
  },

  report(r) {
    if (!r.stages) return [];
    /** @type {{ id: string, label: string, rps: number, cpuUsPerRequest: number }[]} */
    const stages = r.stages;
    const cpu = Object.fromEntries(stages.map((stage) => [stage.id, stage.cpuUsPerRequest]));
    return [
      `### Where /data's CPU goes (workerd process, ${r.plan.connections} connections, ${r.plan.stageSeconds} s each)`,
      '',
      table(
        ['Stage', 'req/s', 'workerd CPU µs/req'],
        stages.map((stage) => [stage.label, number(stage.rps), number(stage.cpuUsPerRequest)]),
      ),
      '',
      `Over an empty Worker, Gatehouse's middleware costs ${number(cpu.noToken - cpu.empty)} µs, the HMAC check ` +
        `${number(cpu.badSignature - cpu.noToken)} µs, and the session check from the cache with the 200 ` +
        `response ${number(cpu.full - cpu.badSignature)} µs (${number(cpu.strict - cpu.badSignature)} µs with ` +
        `strict mode's D1 read); one D1 read on its own costs ${number(cpu.d1 - cpu.empty)} µs ` +
        'in the local D1 (Miniflare runs it in the same workerd process, so its CPU is counted here).',
    ];
  },

  summary: (stages) =>
    stages.map((/** @type {{ id: string, rps: number, cpuUsPerRequest: number }} */ stage) => ({
      id: stage.id,
      rps: stage.rps,
      cpuUsPerRequest: stage.cpuUsPerRequest,
    })),
};
