// What the browser tests stand on: the built PWA served with the real Worker by `wrangler dev` (its
// own port, its own temporary D1, its own secret) and Debian's Chromium driven by playwright-core,
// each browser with a fresh profile. Nothing here is mocked.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const ARTIFACTS = join(ROOT, 'test-results', 'browser');
const WRANGLER = join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' };

export function buildPwa() {
  const result = spawnSync('npm', ['run', '--silent', 'build:pwa'], { cwd: ROOT, env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm run build:pwa failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `wrangler dev` on a free port with a fresh, migrated local D1. Call `stop()` in `after`.
 * `vars` adds or overrides settings (e.g. `{ THROTTLING: 'on' }`).
 */
export async function startServer({ vars = {} } = {}) {
  const persist = mkdtempSync(join(tmpdir(), 'gatehouse-browser-'));
  const migrate = spawnSync(
    process.execPath,
    [WRANGLER, 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persist],
    { cwd: ROOT, env, encoding: 'utf8' },
  );
  if (migrate.status !== 0) throw new Error(`migrations failed:\n${migrate.stdout}\n${migrate.stderr}`);

  const port = await freePort();
  const secret = randomBytes(32).toString('base64url');
  // The suite signs up and logs in more often in a minute than the per-address limit allows, from
  // one address: throttling is switched off for this server only (the Worker tests cover it).
  const child = spawn(
    process.execPath,
    [
      WRANGLER,
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--persist-to',
      persist,
      ...Object.entries({ JWT_SECRET: secret, THROTTLING: 'off', ...vars }).flatMap(([name, value]) => [
        '--var',
        `${name}:${value}`,
      ]),
      '--show-interactive-dev-session=false',
    ],
    // Its own process group, so that stopping it also stops the workerd it starts.
    { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const killGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  // Also when the test process dies unexpectedly.
  const onExit = () => killGroup('SIGKILL');
  process.once('exit', onExit);

  const stop = async () => {
    process.off('exit', onExit);
    killGroup('SIGTERM');
    const timer = setTimeout(() => killGroup('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    rmSync(persist, { recursive: true, force: true });
  };

  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  let gone = false;
  exited.then(() => {
    gone = true;
  });
  while (Date.now() < deadline && !gone) {
    try {
      const response = await fetch(`${base}/`);
      if (response.ok) return { base, stop, output: () => output };
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`wrangler dev did not become ready:\n${output}`);
}

/**
 * Builds the PWA and starts a server before the file's tests, and stops it after them. The server's
 * address is the returned object's `base`, set once it is up: read it inside tests and helpers.
 * `options` go to startServer().
 */
export function useServer(options = {}) {
  const server = { base: undefined };
  let running;
  before(
    async () => {
      buildPwa();
      running = await startServer(options);
      server.base = running.base;
    },
    { timeout: 180_000 },
  );
  after(async () => {
    await running?.stop();
  });
  return server;
}

/**
 * A fresh Chromium with its own profile. Records uncaught page errors and Content-Security-Policy
 * violations (through the `securitypolicyviolation` event, which fires for every blocked load).
 */
export async function openBrowser(options = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'gatehouse-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    viewport: options.viewport ?? { width: 375, height: 812 },
    colorScheme: options.colorScheme ?? 'light',
    reducedMotion: 'reduce',
    // A device of another kind, as the sessions page names it (e.g. "Firefox on Windows").
    ...(options.userAgent === undefined ? {} : { userAgent: options.userAgent }),
  });
  const problems = [];
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
    });
  });
  const watch = (page) => {
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      const text = message.text();
      if (/CSP violation|Content Security Policy|Trusted ?Type/i.test(text)) problems.push(text);
    });
  };
  context.on('page', watch);
  const page = context.pages()[0] ?? (await context.newPage());
  watch(page);
  return {
    context,
    page,
    /** Page errors and CSP violations seen so far. */
    problems,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Opens browsers, runs `body` with them, checks that none had a page error or CSP violation, closes them. */
export async function withBrowsers(optionsList, body) {
  const browsers = [];
  try {
    for (const options of optionsList) browsers.push(await openBrowser(options));
    await body(...browsers);
    for (const browser of browsers)
      assert.deepEqual(browser.problems, [], 'no page errors and no CSP violations');
  } finally {
    for (const browser of browsers) await browser.close();
  }
}

/**
 * Takes the page's screenshots at 375 and 1280 px wide (focus removed, so no ring shows) and checks
 * that it fits 320 px in between. The files are `<name>-375-<colorScheme>` and `<name>-1280-<colorScheme>`.
 */
export async function checkLayouts(page, name, colorScheme = 'light') {
  await page.evaluate(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
  await page.screenshot({ path: screenshotPath(`${name}-375-${colorScheme}`), fullPage: true });
  await page.setViewportSize({ width: 320, height: 640 });
  assert.equal(
    await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth),
    true,
    'fits 320 px',
  );
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: screenshotPath(`${name}-1280-${colorScheme}`), fullPage: true });
}

