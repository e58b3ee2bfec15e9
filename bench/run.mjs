// `npm run bench` — Gatehouse side by side with what people would use instead, in one run:
//   (a) Gatehouse's production bundle (`wrangler deploy --dry-run`) in local workerd with a real local D1,
//       and once under `wrangler dev`, to show what the dev proxy costs;
//   (b) the tutorial's design on Node: Express + jsonwebtoken + SQLite (bench/baselines/express);
//   (c) the same routes the common Hono way with `hono/jwt` defaults, in workerd (bench/baselines/hono-jwt).
// It builds what it measures first (the PWA included), runs everything on 127.0.0.1 and stops it at the
// end. Prints Markdown tables, then one line `BENCH_JSON {...}`; the same results go to bench/results/
// (git-ignored). BENCHMARKS.md explains the method and the figures.
//
//   npm run bench                  about 2–3 minutes
//   npm run bench -- --quick       about 1 minute, fewer and shorter samples
//   npm run bench -- --no-dev      skip the `wrangler dev` comparison
//   npm run bench -- --candidate <dir>
//                                  also measure another `wrangler deploy --dry-run --outdir <dir>` bundle
//                                  (a change under consideration) with the same load, in the same run
//
// What is measured, in this order, is SCENARIOS below: one file each in bench/scenarios/ (the contract
// is bench/scenario.mjs).
import { requireNode } from '../tools/node-version.mjs';
import { buildAll } from './build.mjs';
import { parseOptions, planFor } from './cli.mjs';
import { runCleanly } from './lib/lifecycle.mjs';
import { loadAverage, machineInfo } from './lib/machine.mjs';
import { progress } from './lib/progress.mjs';
import { formatReport } from './lib/report.mjs';
import { headline, publish } from './lib/results.mjs';
import { TARGETS } from './lib/targets.mjs';
import { readWranglerConfig } from './lib/wrangler-config.mjs';
import { startProbes, startRuntimes } from './runtimes.mjs';
import { runScenarios, scenarioResults } from './scenario.mjs';
import cacheMemory from './scenarios/cache-memory.mjs';
import d1Queries from './scenarios/d1-queries.mjs';
import data from './scenarios/data.mjs';
import { jwtInNode, jwtInWorkerd } from './scenarios/jwt.mjs';
import login from './scenarios/login.mjs';
import ownCpu from './scenarios/own-cpu.mjs';
import revocation from './scenarios/revocation.mjs';
import stages from './scenarios/stages.mjs';
import timing from './scenarios/timing.mjs';
import wranglerDev from './scenarios/wrangler-dev.mjs';

/** @type {import('./scenario.mjs').Scenario[]} */
const SCENARIOS = [
  data, //          GET /data under load, every runtime
  stages, //        where /data's CPU goes (full runs)
  login, //         POST /login against raw PBKDF2
  ownCpu, //        Gatehouse's own CPU, storage in memory
  timing, //        unknown user against wrong password
  revocation, //    how late another isolate refuses a revoked session
  d1Queries, //     D1 statements per 1,000 /data, default and strict
  cacheMemory, //   a full session cache's memory
  wranglerDev, //   /data under wrangler dev
  jwtInNode, //     JWT sign/verify in Node
  jwtInWorkerd, //  ... and in workerd
];

const options = parseOptions(process.argv.slice(2));
requireNode('npm run bench', 'wrangler 4, node:sqlite');
const plan = planFor(options);

await runCleanly(plan.deadlineMinutes, async (tmp) => {
  const started = performance.now();
  const machine = machineInfo();
  const notes = [];
  progress(`${options.quick ? 'quick' : 'full'} run; temporary files in ${tmp}`);

  const build = await buildAll(tmp);
  const config = await readWranglerConfig(notes);
  const setting = { plan, tmp, build, config, candidate: options.candidate };
  const runtimes = await startRuntimes(setting);
  const probes = await startProbes(setting);
  const bench = { options, plan, tmp, build, config, runtimes, probes, notes };

  const measured = new Map();
  try {
    await runScenarios(SCENARIOS, 'runtimes', bench, measured);
  } finally {
    await Promise.all([...runtimes, probes.workerd, probes.node].map((server) => server.stop()));
  }
  await runScenarios(SCENARIOS, 'alone', bench, measured);
  machine.loadAverageAtEnd = loadAverage();

  /** @type {import('./scenario.mjs').Results} */
  const results = {
    date: new Date().toISOString(),
    mode: options.quick ? 'quick' : 'full',
    plan,
    machine,
    ...scenarioResults(SCENARIOS, measured, runtimes),
    sizes: build.sizes,
    notes,
    seconds: Math.round((performance.now() - started) / 1000),
  };
  results.targets = TARGETS.map((target) => target.evaluate(results));
  publish(results, formatReport(results, SCENARIOS), headline(results, SCENARIOS));
});
