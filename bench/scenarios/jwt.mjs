// JWT HS256 sign and verify, ops/s: Gatehouse's worker/auth/jwt.ts against `hono/jwt` with its
// defaults, `jose` with a cached key, `jsonwebtoken` (Node only) and one bare crypto.subtle call as the
// floor. Two scenarios with one table: in Node (probes/jwt-node.mjs, a process of its own) and inside
// workerd, the runtime Gatehouse ships to (probes/jwt-worker.ts).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from '../../tools/paths.mjs';
import { expectStatus } from '../lib/http.mjs';
import { number, table } from '../lib/markdown.mjs';
import { progress } from '../lib/progress.mjs';
import { secret } from '../lib/random.mjs';
import { startWorkerd } from '../lib/servers.mjs';
import { median } from '../lib/stats.mjs';

const NODE_SCRIPT = fileURLToPath(new URL('../probes/jwt-node.mjs', import.meta.url));
/** Calls per timed request in workerd. */
const CALLS = 2_000;

/** @typedef {Record<string, Record<'sign' | 'verify', { opsPerSecond: number, medianNs: number }>>} JwtResults */

/** Ops/s rounded, per library: the BENCH_JSON form of either runtime's results. */
const opsPerLibrary = (/** @type {JwtResults} */ results) =>
  Object.fromEntries(
    Object.entries(results).map(([name, ops]) => [
      name,
      { signOps: Math.round(ops.sign.opsPerSecond), verifyOps: Math.round(ops.verify.opsPerSecond) },
    ]),
  );

/** @type {import('../scenario.mjs').Scenario} */
export const jwtInNode = {
  id: 'jwt',
  title: 'JWT in Node',
  phase: 'alone',

  async run({ plan, build }) {
    progress('JWT sign/verify micro-benchmark');
    const result = spawnSync(process.execPath, [NODE_SCRIPT, build.jwtModule, String(plan.jwtRounds)], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 180_000,
    });
    const line = result.stdout?.split('\n').find((text) => text.startsWith('JWT_JSON '));
    if (result.status !== 0 || line === undefined)
      throw new Error(`JWT micro-benchmark failed:\n${result.stderr}`);
    return JSON.parse(line.slice('JWT_JSON '.length));
  },

  report(r) {
    const jwtName = (/** @type {string} */ name) =>
      name === 'webcrypto-floor' ? 'one crypto.subtle call (floor)' : name;
    /** @type {JwtResults} */
    const node = r.jwt;
    /** @type {JwtResults | null} */
    const workerd = r.jwtWorkerd;
    const rows = Object.entries(node).map(([name, ops]) => [
      jwtName(name),
      number(ops.sign.opsPerSecond),
      number(ops.verify.opsPerSecond),
      workerd?.[name] ? number(workerd[name].sign.opsPerSecond) : 'n/a',
      workerd?.[name] ? number(workerd[name].verify.opsPerSecond) : 'n/a',
    ]);
    return [
      `### JWT HS256 sign and verify (ops/s; Node: one process, median of ${r.plan.jwtRounds} rounds of the median call; workerd: ${r.plan.jwtRounds} rounds of 2,000 calls)`,
      '',
      table(['Library', 'sign, Node', 'verify, Node', 'sign, workerd', 'verify, workerd'], rows),
      '',
      "jsonwebtoken needs Node's crypto module, so it runs in Node only. The floor is one " +
        'crypto.subtle.sign or verify with a cached key on the same bytes: what any HS256 on Web Crypto must spend.',
    ];
  },

  summary: opsPerLibrary,
};

/**
 * Sign and verify inside workerd: each sample is one request running a case CALLS times, less an
 * empty request just before it; rounds rotate through the cases. Per case, the median over rounds.
 * Its figures are columns of the table above.
 * @type {import('../scenario.mjs').Scenario}
 */
export const jwtInWorkerd = {
  id: 'jwtWorkerd',
  title: 'JWT in workerd',
  phase: 'alone',

  async run({ plan, tmp, build, config }) {
    progress('JWT sign/verify in workerd');
    const worker = await startWorkerd({
      ...config.compatibility,
      name: 'jwt-bench',
      scriptPath: join(build.jwtWorkerDir, 'index.js'),
      bindings: { JWT_SECRET: secret() },
      persistDir: join(tmp, 'jwt-worker-state'),
    });
    try {
      const list = await expectStatus(new URL('/', worker.url), {}, 200, 'JWT worker');
      const cases = list.body.split('\n');
      /** @type {Record<string, number[]>} */
      const samples = Object.fromEntries(cases.map((name) => [name, []]));
      const timeCase = async (/** @type {string} */ name, /** @type {number} */ n) =>
        (await expectStatus(new URL(`/?case=${encodeURIComponent(name)}&n=${n}`, worker.url), {}, 200, name))
          .ms;
      for (const name of cases) await timeCase(name, 500);
      for (let round = 0; round < plan.jwtRounds; round++) {
        for (let i = 0; i < cases.length; i++) {
          const name = cases[(i + round) % cases.length];
          const empty = await timeCase(name, 0);
          samples[name].push(((await timeCase(name, CALLS)) - empty) / CALLS);
        }
      }
      /** @type {Record<string, Record<string, { opsPerSecond: number, medianNs: number }>>} */
      const result = {};
      for (const [alias, msPerOp] of Object.entries(samples)) {
        const [operation, name] = alias.split(' ');
        const ms = median(msPerOp);
        result[name] ??= {};
        result[name][operation] = { opsPerSecond: 1000 / ms, medianNs: ms * 1e6 };
      }
      return result;
    } finally {
      await worker.stop();
    }
  },

  summary: opsPerLibrary,
};