let counter = 0;
/** A username no other test uses (the database is shared by the whole suite). */
export function uniqueName(prefix = 'user') {
  counter += 1;
  return `${prefix}${counter}${randomBytes(4).toString('hex')}`;
}

/** A password the API accepts: long, random, unrelated to the name. */
export function strongPassword() {
  return `pw-${randomBytes(12).toString('base64url')}`;
}

/** Creates an account through the API itself, for tests that are not about signing up. */
export async function createAccount(base, username, password) {
  const response = await fetch(`${base}/signup`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 201) throw new Error(`sign-up failed: ${response.status} ${await response.text()}`);
}

/** Logs in through the API (as the given User-Agent) and returns the token response. */
export async function logInThroughApi(base, username, password, userAgent) {
  const response = await fetch(`${base}/login`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      ...(userAgent === undefined ? {} : { 'User-Agent': userAgent }),
    },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200) throw new Error(`log-in failed: ${response.status} ${await response.text()}`);
  return response.json();
}

/** The payload of a JWT, decoded (no checks). */
export function payloadOf(token) {
  return JSON.parse(Buffer.from(String(token).split('.')[1], 'base64url').toString());
}

/** Polls `check` until it returns true (or throws after `timeout` ms). */
export async function until(check, { timeout = 5000, interval = 100, what = 'the condition' } = {}) {
  const deadline = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

export function screenshotPath(name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, `${name}.png`);
}

/** Runs axe-core in the page (evaluated through the DevTools protocol, so the page's CSP allows it). */
export async function axe(page) {
  const source = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  await page.evaluate(source);
  return page.evaluate(async () => {
    const result = await globalThis.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.map((node) => node.target.join(' ')),
    }));
  });
}

/** The token the app keeps, read straight from IndexedDB (database `gatehouse`, store `auth`). */
export function storedToken(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('gatehouse');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('auth')) {
            db.close();
            resolve(undefined);
            return;
          }
          const get = db.transaction('auth').objectStore('auth').get('access-token');
          get.onsuccess = () => {
            db.close();
            resolve(get.result);
          };
          get.onerror = () => reject(get.error);
        };
      }),
  );
}

/** Puts a token where the app keeps it (the app must have started once, which creates the store). */
export function storeToken(page, token) {
  return page.evaluate(
    (value) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('gatehouse');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const transaction = db.transaction('auth', 'readwrite');
          transaction.objectStore('auth').put(value, 'access-token');
          transaction.oncomplete = () => {
            db.close();
            resolve();
          };
          transaction.onerror = () => reject(transaction.error);
        };
      }),
    token,
  );
}

/** An unsigned-looking JWT with the given payload: enough for the client, refused by the server. */
export function fakeToken(payload) {
  const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}.${randomBytes(32).toString('base64url')}`;
}
