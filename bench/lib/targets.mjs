// The benchmark's targets: each reads the results of one run, and every ratio compares numbers from
// that same run.
import { FIRST_LOAD_JS_BUDGET_BYTES } from '../../tools/first-load.mjs';

/**
 * @typedef {import('../scenario.mjs').Results} Results
 * @typedef {object} Target
 * @property {string} id
 * @property {string} label
 * @property {string} goal
 * @property {'kB' | 'ms' | ''} [unit]  a ratio (×) when absent; '' a plain count
 * @property {(r: Results) => number} value
 * @property {(value: number, results: Results) => boolean} met
 * @typedef {{ id: string, label: string, goal: string, unit: string, value: number | null, met: boolean | null }} Evaluated
 *   null: not measured in this run
 */

/** @param {number} a @param {number} b */
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : Number.NaN);
/** JWT verify ops/s, ours ÷ `library`'s, from one runtime's results (`r.jwt` or `r.jwtWorkerd`). */
const verifyRatio = (/** @type {Results} */ jwt, /** @type {string} */ library) =>
  ratio(jwt.gatehouse.verify.opsPerSecond, jwt[library].verify.opsPerSecond);

/** @type {(Target & { evaluate: (results: Results) => Evaluated })[]} */
export const TARGETS = /** @type {Target[]} */ ([
  {
    id: 'data_vs_express',
    label: '/data req/s, Gatehouse ÷ Express baseline',
    goal: '≥ 1.5',
    value: (r) => ratio(r.runtimes.gatehouse.data.rps, r.runtimes.express.data.rps),
    met: (v) => v >= 1.5,
  },
  {
    id: 'data_vs_hono',
    label: '/data req/s, Gatehouse ÷ Hono + hono/jwt (no revocation at all)',
    goal: '≥ 0.9',
    value: (r) => ratio(r.runtimes.gatehouse.data.rps, r.runtimes.honoJwt.data.rps),
    met: (v) => v >= 0.9,
  },
  {
    id: 'strict_vs_d1_read',
    label: '/data req/s in strict mode ÷ one D1 session read and nothing else',
    goal: '≥ 0.9',
    value: (r) => {
      const rps = Object.fromEntries(r.stages.map((/** @type {any} */ stage) => [stage.id, stage.rps]));
      return ratio(rps.strict, rps.d1);
    },
    met: (v) => v >= 0.9,
  },
  {
    id: 'd1_per_1000_data',
    label: 'D1 statements per 1,000 /data requests, steady state',
    goal: '≤ 5',
    unit: '',
    value: (r) => r.d1Queries.find((/** @type {any} */ row) => row.id === 'default').perThousand,
    met: (v) => v <= 5,
  },
  {
    id: 'revocation_bound',
    label: 'revocation seen by another isolate, max ms (bound + one D1 round trip)',
    goal: '≤ bound + one poll',
    unit: 'ms',
    value: (r) => r.revocation.maxMs,
    met: (v, r) => v <= r.revocation.boundMs + r.revocation.onePollMs,
  },
  {
    id: 'verify_vs_hono',
    label: 'JWT verify ops/s in Node, ours ÷ hono/jwt',
    goal: '≥ 1.5',
    value: (r) => verifyRatio(r.jwt, 'hono/jwt'),
    met: (v) => v >= 1.5,
  },
  {
    id: 'verify_vs_jose',
    label: 'JWT verify ops/s in Node, ours ÷ jose',
    goal: '≥ 1.0',
    value: (r) => verifyRatio(r.jwt, 'jose'),
    met: (v) => v >= 1,
  },
  {
    id: 'verify_vs_hono_workerd',
    label: 'JWT verify ops/s in workerd, ours ÷ hono/jwt (information)',
    goal: '≥ 1.5',
    value: (r) => verifyRatio(r.jwtWorkerd, 'hono/jwt'),
    met: (v) => v >= 1.5,
  },
  {
    id: 'verify_vs_jose_workerd',
    label: 'JWT verify ops/s in workerd, ours ÷ jose (information)',
    goal: '≥ 1.0',
    value: (r) => verifyRatio(r.jwtWorkerd, 'jose'),
    met: (v) => v >= 1,
  },
  {
    id: 'login_vs_pbkdf2',
    label: '/login p50 ÷ raw PBKDF2 p50 (workerd)',
    goal: '≤ 1.20',
    value: (r) => r.runtimes.gatehouse.login.ratioToPbkdf2,
    met: (v) => v <= 1.2,
  },
  {
    id: 'login_vs_pbkdf2_cpu',
    label: '/login CPU ÷ PBKDF2 CPU, storage in memory (information)',
    goal: '≤ 1.15',
    value: (r) => {
      const own = Object.fromEntries(r.ownCpu.map((row) => [row.id, row.cpuMs]));
      return own.login / own.pbkdf2;
    },
    met: (v) => v <= 1.15,
  },
  {
    id: 'unknown_vs_wrong',
    label: 'failed log-in p50, unknown user ÷ wrong password',
    goal: '0.95–1.05',
    value: (r) => r.runtimes.gatehouse.timing.ratio,
    met: (v) => v >= 0.95 && v <= 1.05,
  },
  {
    id: 'worker_gzip',
    label: 'Worker bundle, gzip',
    goal: '≤ 40 kB',
    unit: 'kB',
    value: (r) => r.sizes.workerGzipBytes / 1000,
    met: (v) => v <= 40,
  },
  {
    id: 'pwa_first_load_js',
    label: 'PWA first-load JS, gzip',
    goal: `≤ ${FIRST_LOAD_JS_BUDGET_BYTES / 1000} kB`,
    unit: 'kB',
    value: (r) => (r.sizes.pwa ? r.sizes.pwa.jsGzipBytes / 1000 : Number.NaN),
    met: (v) => v <= FIRST_LOAD_JS_BUDGET_BYTES / 1000,
  },
]).map((target) => ({
  ...target,
  evaluate(results) {
    let value;
    try {
      value = target.value(results);
    } catch {
      value = Number.NaN;
    }
    const known = Number.isFinite(value);
    return {
      id: target.id,
      label: target.label,
      goal: target.goal,
      unit: target.unit ?? '×',
      value: known ? Math.round(value * 1000) / 1000 : null,
      met: known ? target.met(value, results) : null,
    };
  },
}));
