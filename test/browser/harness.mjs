// What the browser tests stand on: the built PWA served with the real Worker by `wrangler dev` (its
// own port, its own temporary D1, its own secret, its own copy of the build) and Debian's Chromium
// driven by playwright-core: one browser per test file, a fresh context (its own storage) per simulated
// browser. Nothing here is mocked. Starting servers and browsers is tools/.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { launchChromium, launchChromiumWithProfile } from '../../tools/chromium.mjs';
import { PWA_DIST, ROOT } from '../../tools/paths.mjs';
import { buildPwa } from '../../tools/pwa-build.mjs';
import { applyLocalMigrations } from '../../tools/wrangler.mjs';
import { startWranglerDev } from '../../tools/wrangler-dev.mjs';

export { ROOT };
export const ARTIFACTS = join(ROOT, 'test-results', 'browser');
/** Set by tools/run-node-tests.mjs, which builds the PWA once for all the files it runs. */
const BUILT_BY_RUNNER = 'GATEHOUSE_PWA_BUILT';

export { buildPwa };

/**
 * Starts `wrangler dev` on a free port with a fresh, migrated local D1 and its own copy of pwa/dist
 * (`assets`: a test may change a file there without touching other servers). Call `stop()` in `after`.
 * `vars` are settings for this server only (e.g. `{ THROTTLING: 'on' }`).
 * @param {{ vars?: Record<string, string> }} [options]
 */
export async function startServer({ vars = {} } = {}) {
  const folder = mkdtempSync(join(tmpdir(), 'gatehouse-browser-'));
  const assets = join(folder, 'assets');
  const state = join(folder, 'state');
  cpSync(PWA_DIST, assets, { recursive: true });
  applyLocalMigrations(state);
  // The suite signs up and logs in more often in a minute than the per-address limit allows, from
  // one address: throttling is switched off for this server only (the Worker tests cover it).
  const server = await startWranglerDev({
    persistTo: state,
    assets,
    vars: { JWT_SECRET: randomBytes(32).toString('base64url'), THROTTLING: 'off', ...vars },
    timeoutMs: 60_000,
  }).catch((error) => {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  });
  return {
    base: server.url,
    assets,
    output: server.output,
    async stop() {
      await server.stop();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/**
 * Builds the PWA (unless the runner did) and starts a server before the file's tests, and stops it
 * after them (`options` go to startServer()). The server's address is the returned object's `base`, and its copy of the build
 * `assets`, set once it is up: read them inside tests and helpers.
 */
export function useServer(options = {}) {
  /** @type {{ base: string, assets: string }} */
  const server = { base: '', assets: '' };
  /** @type {Awaited<ReturnType<typeof startServer>> | undefined} */
  let running;
  before(
    async () => {
      if (process.env[BUILT_BY_RUNNER] === undefined) buildPwa();
      running = await startServer(options);
      server.base = running.base;
      server.assets = running.assets;
    },
    { timeout: 180_000 },
  );
  after(async () => {
    await running?.stop();
  });
  return server;
}

/** The file's one Chromium, started by the first test that needs it and closed after the last. */
let sharedBrowser;
after(async () => {
  await (await sharedBrowser)?.close();
});

/**
 * A fresh browser: a new context of the file's Chromium, with storage of its own, or with
 * `withProfile: true` a Chromium of its own on a temporary profile (for Chromium's installability
 * check, which refuses incognito contexts). Records uncaught page errors and Content-Security-Policy
 * violations (through the `securitypolicyviolation` event, which fires for every blocked load).
 */
export async function openBrowser(options = {}) {
  /** @type {import('playwright-core').BrowserContextOptions} */
  const contextOptions = {
    viewport: options.viewport ?? { width: 375, height: 812 },
    colorScheme: options.colorScheme ?? 'light',
    reducedMotion: 'reduce',
    // A device of another kind, as the sessions page names it (e.g. "Firefox on Windows").
    ...(options.userAgent === undefined ? {} : { userAgent: options.userAgent }),
  };
  let profile;
  let context;
  if (options.withProfile) {
    profile = mkdtempSync(join(tmpdir(), 'gatehouse-chromium-'));
    context = await launchChromiumWithProfile(profile, contextOptions);
  } else {
    sharedBrowser ??= launchChromium();
    context = await (await sharedBrowser).newContext(contextOptions);
  }
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
  // A profile's browser opens with a page; a new context has none, and its first page is an event.
  const opened = context.pages()[0];
  context.on('page', watch);
  const page = opened ?? (await context.newPage());
  if (opened !== undefined) watch(opened);
  return {
    context,
    page,
    /** Page errors and CSP violations seen so far. */
    problems,
    async close() {
      await context.close();
      if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
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
            resolve(undefined);
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
