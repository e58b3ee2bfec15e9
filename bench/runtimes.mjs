// The runtimes compared, each started the way it is measured: accounts created on a first start, then
// `coldStarts` fresh starts timed, the last one kept running. And the probes, one per runtime family,
// that give the yardsticks (raw PBKDF2, an empty response, one D1 read).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectStatus, form } from './lib/http.mjs';
import { progress } from './lib/progress.mjs';
import { randomHex, randomPassword, secret } from './lib/random.mjs';
import { startNode, startWorkerd } from './lib/servers.mjs';
import { summarize } from './lib/stats.mjs';

const BENCH = fileURLToPath(new URL('.', import.meta.url));

/**
 * @typedef {{ username: string, password: string }} Account
 * @typedef {import('./lib/servers.mjs').Server} Server
 * @typedef {ReturnType<typeof summarize> & { samples: number[] }} ColdStart
 *
 * @typedef {Server & {
 *   key: string,
 *   label: string,
 *   family: 'workerd' | 'node',
 *   user: Account,
 *   accounts: Account[],
 *   token: string,
 *   headers: Record<string, string>,
 *   coldStart: ColdStart,
 *   dataOnly?: boolean,
 * }} Runtime  one compared server, running, with its accounts and a token for /data; `dataOnly`:
 *   another configuration of a measured bundle, compared on /data only
 *
 * @typedef {{ workerd: Server, node: Server }} Probes
 *
 * @typedef {object} Setting
 * @property {import('./cli.mjs').Plan} plan
 * @property {string} tmp
 * @property {import('./build.mjs').Build} build
 * @property {import('./lib/wrangler-config.mjs').WorkerConfig} config
 * @property {string | undefined} candidate
 */

/**
 * A Gatehouse bundle (a `wrangler deploy --dry-run` output folder) as lib/servers.mjs starts it in
 * workerd: wrangler.toml's bindings, every migration, a fresh JWT_SECRET; `vars` add to or override
 * wrangler.toml's `[vars]` (another configuration of the same bundle). The caller adds `persistDir`.
 * @param {import('./lib/wrangler-config.mjs').WorkerConfig} config
 * @param {string} name
 * @param {string} bundleDir
 * @param {Record<string, string>} [vars]
 */
export function gatehouseWorkerdConfig(config, name, bundleDir, vars = {}) {
  return {
    ...config.compatibility,
    name,
    scriptPath: join(bundleDir, 'index.js'),
    wholeDirectory: true,
    d1Databases: config.d1Databases,
    ratelimits: config.ratelimits,
    // The caps across all clients stand for a whole deployment; one machine creating accounts and
    // failing log-ins as fast as it can would reach them, as it would the per-IP limiter (lifted in
    // lib/wrangler-config.mjs): lifted too. Every per-name and per-network rule still applies.
    bindings: {
      ...config.vars,
      SIGNUPS_PER_MINUTE: '1000000',
      FAILED_LOGINS_PER_MINUTE: '1000000',
      ...vars,
      JWT_SECRET: secret(),
    },
    migrations: config.migrations,
  };
}

/**
 * Creates the accounts a runtime needs (one to log in with, one per wrong-password sample, each used
 * once so that no account reaches a log-in throttle) and gets a token for /data.
 * @param {string} url
 * @param {number} count
 * @param {string} label
 */
export async function createAccounts(url, count, label) {
  const user = { username: `bench-user-${randomHex()}`, password: randomPassword() };
  await expectStatus(new URL('/signup', url), form(user), 201, `${label} sign-up`);
  const accounts = [];
  for (let i = 0; i < count; i++) {
    const account = { username: `bench-${i}-${randomHex()}`, password: randomPassword() };
    await expectStatus(new URL('/signup', url), form(account), 201, `${label} sign-up ${i}`);
    accounts.push(account);
  }
  const login = await expectStatus(new URL('/login', url), form(user), 200, `${label} log-in`);
  return { user, accounts, token: login.body };
}

/**
 * Starts the runtime `count` times from scratch, timing each start; keeps the last one running.
 * @param {number} count
 * @param {() => Promise<Server>} start
 * @param {string} label
 * @returns {Promise<{ server: Server, coldStart: ColdStart }>}
 */
async function coldStarts(count, start, label) {
  const samples = [];
  let server;
  for (let i = 0; i < count; i++) {
    if (server) await server.stop();
    server = await start();
    if (server.firstOkMs === null) throw new Error(`${label}: no 200 on the first request after start`);
    samples.push(server.firstOkMs);
  }
  if (server === undefined) throw new Error(`${label}: no start planned`);
  return { server, coldStart: { samples, ...summarize(samples) } };
}

/**
 * A Worker bundle in workerd, with its own local D1 state.
 * @param {Setting} setting
 * @param {{
 *   key: string,
 *   label: string,
 *   config: Omit<import('./lib/servers.mjs').WorkerdConfig, 'persistDir'>,
 *   headers: (token: string) => Record<string, string>,
 *   dataOnly?: boolean,
 * }} runtime
 * @returns {Promise<Runtime>}
 */
