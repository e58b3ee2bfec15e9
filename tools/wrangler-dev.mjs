// `wrangler dev` as a developer runs it, on 127.0.0.1 and ports of its own, in its own process group so
// that stopping it also stops the workerd it starts (also when the calling process exits first).
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port.mjs';
import { ROOT } from './paths.mjs';
import { WRANGLER_BIN, WRANGLER_ENV } from './wrangler.mjs';

/**
 * @typedef {object} WranglerDevOptions
 * @property {string} persistTo          where its local D1 lives (already migrated)
 * @property {Record<string, string>} [vars]   `--var NAME:value` each (e.g. JWT_SECRET)
 * @property {string} [assets]           serve this folder instead of wrangler.toml's `[assets] directory`
 * @property {'debug' | 'info' | 'log' | 'warn' | 'error' | 'none'} [logLevel]
 * @property {number} [timeoutMs]        how long it may take to answer `GET /` with a 2xx
 *
 * @typedef {object} WranglerDev
 * @property {string} url                its origin, e.g. `http://127.0.0.1:40123`
 * @property {() => Promise<void>} stop  ends the whole process group; resolves once wrangler exited
 * @property {() => string} output       the last of what it printed, for error messages
 */

/**
 * Starts `wrangler dev` and resolves once `GET /` answers 2xx.
 * @param {WranglerDevOptions} options
 * @returns {Promise<WranglerDev>}
 */
export async function startWranglerDev({ persistTo, vars = {}, assets, logLevel, timeoutMs = 90_000 }) {
  const [port, inspectorPort] = [await freePort(), await freePort()];
  // An env file of its own, empty: wrangler then skips the developer's .dev.vars, whose settings
  // (TOKEN_TTL_SECONDS, JWT_ISSUER, …) would otherwise change what is tested or measured.
  mkdirSync(persistTo, { recursive: true });
  const envFile = join(persistTo, 'empty.env');
  writeFileSync(envFile, '');
  const args = [
    WRANGLER_BIN,
    'dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--inspector-port',
    String(inspectorPort),
    '--persist-to',
    persistTo,
    '--show-interactive-dev-session=false',
    '--env-file',
    envFile,
    ...(assets === undefined ? [] : ['--assets', assets]),
    ...(logLevel === undefined ? [] : ['--log-level', logLevel]),
    ...Object.entries(vars).flatMap(([name, value]) => ['--var', `${name}:${value}`]),
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: WRANGLER_ENV,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  const remember = (/** @type {Buffer} */ chunk) => {
    printed = (printed + chunk).slice(-20_000);
  };
  child.stdout.on('data', remember);
  child.stderr.on('data', remember);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let gone = false;
  exited.then(() => {
    gone = true;
  });

  const signalGroup = (/** @type {NodeJS.Signals} */ signal) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // The group has already gone.
    }
  };
  const killOnExit = () => signalGroup('SIGKILL');
  process.once('exit', killOnExit);
  let stopping;
  const stop = () => {
    stopping ??= (async () => {
      process.off('exit', killOnExit);
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      // workerd may outlive wrangler by a moment: the rest of the group gets no grace.
      signalGroup('SIGKILL');
    })();
    return stopping;
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline && !gone) {
    const ok = await fetch(`${url}/`, { signal: AbortSignal.timeout(5_000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return { url, stop, output: () => printed };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`wrangler dev did not answer within ${timeoutMs} ms:\n${printed}`);
}
