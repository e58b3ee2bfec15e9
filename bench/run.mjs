// `npm run bench` — Gatehouse side by side with what people would use instead, in one run:
//   (a) Gatehouse's production bundle (`wrangler deploy --dry-run`) in local workerd with a real local D1,
//       and once under `wrangler dev`, to show what the dev proxy costs;
//   (b) the tutorial's design on Node: Express + jsonwebtoken + SQLite (bench/baselines/express);
//   (c) the same routes the common Hono way with `hono/jwt` defaults, in workerd (bench/baselines/hono-jwt).
// Everything runs on 127.0.0.1 and is stopped at the end. Prints Markdown tables, then one line
// `BENCH_JSON {...}`; the same results go to bench/results/ (git-ignored).
//
//   npm run bench                  about 2–3 minutes
//   npm run bench -- --quick       about 1 minute, fewer and shorter samples
//   npm run bench -- --no-dev      skip the `wrangler dev` comparison
//   npm run bench -- --candidate <dir>
//                                  also measure another `wrangler deploy --dry-run --outdir <dir>` bundle
//                                  (a change under consideration) with the same load, in the same run
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import { expectStatus, form, load, request } from './lib/http.mjs';
import { cpuTimeMs, stopAllChildren } from './lib/proc.mjs';
import { pwaFirstLoadInBrowser } from './lib/pwa.mjs';
import { formatReport, TARGETS } from './lib/report.mjs';
import { startNode, startWorkerd, startWranglerDev } from './lib/runtimes.mjs';
import { pwaFirstLoad, workerBundleSize } from './lib/sizes.mjs';
import { median, summarize } from './lib/stats.mjs';

const argv = process.argv.slice(2);
const args = new Set(argv);
if (args.has('--help')) {
  console.log('usage: npm run bench -- [--quick] [--no-dev] [--candidate <dry-run outdir>]');
  process.exit(0);
}
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(
    `npm run bench needs Node 22.12 or later (wrangler 4, node:sqlite); this is ${process.version}.`,
  );
  process.exit(1);
}
const QUICK = args.has('--quick');
const WITH_DEV = !args.has('--no-dev');
/** A second production bundle (e.g. a proposed change, built with --dry-run --outdir) measured alongside. */
const CANDIDATE = argv.includes('--candidate') ? argv[argv.indexOf('--candidate') + 1] : undefined;

/** How much of everything: the default run, and --quick. */
const PLAN = QUICK
  ? {
      connections: 16,
      dataSeconds: 3,
      warmupSeconds: 1,
      dataRounds: 1,
      logins: 12,
      timingPairs: 25,
      coldStarts: 2,
      devSeconds: 3,
      jwtRounds: 4,
      stageSeconds: 0,
      deadlineMinutes: 3,
    }
  : {
      connections: 16,
      dataSeconds: 5,
      warmupSeconds: 2,
      dataRounds: 3,
      logins: 40,
      timingPairs: 80,
      coldStarts: 5,
      devSeconds: 5,
      jwtRounds: 12,
      stageSeconds: 3,
      deadlineMinutes: 8,
    };

const root = fileURLToPath(new URL('..', import.meta.url));
const benchDir = fileURLToPath(new URL('.', import.meta.url));
const require = createRequire(import.meta.url);
const wranglerBin = join(dirname(require.resolve('wrangler/package.json')), 'bin/wrangler.js');
const fromWrangler = createRequire(require.resolve('wrangler/package.json'));
const tmp = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
const notes = [];

const progress = (message) => process.stderr.write(`[bench] ${message}\n`);
const secret = () => randomBytes(32).toString('base64url');
const randomPassword = () => `${randomBytes(12).toString('base64url')}-Pw`;

// ---------------------------------------------------------------------------------------------- build

