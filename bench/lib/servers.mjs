// Starting and stopping what the benchmark measures. Every server listens on 127.0.0.1 only.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { request } from './http.mjs';
import { onStopAll, startChild, stopChild } from './proc.mjs';

const HOST_SCRIPT = fileURLToPath(new URL('./workerd-host.mjs', import.meta.url));

/**
 * A Worker bundle in workerd (see workerd-host.mjs). `firstRequest` makes the host time the start:
 * from creating the runtime (spawning workerd) to the first 200 on that request.
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
    cpuPid: info.workerdPid,
    hostPid: host.child.pid,
    readyMs: info.readyMs,
    firstOkMs: info.firstOkMs,
    firstRequestMs: info.firstRequestMs,
    stop: () => stopChild(host.child, 10_000),
  };
}

/** A Node server script that prints `LISTENING <port>`; `firstRequest` as above, timed from spawn. */
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
  return { url, cpuPid: server.child.pid, firstOkMs, stop: () => stopChild(server.child) };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * `wrangler dev` as a developer runs it, in its own process group so that stopping it also stops the
 * runtimes it starts. Resolves once the dev server answers HTTP at all.
 */
export async function startWranglerDev({ wranglerBin, persistDir, secret, timeoutMs = 90_000 }) {
  const port = await freePort();
  const inspectorPort = await freePort();
  const child = spawn(
    process.execPath,
    [
      wranglerBin,
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--inspector-port',
      String(inspectorPort),
      '--persist-to',
      persistDir,
      '--show-interactive-dev-session=false',
      '--log-level',
      'error',
      '--var',
      `JWT_SECRET:${secret}`,
    ],
    {
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-5_000);
  });
  const stopGroup = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {}
      }, 5_000);
      child.once('exit', () => {
        clearTimeout(timer);
        // Give the group's other members (workerd) the same signal in case they outlived the parent.
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {}
        resolve();
      });
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        resolve();
      }
    });
  const forget = onStopAll(stopGroup);
  const stop = async () => {
    await stopGroup();
    forget();
  };
  const url = `http://127.0.0.1:${port}/`;
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited early:\n${stderr}`);
    const res = await request(new URL('/data', url)).catch(() => null);
    if (res !== null) return { url, stop };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`wrangler dev did not answer within ${timeoutMs} ms:\n${stderr}`);
}