async function prepareWorkerd({ plan, tmp }, { key, label, config: baseConfig, headers, dataOnly = false }) {
  const { migrations, ...config } = { ...baseConfig, persistDir: join(tmp, `${baseConfig.name}-state`) };
  progress(`${label}: migrations and accounts`);
  const setup = await startWorkerd({ ...config, migrations });
  const data = await createAccounts(setup.url, dataOnly ? 0 : plan.timingPairs, label);
  await setup.stop();
  progress(`${label}: ${plan.coldStarts} cold starts`);
  const firstRequest = { path: '/data', headers: headers(data.token) };
  const { server, coldStart } = await coldStarts(
    plan.coldStarts,
    () => startWorkerd({ ...config, firstRequest }),
    label,
  );
  return {
    key,
    label,
    family: 'workerd',
    ...server,
    ...data,
    headers: headers(data.token),
    coldStart,
    dataOnly,
  };
}

/**
 * The Express baseline on Node, with its own SQLite file.
 * @param {Setting} setting
 * @returns {Promise<Runtime>}
 */
async function prepareExpress({ plan, tmp }) {
  const label = 'Express baseline';
  const env = { JWT_SECRET: secret(), DB_PATH: join(tmp, 'express.sqlite') };
  const script = join(BENCH, 'baselines/express/server.mjs');
  progress(`${label}: accounts`);
  const setup = await startNode(script, { env });
  const data = await createAccounts(setup.url, plan.timingPairs, label);
  await setup.stop();
  progress(`${label}: ${plan.coldStarts} cold starts`);
  const headers = { Authorization: data.token };
  const { server, coldStart } = await coldStarts(
    plan.coldStarts,
    () => startNode(script, { env, firstRequest: { path: '/data', headers } }),
    label,
  );
  return { key: 'express', label, family: 'node', ...server, ...data, headers, coldStart };
}

/**
 * Gatehouse's production bundle, the Express and Hono baselines and, when asked for, a candidate
 * bundle; in that order, which is the order of every table.
 * @param {Setting} setting
 * @returns {Promise<Runtime[]>}
 */
export async function startRuntimes(setting) {
  const { build, config, candidate } = setting;
  const gatehouseConfig = (
    /** @type {string} */ name,
    /** @type {string} */ bundleDir,
    /** @type {Record<string, string>} */ vars = {},
  ) => gatehouseWorkerdConfig(config, name, bundleDir, vars);
  // The tutorial's client sends the bare token.
  const bareToken = (/** @type {string} */ token) => ({ Authorization: token });
  const gatehouse = await prepareWorkerd(setting, {
    key: 'gatehouse',
    label: 'Gatehouse (workerd, production bundle)',
    config: gatehouseConfig('gatehouse', build.gatehouseDir),
    headers: bareToken,
  });
  const proposed =
    candidate === undefined
      ? []
      : [
          await prepareWorkerd(setting, {
            key: 'candidate',
            label: 'Gatehouse candidate (workerd)',
            config: gatehouseConfig('candidate', candidate),
            headers: bareToken,
          }),
        ];
  // The same bundle in strict mode (docs/session-check.md): a D1 read on every request, as before the
  // session cache. Compared on /data only; everything else it does is the default's.
  const strict = await prepareWorkerd(setting, {
    key: 'gatehouseStrict',
    label: 'Gatehouse, strict mode (REVOCATION_MAX_STALENESS_MS=0)',
    config: gatehouseConfig('gatehouse-strict', build.gatehouseDir, { REVOCATION_MAX_STALENESS_MS: '0' }),
    headers: bareToken,
    dataOnly: true,
  });
  const express = await prepareExpress(setting);
  const hono = await prepareWorkerd(setting, {
    key: 'honoJwt',
    label: 'Hono + hono/jwt (workerd)',
    config: {
      ...config.compatibility,
      name: 'hono-jwt',
      scriptPath: join(build.honoDir, 'index.js'),
      d1Databases: { DB: 'hono-jwt' },
      bindings: { JWT_SECRET: secret() },
      migrations: [{ binding: 'DB', files: [join(BENCH, 'baselines/hono-jwt/schema.sql')] }],
    },
    // hono/jwt's middleware accepts only `Bearer <token>`.
    headers: (token) => ({ Authorization: `Bearer ${token}` }),
  });
  return [gatehouse, strict, express, hono, ...proposed];
}

/**
 * The yardsticks: in workerd `/pbkdf2`, `/d1` and `/empty` (probes/workerd-probe.js), on Node `/pbkdf2`
 * and `/empty` (probes/node-probe.mjs).
 * @param {Setting} setting
 * @returns {Promise<Probes>}
 */
export async function startProbes({ tmp, config }) {
  progress('starting the probes');
  const workerd = await startWorkerd({
    ...config.compatibility,
    name: 'probe',
    scriptPath: join(BENCH, 'probes/workerd-probe.js'),
    d1Databases: { DB: 'probe' },
    migrations: [{ binding: 'DB', files: [join(BENCH, 'probes/probe.sql')] }],
    persistDir: join(tmp, 'probe-state'),
  });
  const node = await startNode(join(BENCH, 'probes/node-probe.mjs'));
  return { workerd, node };
}