function wrangler(commandArgs, timeoutMs) {
  const result = spawnSync(process.execPath, [wranglerBin, ...commandArgs], {
    cwd: root,
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
  });
  if (result.status !== 0) {
    throw new Error(`wrangler ${commandArgs.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/**
 * One ES module with its imports bundled in, for no particular platform. `forWorkerd` resolves packages
 * with the export conditions and fields wrangler uses for a Worker.
 */
function bundleModule(entry, outfile, { forWorkerd = true, minify = false } = {}) {
  return esbuild({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    ...(forWorkerd ? { conditions: ['workerd', 'worker', 'browser'], mainFields: ['module', 'main'] } : {}),
    minify,
    logLevel: 'error',
  });
}

async function buildAll() {
  const gatehouseDir = join(tmp, 'gatehouse-bundle');
  const output = wrangler(['deploy', '--dry-run', '--outdir', gatehouseDir], 120_000);
  const reported = /gzip:\s*([\d.]+)\s*KiB/.exec(output)?.[1];

  const honoDir = join(tmp, 'hono-jwt-bundle');
  await bundleModule(join(benchDir, 'baselines/hono-jwt/worker.ts'), join(honoDir, 'index.js'));

  // Gatehouse's JWT module as plain JS, for the Node micro-benchmark.
  const jwtModule = join(tmp, 'jwt', 'jwt.mjs');
  await bundleModule(join(root, 'worker/auth/jwt.ts'), jwtModule, { forWorkerd: false });

  // The same comparison inside workerd.
  const jwtWorkerDir = join(tmp, 'jwt-worker');
  await bundleModule(join(benchDir, 'probes/jwt-worker.ts'), join(jwtWorkerDir, 'index.js'));

  // Gatehouse with its storage answered in memory, for its own CPU time per request.
  const stubbedDir = join(tmp, 'stubbed-worker');
  await bundleModule(join(benchDir, 'probes/stubbed-worker.ts'), join(stubbedDir, 'index.js'), {
    minify: true,
  });

  const bundle = workerBundleSize(gatehouseDir);
  return {
    gatehouseDir,
    honoDir,
    jwtModule,
    jwtWorkerDir,
    stubbedDir,
    sizes: {
      workerRawBytes: bundle.rawBytes,
      workerGzipBytes: bundle.gzipBytes,
      workerFiles: bundle.files,
      workerGzipKiBReportedByWrangler: reported === undefined ? null : Number(reported),
      honoBaselineGzipBytes: workerBundleSize(honoDir).gzipBytes,
    },
  };
}

// ------------------------------------------------------------------------------------------ settings

/** The bindings of wrangler.toml, so the bench runs the Worker as it is configured. */
async function readWranglerConfig() {
  const { unstable_readConfig } = await import('wrangler');
  const config = unstable_readConfig({ config: join(root, 'wrangler.toml') });
  const d1 = config.d1_databases ?? [];
  const unsupported = ['kv_namespaces', 'r2_buckets', 'queues', 'services', 'hyperdrive', 'vectorize']
    .filter((key) => (config[key]?.producers ?? config[key] ?? []).length > 0)
    .concat((config.durable_objects?.bindings ?? []).length > 0 ? ['durable_objects'] : []);
  if (unsupported.length > 0)
    notes.push(`wrangler.toml bindings not simulated by the bench: ${unsupported.join(', ')}`);
  return {
    compatibilityDate: config.compatibility_date,
    compatibilityFlags: config.compatibility_flags ?? [],
    d1Databases: Object.fromEntries(d1.map((db) => [db.binding, db.database_id ?? db.binding])),
    migrations: d1.map((db) => ({
      binding: db.binding,
      files: readdirSync(join(root, db.migrations_dir ?? 'migrations'))
        .filter((file) => /^\d+.*\.sql$/.test(file))
        .sort()
        .map((file) => join(root, db.migrations_dir ?? 'migrations', file)),
    })),
    // Every request comes from 127.0.0.1, so the per-IP limiter would refuse the bench after its first
    // few log-ins; its limit is lifted here (the binding is still called on every request).
    ratelimits: Object.fromEntries(
      (config.ratelimits ?? []).map((limiter) => [
        limiter.name,
        {
          namespace_id: String(limiter.namespace_id),
          simple: { limit: 1_000_000_000, period: limiter.simple?.period ?? 60 },
        },
      ]),
    ),
    vars: Object.fromEntries(
      Object.entries(config.vars ?? {}).filter(([, value]) => typeof value === 'string'),
    ),
  };
}

// ---------------------------------------------------------------------------------------- set-up

/**
 * Creates the accounts a runtime needs (one to log in with, one per wrong-password sample, each used
 * once so that no account reaches a log-in throttle) and gets a token for /data.
 */
async function createAccounts(url, count, label) {
  const user = { username: `bench-user-${randomBytes(3).toString('hex')}`, password: randomPassword() };
  await expectStatus(new URL('/signup', url), form(user), 201, `${label} sign-up`);
  const accounts = [];
  for (let i = 0; i < count; i++) {
    const account = { username: `bench-${i}-${randomBytes(3).toString('hex')}`, password: randomPassword() };
    await expectStatus(new URL('/signup', url), form(account), 201, `${label} sign-up ${i}`);
    accounts.push(account);
  }
  const login = await expectStatus(new URL('/login', url), form(user), 200, `${label} log-in`);
  return { user, accounts, token: login.body };
}

/** Starts the runtime `coldStarts` times from scratch, timing each start; keeps the last one running. */
async function coldStarts(start, label) {
  const samples = [];
  let instance;
  for (let i = 0; i < PLAN.coldStarts; i++) {
    if (instance) await instance.stop();
    instance = await start();
    if (instance.firstOkMs === null) throw new Error(`${label}: no 200 on the first request after start`);
    samples.push(instance.firstOkMs);
  }
  return { instance, coldStart: { samples, ...summarize(samples) } };
}

async function prepareWorkerd(label, baseConfig, headers) {
  const persistDir = join(tmp, `${baseConfig.name}-state`);
  const { migrations, ...config } = { ...baseConfig, persistDir };
  progress(`${label}: migrations and accounts`);
  const setup = await startWorkerd({ ...config, migrations });
  const data = await createAccounts(setup.url, PLAN.timingPairs, label);
  await setup.stop();
  progress(`${label}: ${PLAN.coldStarts} cold starts`);
  const firstRequest = { path: '/data', headers: headers(data.token) };
  const { instance, coldStart } = await coldStarts(() => startWorkerd({ ...config, firstRequest }), label);
  return { label, ...instance, ...data, headers: headers(data.token), coldStart };
}

async function prepareExpress() {
  const label = 'Express baseline';
  const env = { JWT_SECRET: secret(), DB_PATH: join(tmp, 'express.sqlite') };
  const script = join(benchDir, 'baselines/express/server.mjs');
  progress(`${label}: accounts`);
  const setup = await startNode(script, { env });
  const data = await createAccounts(setup.url, PLAN.timingPairs, label);
  await setup.stop();
  progress(`${label}: ${PLAN.coldStarts} cold starts`);
  const headers = { Authorization: data.token };
  const { instance, coldStart } = await coldStarts(
    () => startNode(script, { env, firstRequest: { path: '/data', headers } }),
    label,
  );
  return { label, ...instance, ...data, headers, coldStart };
}

// -------------------------------------------------------------------------------------- measuring

/** /data at a fixed concurrency, the runtimes taking turns round by round so drift hits them alike. */
async function measureData(runtimes) {
  const rounds = new Map(runtimes.map((runtime) => [runtime, []]));
  for (const runtime of runtimes) {
    await load(new URL('/data', runtime.url).href, {
      connections: PLAN.connections,
      seconds: PLAN.warmupSeconds,
      headers: runtime.headers,
    });
  }
  for (let round = 0; round < PLAN.dataRounds; round++) {
    for (const runtime of runtimes) {
      progress(`/data round ${round + 1}/${PLAN.dataRounds}: ${runtime.label}`);
      const cpuBefore = cpuTimeMs(runtime.cpuPid);
      const hostBefore = runtime.hostPid ? cpuTimeMs(runtime.hostPid) : Number.NaN;
      const result = await load(new URL('/data', runtime.url).href, {
        connections: PLAN.connections,
        seconds: PLAN.dataSeconds,
        headers: runtime.headers,
      });
      result.cpuUsPerRequest = ((cpuTimeMs(runtime.cpuPid) - cpuBefore) * 1000) / result.ok;
      result.hostCpuUsPerRequest = ((cpuTimeMs(runtime.hostPid) - hostBefore) * 1000) / result.ok;
      if (result.non2xx > 0 || result.errors > 0) {
        notes.push(`${runtime.label} /data: ${result.non2xx} non-2xx and ${result.errors} errors in a round`);
      }
      rounds.get(runtime).push(result);
    }
  }
  for (const [runtime, results] of rounds) {
    const pick = (key) => median(results.map((result) => result[key]));
    runtime.data = {
      rps: pick('rps'),
      p50Ms: pick('p50'),
      p99Ms: pick('p99'),
      cpuUsPerRequest: pick('cpuUsPerRequest'),
      hostCpuUsPerRequest: pick('hostCpuUsPerRequest'),
      rounds: results,
    };
  }
}

/**
 * Where /data's time goes, as workerd CPU per request under the same load: the runtime alone, one D1
 * session read alone, then Gatehouse's /data stopped at successive points (no token: middleware only;
 * a token with a wrong signature: plus the HMAC check; a valid token: everything).
 */
async function measureStages(gatehouse, probe) {
  const [header, payload] = gatehouse.token.split('.');
  const forged = `${header}.${payload}.${randomBytes(32).toString('base64url')}`;
  const stages = [
    {
      id: 'empty',
      label: 'empty Worker response (runtime floor)',
      runtime: probe,
      path: '/empty',
      status: 200,
    },
    { id: 'd1', label: 'one D1 session read, nothing else', runtime: probe, path: '/d1', status: 200 },
    {
      id: 'noToken',
      label: 'Gatehouse /data, no token → 401 (middleware)',
      runtime: gatehouse,
      path: '/data',
      headers: {},
      status: 401,
    },
    {
      id: 'badSignature',
      label: 'Gatehouse /data, wrong signature → 401 (+ HMAC verify)',
      runtime: gatehouse,
      path: '/data',
      headers: { Authorization: forged },
      status: 401,
    },
    {
      id: 'full',
      label: 'Gatehouse /data, valid token (+ session read)',
      runtime: gatehouse,
      path: '/data',
      status: 200,
    },
  ];
  const results = [];
  for (const stage of stages) {
    progress(`/data stages: ${stage.label}`);
    const headers = stage.headers ?? gatehouse.headers;
    const target = new URL(stage.path, stage.runtime.url).href;
    const check = await request(target, { headers });
    if (check.status !== stage.status)
      throw new Error(`${stage.label}: expected ${stage.status}, got ${check.status}`);
    const cpuBefore = cpuTimeMs(stage.runtime.cpuPid);
    const result = await load(target, {
      connections: PLAN.connections,
      seconds: PLAN.stageSeconds,
      headers,
      anyStatus: true,
    });
    const answered = result.requests;
    results.push({
      id: stage.id,
      label: stage.label,
      rps: answered / PLAN.stageSeconds,
      cpuUsPerRequest: ((cpuTimeMs(stage.runtime.cpuPid) - cpuBefore) * 1000) / answered,
    });
  }
  return results;
}

/**
 * The CPU time Gatehouse's Worker itself spends per request, with D1 and the rate limiter answered
 * from memory inside the isolate (bench/probes/stubbed-worker.ts): what a Workers CPU limit counts,
 * free of Miniflare's local simulation of the storage. One request at a time, the PBKDF2 and empty
 * probes taking turns with it.
 */
async function measureOwnCpu(stubbedDir, workerBase, probe) {
  const password = `${randomBytes(12).toString('base64url')}-Pw`;
  const worker = await startWorkerd({
    ...workerBase,
    name: 'stubbed',
    scriptPath: join(stubbedDir, 'index.js'),
    bindings: { JWT_SECRET: secret(), BENCH_PASSWORD: password },
    persistDir: join(tmp, 'stubbed-state'),
  });
  try {
    const login = form({ username: 'benchuser', password });
    const unknown = () => form({ username: `nobody-${randomBytes(4).toString('hex')}`, password });
    const token = (await expectStatus(new URL('/login', worker.url), login, 200, 'stubbed log-in')).body;
    const cases = [
      {
        id: 'data',
        label: 'GET /data, valid token',
        pid: worker.cpuPid,
        url: '/data',
        init: () => ({ headers: { Authorization: token } }),
        status: 200,
        base: worker,
      },
      {
        id: 'login',
        label: 'POST /login, right password',
        pid: worker.cpuPid,
        url: '/login',
        init: () => login,
        status: 200,
        base: worker,
      },
      {
        id: 'unknown',
        label: 'POST /login, unknown name',
        pid: worker.cpuPid,
        url: '/login',
        init: unknown,
        status: 401,
        base: worker,
      },
      {
        id: 'pbkdf2',
        label: 'raw PBKDF2-SHA256 × 100,000 (probe)',
        pid: probe.cpuPid,
        url: '/pbkdf2',
        init: () => ({}),
        status: 200,
        base: probe,
      },
      {
        id: 'empty',
        label: 'empty response (probe)',
        pid: probe.cpuPid,
        url: '/empty',
        init: () => ({}),
        status: 200,
        base: probe,
      },
    ];
    const samples = Object.fromEntries(cases.map(({ id }) => [id, { cpu: [], ms: [] }]));
    for (let i = 0; i < PLAN.logins + 2; i++) {
      for (const c of cases) {
        const before = cpuTimeMs(c.pid);
        const res = await expectStatus(new URL(c.url, c.base.url), c.init(), c.status, `stubbed ${c.label}`);
        if (i < 2) continue; // warm-up
        samples[c.id].cpu.push(cpuTimeMs(c.pid) - before);
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
}

/**
 * Successful log-ins one at a time. The runtimes take turns request by request, and each turn also
 * times one raw PBKDF2 and one empty request to the probe in that runtime's family (workerd or Node),
 * so every series sees the same moments of a busy machine.
 */
async function measureLogins(runtimes) {
  const series = new Map(runtimes.map((runtime) => [runtime, { ms: [], cpuMs: 0 }]));
  const probes = new Map();
  for (const { probe } of runtimes) probes.set(probe, { pbkdf2: [], empty: [], cpuMs: 0 });
  // CPU time of the server process around each request (the runtime's own threads; for workerd that
  // includes the local D1 and rate limiter, which Miniflare runs in the same process).
  const timed = async (cpuPid, url, init, status, what) => {
    const before = cpuTimeMs(cpuPid);
    const res = await request(url, init);
    if (res.status !== status) throw new Error(`${what}: ${res.status} ${res.body.slice(0, 200)}`);
    return { ms: res.ms, cpuMs: cpuTimeMs(cpuPid) - before };
  };
  for (let i = 0; i < PLAN.logins; i++) {
    for (const runtime of i % 2 === 0 ? runtimes : [...runtimes].reverse()) {
      const login = series.get(runtime);
      const res = await timed(
        runtime.cpuPid,
        new URL('/login', runtime.url),
        form(runtime.user),
        200,
        `${runtime.label} /login`,
      );
      login.ms.push(res.ms);
      login.cpuMs += res.cpuMs;
    }
    for (const [probe, samples] of probes) {
      const res = await timed(probe.cpuPid, new URL('/pbkdf2', probe.url), {}, 200, 'PBKDF2 probe');
      samples.pbkdf2.push(res.ms);
      samples.cpuMs += res.cpuMs;
      samples.empty.push((await expectStatus(new URL('/empty', probe.url), {}, 200, 'empty probe')).ms);
    }
  }
  for (const [runtime, login] of series) {
    const probe = probes.get(runtime.probe);
    const cpuMs = login.cpuMs / PLAN.logins;
    const pbkdf2CpuMs = probe.cpuMs / PLAN.logins;
    runtime.login = {
      ...summarize(login.ms),
      cpuMs,
      pbkdf2: { ...summarize(probe.pbkdf2), cpuMs: pbkdf2CpuMs },
      emptyRoundTrip: summarize(probe.empty),
      ratioToPbkdf2: median(login.ms) / median(probe.pbkdf2),
      cpuRatioToPbkdf2: cpuMs / pbkdf2CpuMs,
    };
  }
}

/**
 * Failed log-ins: an unknown name against a known name with a wrong password, in random order, the
 * runtimes taking turns. Every answer must be a 401 (no throttle reached: each account fails once).
 */
async function measureTiming(runtimes) {
  const series = new Map(runtimes.map((runtime) => [runtime, { unknown: [], wrong: [] }]));
  for (let i = 0; i < PLAN.timingPairs; i++) {
    for (const runtime of runtimes) {
      const { unknown, wrong } = series.get(runtime);
      const attempts = [
        [unknown, { username: `nobody-${i}-${randomBytes(4).toString('hex')}`, password: randomPassword() }],
        [wrong, { username: runtime.accounts[i].username, password: randomPassword() }],
      ];
      if (Math.random() < 0.5) attempts.reverse();
      for (const [samples, credentials] of attempts) {
        const res = await request(new URL('/login', runtime.url), form(credentials));
        if (res.status !== 401) {
          throw new Error(`${runtime.label} failed log-in: expected 401, got ${res.status}`);
        }
        samples.push(res.ms);
      }
    }
  }
  for (const [runtime, { unknown, wrong }] of series) {
    runtime.timing = {
      unknown: summarize(unknown),
      wrong: summarize(wrong),
      ratio: median(unknown) / median(wrong),
    };
  }
}

async function measureWranglerDev(config) {
  const label = 'Gatehouse under wrangler dev';
  const persistDir = join(tmp, 'wrangler-dev-state');
  progress(`${label}: migrations`);
  for (const { binding } of config.migrations) {
    wrangler(['d1', 'migrations', 'apply', binding, '--local', '--persist-to', persistDir], 120_000);
  }
  progress(`${label}: starting`);
  const started = performance.now();
  const dev = await startWranglerDev({ wranglerBin, persistDir, secret: secret() });
  const startMs = performance.now() - started;
  try {
    const user = { username: `bench-dev-${randomBytes(3).toString('hex')}`, password: randomPassword() };
    await expectStatus(new URL('/signup', dev.url), form(user), 201, `${label} sign-up`);
    const { body: token } = await expectStatus(
      new URL('/login', dev.url),
      form(user),
      200,
      `${label} log-in`,
    );
    const headers = { Authorization: token };
    const target = new URL('/data', dev.url).href;
    await load(target, { connections: PLAN.connections, seconds: PLAN.warmupSeconds, headers });
    progress(`${label}: /data`);
    const result = await load(target, { connections: PLAN.connections, seconds: PLAN.devSeconds, headers });
    if (result.non2xx > 0 || result.errors > 0)
      notes.push(`${label} /data: ${result.non2xx} non-2xx, ${result.errors} errors`);
    return { label, startMs, data: { rps: result.rps, p50Ms: result.p50, p99Ms: result.p99 } };
  } finally {
    await dev.stop();
  }
}

/**
 * Sign and verify inside workerd: each sample is one request running a case `count` times, less an
 * empty request just before it; rounds rotate through the cases. Per case, the median over rounds.
 */
async function runWorkerdJwtMicrobench(jwtWorkerDir, workerBase) {
  progress('JWT sign/verify in workerd');
  const worker = await startWorkerd({
    ...workerBase,
    name: 'jwt-bench',
    scriptPath: join(jwtWorkerDir, 'index.js'),
    bindings: { JWT_SECRET: secret() },
    persistDir: join(tmp, 'jwt-worker-state'),
  });
  try {
    const list = await expectStatus(new URL('/', worker.url), {}, 200, 'JWT worker');
    const cases = list.body.split('\n');
    const count = 2_000;
    const samples = Object.fromEntries(cases.map((name) => [name, []]));
    const timeCase = async (name, n) =>
      (await expectStatus(new URL(`/?case=${encodeURIComponent(name)}&n=${n}`, worker.url), {}, 200, name))
        .ms;
    for (const name of cases) await timeCase(name, 500);
    for (let round = 0; round < PLAN.jwtRounds; round++) {
      for (let i = 0; i < cases.length; i++) {
        const name = cases[(i + round) % cases.length];
        const empty = await timeCase(name, 0);
        samples[name].push(((await timeCase(name, count)) - empty) / count);
      }
    }
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
}

function runJwtMicrobench(jwtModule) {
  progress('JWT sign/verify micro-benchmark');
  const result = spawnSync(process.execPath, [join(benchDir, 'jwt.mjs'), jwtModule, String(PLAN.jwtRounds)], {
    cwd: root,
    encoding: 'utf8',
    timeout: 180_000,
  });
  const line = result.stdout?.split('\n').find((text) => text.startsWith('JWT_JSON '));
  if (result.status !== 0 || line === undefined)
    throw new Error(`JWT micro-benchmark failed:\n${result.stderr}`);
  return JSON.parse(line.slice('JWT_JSON '.length));
}

// ------------------------------------------------------------------------------------------- run

function machineInfo() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  // A package's version from its package.json, found from its entry point when it does not export it.
  const version = (resolve, name) => {
    let dir;
    try {
      dir = dirname(resolve(name));
    } catch {
      return null;
    }
    for (let depth = 0; depth < 6; depth++, dir = dirname(dir)) {
      try {
        const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
        if (manifest.name === name) return manifest.version;
      } catch {}
    }
    return null;
  };
  return {
    cpus: availableParallelism(),
    cpuModel: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1]?.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    workerd: version(fromWrangler.resolve, 'workerd'),
    miniflare: version(fromWrangler.resolve, 'miniflare'),
    wrangler: version(require.resolve, 'wrangler'),
    loadAverageAtStart: loadavg().map((value) => Math.round(value * 100) / 100),
  };
}

async function main() {
  const started = performance.now();
  const machine = machineInfo();
  progress(`${QUICK ? 'quick' : 'full'} run; temporary files in ${tmp}`);

  progress('building the production bundle (wrangler deploy --dry-run) and the baselines');
  const build = await buildAll();
  const config = await readWranglerConfig();
  progress('PWA first load in headless Chromium');
  const pwaDir = join(root, 'pwa/dist');
  let pwa;
  try {
    pwa = await pwaFirstLoadInBrowser(pwaDir);
  } catch (error) {
    notes.push(`PWA first load by static analysis (no browser: ${error.message.split('\n')[0]})`);
    pwa = pwaFirstLoad(pwaDir);
  }
  if (pwa === null) notes.push('PWA not built (pwa/dist/index.html missing): run `npm run build:pwa` first');

  const workerBase = {
    compatibilityDate: config.compatibilityDate,
    compatibilityFlags: config.compatibilityFlags,
  };
  const gatehouseConfig = (name, bundleDir) => ({
    ...workerBase,
    name,
    scriptPath: join(bundleDir, 'index.js'),
    wholeDirectory: true,
    d1Databases: config.d1Databases,
    ratelimits: config.ratelimits,
    bindings: { ...config.vars, JWT_SECRET: secret() },
    migrations: config.migrations,
  });
  // The tutorial's client sends the bare token.
  const bareToken = (token) => ({ Authorization: token });
  const gatehouse = await prepareWorkerd(
    'Gatehouse (workerd, production bundle)',
    gatehouseConfig('gatehouse', build.gatehouseDir),
    bareToken,
  );
  const candidate =
    CANDIDATE === undefined
      ? null
      : await prepareWorkerd(
          'Gatehouse candidate (workerd)',
          gatehouseConfig('candidate', CANDIDATE),
          bareToken,
        );
  const express = await prepareExpress();
  const hono = await prepareWorkerd(
    'Hono + hono/jwt (workerd)',
    {
      ...workerBase,
      name: 'hono-jwt',
      scriptPath: join(build.honoDir, 'index.js'),
      d1Databases: { DB: 'hono-jwt' },
      bindings: { JWT_SECRET: secret() },
      migrations: [{ binding: 'DB', files: [join(benchDir, 'baselines/hono-jwt/schema.sql')] }],
    },
    // hono/jwt's middleware accepts only `Bearer <token>`.
    (token) => ({ Authorization: `Bearer ${token}` }),
  );
  const runtimes = [gatehouse, express, hono, ...(candidate ? [candidate] : [])];

  progress('starting the probes');
  const workerdProbe = await startWorkerd({
    ...workerBase,
    name: 'probe',
    scriptPath: join(benchDir, 'probes/workerd-probe.js'),
    d1Databases: { DB: 'probe' },
    migrations: [{ binding: 'DB', files: [join(benchDir, 'probes/probe.sql')] }],
    persistDir: join(tmp, 'probe-state'),
  });
  const nodeProbe = await startNode(join(benchDir, 'probes/node-probe.mjs'));

  let stages = null;
  let ownCpu = null;
  try {
    await measureData(runtimes);
    if (PLAN.stageSeconds > 0) stages = await measureStages(gatehouse, workerdProbe);
    for (const runtime of runtimes) runtime.probe = runtime === express ? nodeProbe : workerdProbe;
    progress(`/login: ${PLAN.logins} log-ins per runtime, with raw PBKDF2 in between`);
    await measureLogins(runtimes);
    progress(`failed log-ins: ${PLAN.timingPairs} unknown-user and wrong-password pairs per runtime`);
    await measureTiming(runtimes);
    progress("Gatehouse's own CPU per request, storage answered in memory");
    try {
      ownCpu = await measureOwnCpu(build.stubbedDir, workerBase, workerdProbe);
    } catch (error) {
      notes.push(`own CPU not measured: ${error.message.split('\n')[0]}`);
    }
  } finally {
    await Promise.all([...runtimes, workerdProbe, nodeProbe].map((runtime) => runtime.stop()));
  }

  let dev = null;
  if (WITH_DEV) {
    try {
      dev = await measureWranglerDev(config);
    } catch (error) {
      notes.push(`wrangler dev not measured: ${error.message.split('\n')[0]}`);
    }
  }

  const jwt = runJwtMicrobench(build.jwtModule);
  const jwtWorkerd = await runWorkerdJwtMicrobench(build.jwtWorkerDir, workerBase);
  machine.loadAverageAtEnd = loadavg().map((value) => Math.round(value * 100) / 100);

  const pick = ({ label, data, login, timing, coldStart }) => ({ label, data, login, timing, coldStart });
  const results = {
    date: new Date().toISOString(),
    mode: QUICK ? 'quick' : 'full',
    plan: PLAN,
    machine,
    runtimes: {
      gatehouse: pick(gatehouse),
      express: pick(express),
      honoJwt: pick(hono),
      ...(candidate ? { candidate: pick(candidate) } : {}),
    },
    wranglerDev: dev,
    stages,
    ownCpu,
    jwt,
    jwtWorkerd,
    sizes: { ...build.sizes, pwa },
    notes,
    seconds: Math.round((performance.now() - started) / 1000),
  };
  results.targets = TARGETS.map((target) => target.evaluate(results));

  const report = formatReport(results);
  process.stdout.write(`${report}\n`);
  process.stdout.write(`BENCH_JSON ${JSON.stringify(compact(results))}\n`);
  const resultsDir = join(benchDir, 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(resultsDir, 'latest.md'), `${report}\n`);
  writeFileSync(
    join(resultsDir, `${results.date.replace(/[:.]/g, '-')}-${results.mode}.json`),
    JSON.stringify(results),
  );
}

/** The summary line: headline numbers only, per-round detail stays in bench/results/latest.json. */
function compact(results) {
  const slim = ({ label, data, login, timing, coldStart }) => ({
    label,
    data: data && {
      rps: data.rps,
      p50Ms: data.p50Ms,
      p99Ms: data.p99Ms,
      cpuUsPerRequest: data.cpuUsPerRequest,
    },
    login: login && {
      p50Ms: login.p50,
      p99Ms: login.p99,
      pbkdf2P50Ms: login.pbkdf2.p50,
      ratioToPbkdf2: login.ratioToPbkdf2,
      cpuMs: login.cpuMs,
      pbkdf2CpuMs: login.pbkdf2.cpuMs,
    },
    timing: timing && { unknownP50Ms: timing.unknown.p50, wrongP50Ms: timing.wrong.p50, ratio: timing.ratio },
    coldStartP50Ms: coldStart?.p50,
  });
  return {
    date: results.date,
    mode: results.mode,
    machine: results.machine,
    gatehouse: slim(results.runtimes.gatehouse),
    express: slim(results.runtimes.express),
    honoJwt: slim(results.runtimes.honoJwt),
    candidate: results.runtimes.candidate ? slim(results.runtimes.candidate) : undefined,
    wranglerDev: results.wranglerDev && {
      rps: results.wranglerDev.data.rps,
      p50Ms: results.wranglerDev.data.p50Ms,
    },
    jwt: Object.fromEntries(
      Object.entries(results.jwt).map(([name, ops]) => [
        name,
        { signOps: Math.round(ops.sign.opsPerSecond), verifyOps: Math.round(ops.verify.opsPerSecond) },
      ]),
    ),
    jwtWorkerd: Object.fromEntries(
      Object.entries(results.jwtWorkerd).map(([name, ops]) => [
        name,
        { signOps: Math.round(ops.sign.opsPerSecond), verifyOps: Math.round(ops.verify.opsPerSecond) },
      ]),
    ),
    stages: results.stages?.map(({ id, rps, cpuUsPerRequest }) => ({ id, rps, cpuUsPerRequest })) ?? null,
    ownCpu: results.ownCpu?.map(({ id, cpuMs, wallMs }) => ({ id, cpuMs, wallMs })) ?? null,
    sizes: {
      workerGzipBytes: results.sizes.workerGzipBytes,
      pwaJsGzipBytes: results.sizes.pwa?.jsGzipBytes ?? null,
      pwaCssGzipBytes: results.sizes.pwa?.cssGzipBytes ?? null,
    },
    targets: results.targets.map(({ id, value, goal, met }) => ({ id, value, goal, met })),
    notes: results.notes,
    seconds: results.seconds,
  };
}

let finished = false;
async function cleanUp() {
  await stopAllChildren();
  rmSync(tmp, { recursive: true, force: true });
}
const deadline = setTimeout(async () => {
  progress(`stopping: over the ${PLAN.deadlineMinutes}-minute limit`);
  await cleanUp();
  process.exit(2);
}, PLAN.deadlineMinutes * 60_000);
deadline.unref();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    if (finished) return;
    finished = true;
    await cleanUp();
    process.exit(130);
  });
}

try {
  await main();
} catch (error) {
  process.stderr.write(`[bench] failed: ${error.stack ?? error}\n`);
  process.exitCode = 1;
} finally {
  finished = true;
  await cleanUp();
  clearTimeout(deadline);
}
