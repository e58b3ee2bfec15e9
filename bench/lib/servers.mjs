// Starting and stopping the servers the benchmark measures. Every server listens on 127.0.0.1 only.
import { fileURLToPath } from 'node:url';
import { request } from './http.mjs';
import { startChild, stopChild } from './proc.mjs';

const HOST_SCRIPT = fileURLToPath(new URL('./workerd-host.mjs', import.meta.url));

/**
 * @typedef {object} Server
 * @property {string} url                 e.g. `http://127.0.0.1:40123/`
 * @property {string[]} urls              one per instance (`instances`), `url` first
 * @property {number} cpuPid              the process whose CPU time is the server's
 * @property {number} [hostPid]           for workerd: the Node process that hosts it through Miniflare
 * @property {number | null} firstOkMs    with `firstRequest`: from start to its first 200
 * @property {() => Promise<void>} stop
 *
 * @typedef {{ path: string, headers?: Record<string, string> }} FirstRequest
 *
 * @typedef {object} WorkerdConfig  what lib/workerd-host.mjs reads on its stdin
 * @property {string} name
 * @property {string} scriptPath          the entry module
 * @property {boolean} [wholeDirectory]   also load every module beside it (a wrangler bundle)
 * @property {string} compatibilityDate
 * @property {string[]} compatibilityFlags
 * @property {Record<string, string>} [d1Databases]   binding → database id
 * @property {Record<string, unknown>} [ratelimits]
 * @property {Record<string, string>} [bindings]      plain-text variables
 * @property {string} persistDir          where its D1 state lives
 * @property {{ binding: string, files: string[] }[]} [migrations]   applied at start
 * @property {FirstRequest} [firstRequest]  timed from the start: the cold start
 * @property {number} [instances]         copies of the Worker, one isolate each, sharing the D1
 */

/**
 * A Worker bundle in workerd (see workerd-host.mjs for `config`). `firstRequest` makes the host time
 * the start: from creating the runtime (spawning workerd) to the first 200 on that request.
 * @param {WorkerdConfig} config
 * @returns {Promise<Server>}
 */
export async function startWorkerd(config) {
  const host = startChild(process.execPath, [HOST_SCRIPT], {
    marker: 'READY',
    timeoutMs: 90_000,
    input: `${JSON.stringify(config)}\n`,
  });
  const info = JSON.parse(await host.ready);
  return {
    url: info.url,
    urls: info.urls,
    cpuPid: info.workerdPid,
    hostPid: host.child.pid,
    firstOkMs: info.firstOkMs,
    stop: () => stopChild(host.child, 10_000),
  };
}

/**
 * A Node server script that prints `LISTENING <port>`; `firstRequest` as above, timed from spawn.
 * @param {string} script
 * @param {{ env?: Record<string, string>, firstRequest?: FirstRequest }} [options]
 * @returns {Promise<Server>}
 */
export async function startNode(script, { env = {}, firstRequest } = {}) {
  const spawned = performance.now();
  const server = startChild(process.execPath, ['--no-warnings', script], {
    marker: 'LISTENING',
    timeoutMs: 30_000,
    env,
  });
  const port = await server.ready;
  const url = `http://127.0.0.1:${port}/`;
  let firstOkMs = null;
  if (firstRequest) {
    const res = await request(new URL(firstRequest.path, url), { headers: firstRequest.headers });
    if (res.status === 200) firstOkMs = performance.now() - spawned;
  }
  return {
    url,
    urls: [url],
    cpuPid: server.child.pid ?? Number.NaN,
    firstOkMs,
    stop: () => stopChild(server.child),
  };
}
