// The PWA in real Chromium against the real Worker and a local D1 (issue: "The installable Preact
// PWA"). Screenshots go to test-results/browser/ (git-ignored).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { FIRST_LOAD_JS_BUDGET_BYTES, firstLoad } from '../../tools/first-load.mjs';
import {
  axe,
  createAccount,
  fakeToken,
  ROOT,
  screenshotPath,
  startServer,
  storedToken,
  storeToken,
  strongPassword,
  uniqueName,
  until,
  useServer,
  withBrowsers,
} from './harness.mjs';

const server = useServer();

const username = (page) => page.getByLabel('Username', { exact: true });
const password = (page) => page.getByLabel('Password', { exact: true });
const logInButton = (page) => page.getByRole('button', { name: 'Log In', exact: true });
const signUpButton = (page) => page.getByRole('button', { name: 'Sign Up', exact: true });
const homeHeading = (page) => page.getByRole('heading', { level: 1, name: 'Secret Data Screen' });

async function fillCredentials(page, name, secret) {
  await username(page).fill(name);
  await password(page).fill(secret);
}

/** Waits for the dialog with this title, returns its text, closes it with OK. */
async function readDialog(page, title) {
  const dialog = page.getByRole('dialog', { name: title });
  await dialog.waitFor();
  const text = await dialog.locator('p').textContent();
  await dialog.getByRole('button', { name: 'OK' }).click();
  await dialog.waitFor({ state: 'detached' });
  return text;
}

async function logInThroughForm(page, name, secret) {
  await fillCredentials(page, name, secret);
  await logInButton(page).click();
  await homeHeading(page).waitFor();
}

/** Loads the app, waits for its service worker, and reloads so the worker controls the page. */
async function loadUnderServiceWorker(page) {
  await page.goto(server.base);
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await page.reload();
  const controlled = await page.evaluate(() => navigator.serviceWorker.controller !== null);
  assert.equal(controlled, true, 'the service worker controls the page after a reload');
}

describe('log-in, sign-up and the secret data', () => {
  test('sign up → log in → greeting and data → reload stays home → log out → reload stays on log-in', async () => {
    await withBrowsers([{}], async ({ page, context }) => {
      const name = uniqueName();
      const secret = strongPassword();
      // Counts the app's requests for persistent storage, and passes them on.
      await page.addInitScript(() => {
        const persist = navigator.storage.persist.bind(navigator.storage);
        globalThis.persistRequests = 0;
        navigator.storage.persist = () => {
          globalThis.persistRequests += 1;
          return persist();
        };
      });
      await page.goto(server.base);
      await fillCredentials(page, name, secret);
      await signUpButton(page).click();
      assert.equal(await readDialog(page, 'Success'), 'The user was created. Log in now.');

      await logInButton(page).click();
      await homeHeading(page).waitFor();
      assert.equal(await page.locator('#greeting').textContent(), `${name}, here's the data:`);
      await page.getByText('This is your secret data').waitFor();
      assert.equal(await page.title(), 'Secret Data Screen · Gatehouse');
      assert.equal(
        await page.evaluate(() => globalThis.persistRequests),
        1,
        'storage.persist() after log-in',
      );

      // The token is in IndexedDB, and nowhere else.
      const token = await storedToken(page);
      assert.match(String(token), /^[\w-]+\.[\w-]+\.[\w-]+$/);

      // The session's end is a readable date on a line of its own, smaller than the greeting, never
      // the API's ISO timestamp, and unbroken on a 320 px phone.
      const data = await (
        await fetch(`${server.base}/data`, { headers: { Authorization: token, Accept: 'application/json' } })
      ).json();
      const end = page.locator('.session-end');
      const shown = await end.locator('time').evaluate((time) => ({
        datetime: time.getAttribute('datetime'),
        text: time.textContent,
        expected: new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(
          new Date(time.getAttribute('datetime')),
        ),
      }));
      assert.equal(shown.datetime, new Date(data.session_expires_at * 1000).toISOString());
      assert.equal(shown.text, shown.expected);
      assert.match(
        shown.text,
        /^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}\s[AP]M$/,
        'like "Dec 30, 2026, 7:05 AM"',
      );
      assert.equal(await end.textContent(), `Your session ends ${shown.text}.`);
      assert.doesNotMatch(await page.locator('.data').textContent(), /session ends|\d{4}-\d{2}-\d{2}T/);
      const size = (selector) =>
        page.locator(selector).evaluate((element) => Number.parseFloat(getComputedStyle(element).fontSize));
      assert.ok((await size('.session-end')) < (await size('#greeting')), 'smaller than the greeting');
      await page.setViewportSize({ width: 320, height: 640 });
      assert.equal(await end.locator('time').evaluate((time) => time.getClientRects().length), 1, 'one line');
      await page.setViewportSize({ width: 375, height: 812 });
      assert.equal(await page.evaluate(() => localStorage.length + sessionStorage.length), 0);
      assert.deepEqual(await context.cookies(), []);

      await page.reload();
      await homeHeading(page).waitFor();
      await page.getByText('This is your secret data').waitFor();

      await page.getByRole('button', { name: 'Log Out' }).click();
      await username(page).waitFor();
      await page.getByText('You have logged out.').waitFor();
      assert.equal(await storedToken(page), undefined, 'log-out clears the token');
      // And the session is ended on the server (POST /logout): the old token no longer opens /data.
      const headers = { Authorization: `Bearer ${token}` };
      await until(async () => (await fetch(`${server.base}/data`, { headers })).status === 401, {
        what: 'the old token to be refused',
      });

      await page.reload();
      await username(page).waitFor();
      assert.equal(await homeHeading(page).count(), 0);
    });
  });

  test("the tutorial's checks and messages, and the API's own reasons", async () => {
    await withBrowsers([{}], async ({ page }) => {
      const requests = [];
      page.on('request', (request) => {
        const path = new URL(request.url()).pathname;
        if (path === '/signup' || path === '/login') requests.push(path);
      });
      await page.goto(server.base);
      const name = uniqueName();
      const secret = strongPassword();

      // Shorter than 4: refused before anything is sent.
      await fillCredentials(page, 'abc', secret);
      await signUpButton(page).click();
      assert.equal(
        await readDialog(page, 'Invalid Username'),
        'The username should be at least 4 characters long',
      );
      await fillCredentials(page, name, 'abc');
      await signUpButton(page).click();
      assert.equal(
        await readDialog(page, 'Invalid Password'),
        'The password should be at least 4 characters long',
      );
      assert.deepEqual(requests, []);

      // Longer than 4 but against the server's rules: the API's reason is shown, as it gave it.
      await fillCredentials(page, name, 'Zq7#pWx');
      const refusal = page.waitForResponse((response) => new URL(response.url()).pathname === '/signup');
      await signUpButton(page).click();
      const response = await refusal;
      assert.equal(response.status(), 400);
      const { detail } = await response.json();
      assert.match(detail, /8/);
      assert.equal(await readDialog(page, 'An Error Occurred'), detail);

      await fillCredentials(page, name, secret);
      await signUpButton(page).click();
      assert.equal(await readDialog(page, 'Success'), 'The user was created. Log in now.');
      await signUpButton(page).click();
      assert.equal(
        await readDialog(page, 'That username is already registered'),
        'Please try to sign up using another username or log in if you already have an account.',
      );

      await fillCredentials(page, name, `${secret}-wrong`);
      await logInButton(page).click();
      assert.equal(
        await readDialog(page, 'An Error Occurred'),
        'No account was found matching that username and password',
      );
      assert.equal(await storedToken(page), undefined);
    });
  });

  test('a throttled log-in says how long to wait, from Retry-After', async () => {
    // A server of its own with throttling on, closing a name for 10 minutes after 10 failures.
    const throttled = await startServer({
      vars: {
        THROTTLING: 'on',
        LOGIN_FREE_FAILURES: '20',
        LOGIN_HARD_STOP_FAILURES: '10',
        LOGIN_HARD_STOP_SECONDS: '600',
      },
    });
    try {
      const name = uniqueName();
      const secret = strongPassword();
      await createAccount(throttled.base, name, secret);
      for (let i = 0; i < 10; i += 1) {
        const failed = await fetch(`${throttled.base}/login`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ username: name, password: `${secret}-wrong-${i}` }),
        });
        assert.equal(failed.status, 401);
      }
      await withBrowsers([{}], async ({ page }) => {
        await page.goto(throttled.base);
        await fillCredentials(page, name, secret);
        const answer = page.waitForResponse((response) => new URL(response.url()).pathname === '/login');
        await logInButton(page).click();
        const response = await answer;
        assert.equal(response.status(), 429);
        const minutes = Math.ceil(Number(response.headers()['retry-after']) / 60);
        assert.ok(minutes >= 9 && minutes <= 10, `Retry-After of about 10 minutes, got ${minutes}`);
        const text = await readDialog(page, 'An Error Occurred');
        assert.match(text, new RegExp(`^Too many .*\\. Try again in ${minutes} minutes\\.$`));
        assert.doesNotMatch(text, /later/);
      });
    } finally {
      await throttled.stop();
    }
  });

  test('dialogs are modal, start on OK, close with Escape and give focus back', async () => {
    await withBrowsers([{}], async ({ page }) => {
      await page.goto(server.base);
      await fillCredentials(page, 'ab', 'abcdefgh');
      await signUpButton(page).focus();
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: 'Invalid Username' });
      await dialog.waitFor();
      assert.equal(
        await dialog.getAttribute('aria-describedby').then((id) => page.locator(`#${id}`).textContent()),
        'The username should be at least 4 characters long',
      );
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'OK');
      await page.screenshot({ path: screenshotPath('dialog-375') });
      assert.equal(await page.evaluate(() => document.querySelector('dialog')?.matches(':modal')), true);
      // The page behind is inert: Tab never reaches it (it leaves for the browser's own UI at most).
      for (let presses = 0; presses < 3; presses += 1) {
        await page.keyboard.press('Tab');
        const outside = await page.evaluate(() => {
          const element = document.activeElement;
          return element !== null && element !== document.body && element.closest('dialog') === null;
        });
        assert.equal(outside, false);
      }
      await dialog.getByRole('button', { name: 'OK' }).focus();
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Sign Up');
    });
  });

  test('keyboard only: tab order, visible focus, Enter logs in, log-out button', async () => {
    const name = uniqueName();
    const secret = strongPassword();
    await createAccount(server.base, name, secret);
    await withBrowsers([{}], async ({ page }) => {
      await page.goto(server.base);
      await username(page).waitFor();
      const focused = () =>
        page.evaluate(() => {
          const element = document.activeElement;
          const style = element ? getComputedStyle(element) : null;
          return {
            label: element?.getAttribute('name') ?? element?.textContent,
            ring:
              style !== null && style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) >= 2,
          };
        });
      await page.keyboard.press('Tab');
      assert.deepEqual(await focused(), { label: 'username', ring: true });
      await page.keyboard.type(name);
      await page.keyboard.press('Tab');
      assert.deepEqual(await focused(), { label: 'password', ring: true });
      await page.keyboard.type(secret);
      await page.keyboard.press('Tab');
      assert.deepEqual(await focused(), { label: 'action', ring: true });
      await page.keyboard.press('Shift+Tab');
      // Enter in the password field submits with the first button: Log In.
      await page.keyboard.press('Enter');
      await homeHeading(page).waitFor();
      await page.getByText('This is your secret data').waitFor();
      // Arriving home moves focus to the page's title, so a screen reader announces the new screen.
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Secret Data Screen');
      await page.keyboard.press('Tab');
      assert.deepEqual(await focused(), { label: 'Log Out', ring: true });
      await page.keyboard.press('Enter');
      await username(page).waitFor();
    });
  });
});

describe('the token', () => {
  test('a stored expired token lands on log-in, with a message, and is cleared', async () => {
    await withBrowsers([{}], async ({ page }) => {
      await page.goto(server.base);
      await username(page).waitFor();
      const exp = Math.floor(Date.now() / 1000) - 60;
      await storeToken(page, fakeToken({ username: 'someone', exp }));
      await page.reload();
      await username(page).waitFor();
      await page.getByText('Your session has expired. Please log in again.').waitFor();
      assert.equal(await homeHeading(page).count(), 0);
      assert.equal(await storedToken(page), undefined);
    });
  });

  test('a token the API refuses (401) is cleared and the person is sent to log-in', async () => {
    await withBrowsers([{}], async ({ page }) => {
      await page.goto(server.base);
      await username(page).waitFor();
      // Unexpired, so the start-up check goes home; but not signed by this server.
      const exp = Math.floor(Date.now() / 1000) + 3600;
      await storeToken(page, fakeToken({ username: 'mallory', exp }));
      await page.reload();
      await page.getByText('Your session has ended. Please log in again.').waitFor();
      await username(page).waitFor();
      assert.equal(await storedToken(page), undefined);
    });
  });

  test('a token that expires while the app is open returns the person to log-in with a message', async () => {
    const name = uniqueName();
    const secret = strongPassword();
    await createAccount(server.base, name, secret);
    await withBrowsers([{}], async ({ page }) => {
      // The page's clock is under the test's control; the network and the server are real.
      await page.clock.install();
      await page.goto(server.base);
      await logInThroughForm(page, name, secret);
      await page.getByText('This is your secret data').waitFor();
      const token = await storedToken(page);
      const { exp } = JSON.parse(Buffer.from(String(token).split('.')[1], 'base64url').toString());
      const remaining = exp * 1000 - (await page.evaluate(() => Date.now()));
      await page.clock.fastForward(remaining + 1000);
      await page.getByText('Your session has expired. Please log in again.').waitFor();
      await username(page).waitFor();
      assert.equal(await storedToken(page), undefined);
    });
  });
});

describe('installable and offline', () => {
  test('the manifest is served and valid, with 192, 512 and maskable icons; Chromium finds it installable', async () => {
    const response = await fetch(`${server.base}/manifest.webmanifest`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/manifest\+json/);
    const manifest = await response.json();
    assert.equal(manifest.name, 'Gatehouse');
    assert.equal(manifest.short_name, 'Gatehouse');
    assert.ok(manifest.description.length > 0);
    assert.equal(manifest.start_url, '/');
    assert.equal(manifest.scope, '/');
    assert.equal(manifest.display, 'standalone');
    assert.match(manifest.theme_color, /^#[0-9a-f]{6}$/i);
    assert.match(manifest.background_color, /^#[0-9a-f]{6}$/i);
    const wanted = [
      ['192x192', 'any'],
      ['512x512', 'any'],
      ['512x512', 'maskable'],
    ];
    for (const [sizes, purpose] of wanted) {
      const icon = manifest.icons.find((entry) => entry.sizes === sizes && entry.purpose === purpose);
      assert.ok(icon, `an icon ${sizes} ${purpose}`);
      const image = Buffer.from(await (await fetch(new URL(icon.src, server.base))).arrayBuffer());
      // PNG signature, then the IHDR chunk's width and height.
      assert.equal(image.subarray(1, 4).toString(), 'PNG');
      assert.equal(`${image.readUInt32BE(16)}x${image.readUInt32BE(20)}`, sizes);
    }

    // Chromium checks installability only outside incognito: this browser has a profile of its own.
    await withBrowsers([{ withProfile: true }], async ({ page, context }) => {
      await loadUnderServiceWorker(page);
      const cdp = await context.newCDPSession(page);
      const { errors, url } = await cdp.send('Page.getAppManifest');
      assert.equal(url, `${server.base}/manifest.webmanifest`);
      assert.deepEqual(errors, []);
      const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
      assert.deepEqual(installabilityErrors, []);
    });
  });

  test('offline: the shell starts and says so; a logged-in person sees their name; data loads when back', async () => {
    const name = uniqueName();
    const secret = strongPassword();
    await createAccount(server.base, name, secret);
    await withBrowsers([{}], async ({ page, context }) => {
      await loadUnderServiceWorker(page);

      await context.setOffline(true);
      const shell = await page.reload();
      assert.equal(shell?.fromServiceWorker(), true, 'the shell came from the service worker');
      await username(page).waitFor();
      await page.getByText('You are offline.').waitFor();

      await context.setOffline(false);
      await page.getByText('You are offline.').waitFor({ state: 'detached' });
      await logInThroughForm(page, name, secret);
      await page.getByText('This is your secret data').waitFor();

      await context.setOffline(true);
      await page.reload();
      await homeHeading(page).waitFor();
      assert.equal(await page.locator('#greeting').textContent(), `${name}, here's the data:`);
      await page.getByText('You are offline. Your data will load when the connection returns.').waitFor();
      assert.equal(await username(page).count(), 0, 'not the log-in page');
      await page.screenshot({ path: screenshotPath('offline-home-375') });

      await context.setOffline(false);
      await page.getByText('This is your secret data').waitFor();
      assert.equal(await page.getByText('You are offline.').count(), 0);
    });
  });

  test('a new version waiting shows an update prompt, and Reload switches to it', async () => {
    await withBrowsers([{}], async ({ page }) => {
      await loadUnderServiceWorker(page);
      // Deploy "a new version": any byte change to sw.js makes the browser install it; it then waits,
      // because the old one controls the page.
      // This server's own copy of the build: no other server sees the change.
      const sw = join(server.assets, 'sw.js');
      const original = readFileSync(sw, 'utf8');
      try {
        writeFileSync(sw, `${original}\n// new version ${Date.now()}\n`);
        await until(async () => (await (await fetch(`${server.base}/sw.js`)).text()) !== original, {
          what: 'wrangler dev to serve the new sw.js',
        });
        const prompt = page.getByText('A new version of Gatehouse is available.');
        // Asked again until it shows: on a busy machine one update check can end before the new
        // worker has installed, and the browser would check again only much later.
        await until(
          async () => {
            if (await prompt.isVisible()) return true;
            await page.evaluate(() =>
              navigator.serviceWorker
                .getRegistration()
                .then((r) => r?.update())
                .catch(() => undefined),
            );
            return prompt.isVisible();
          },
          { timeout: 60_000, interval: 2_000, what: 'the update prompt' },
        );
        assert.deepEqual(await axe(page), [], 'the update prompt');
        await page.screenshot({ path: screenshotPath('update-prompt-375') });
        await page.evaluate(() => {
          globalThis.oldVersion = true;
        });
        await Promise.all([
          page.waitForEvent('load'),
          page.getByRole('button', { name: 'Reload', exact: true }).click(),
        ]);
        assert.equal(await page.evaluate(() => globalThis.oldVersion), undefined, 'the page reloaded');
        await username(page).waitFor();
        assert.equal(await prompt.count(), 0);
        const waiting = await page.evaluate(() =>
          navigator.serviceWorker.getRegistration().then((r) => r?.waiting ?? null),
        );
        assert.equal(waiting, null, 'the new version is the active one');
      } finally {
        writeFileSync(sw, original);
      }
    });
  });

  test('under the service worker, API paths are answered by the Worker, never by the shell', async () => {
    await withBrowsers([{}], async ({ page }) => {
      await loadUnderServiceWorker(page);

      const fetched = await page.evaluate(async () => {
        const response = await fetch('/data', { headers: { Accept: 'application/json' } });
        return {
          status: response.status,
          type: response.headers.get('content-type'),
          challenge: response.headers.get('www-authenticate'),
          body: await response.json(),
        };
      });
      assert.equal(fetched.status, 401);
      assert.match(fetched.type ?? '', /^application\/problem\+json/);
      assert.match(fetched.challenge ?? '', /^Bearer/);
      assert.equal(fetched.body.type, '/problems/invalid-token');

      // Every path of the API's name space (worker/http/api-paths.ts), in any letter case and with a
      // trailing slash, opened as a page: the Worker answers, never the shell.
      const source = readFileSync(join(ROOT, 'worker', 'http', 'api-paths.ts'), 'utf8');
      const list = source.match(/API_ROOTS = \[([^\]]*)\]/)?.[1] ?? '';
      const roots = [...list.matchAll(/'([^']+)'/g)].map((match) => match[1]);
      assert.ok(roots.includes('data') && roots.includes('signup') && roots.includes('login'));
      const paths = roots.flatMap((root) => [
        `/${root}`,
        `/${root}/`,
        `/${root.toUpperCase()}`,
        `/${root}/x`,
      ]);
      for (const path of paths) {
        const response = await page.goto(`${server.base}${path}`);
        assert.equal(response?.fromServiceWorker(), false, `${path} not from the service worker`);
        assert.doesNotMatch(
          response?.headers()['content-type'] ?? '',
          /text\/html/,
          `${path} is not the shell`,
        );
      }

      // Any other page is the app.
      const other = await page.goto(`${server.base}/some/page`);
      assert.equal(other?.fromServiceWorker(), true);
      await username(page).waitFor();
    });
  });

  test('the shell has a strict Content-Security-Policy and no inline script', async () => {
    for (const path of ['/', '/index.html', '/some/page', '/manifest.webmanifest', '/sw.js']) {
      const response = await fetch(`${server.base}${path}`, { headers: { 'Sec-Fetch-Mode': 'navigate' } });
      assert.equal(response.status, 200, path);
      const csp = response.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'self'/, path);
      assert.match(csp, /frame-ancestors 'none'/, path);
      assert.match(csp, /object-src 'none'/, path);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, path);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(response.headers.get('referrer-policy'), 'no-referrer', path);
    }
    const html = await (await fetch(server.base)).text();
    for (const script of html.match(/<script\b[^>]*>[\s\S]*?<\/script>/g) ?? []) {
      assert.match(script, /^<script\b[^>]*\bsrc=/, 'every script is a file');
      assert.match(script, />\s*<\/script>$/, 'no inline code');
    }
    assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=/i, 'no inline styles or handlers');
  });

  test("Vite's build manifest is not among the served files", async () => {
    const manifest = readFileSync(join(server.assets, '.vite', 'manifest.json'), 'utf8');
    const response = await fetch(`${server.base}/.vite/manifest.json`);
    assert.notEqual(await response.text(), manifest);
    assert.doesNotMatch(response.headers.get('content-type') ?? '', /json/);
  });
});

describe('accessible and small', () => {
  test('axe-core finds no violations on either screen, in light and dark', async () => {
    const name = uniqueName();
    const secret = strongPassword();
    await createAccount(server.base, name, secret);
    for (const colorScheme of ['light', 'dark']) {
      await withBrowsers([{ colorScheme }], async ({ page }) => {
        await page.goto(server.base);
        await username(page).waitFor();
        assert.deepEqual(await axe(page), [], `log-in screen, ${colorScheme}`);

        await fillCredentials(page, 'ab', 'abcdefgh');
        await signUpButton(page).click();
        await page.getByRole('dialog').waitFor();
        assert.deepEqual(await axe(page), [], `log-in screen with a dialog, ${colorScheme}`);
        await page.keyboard.press('Escape');

        await page.context().setOffline(true);
        await page.getByText('You are offline.').waitFor();
        assert.deepEqual(await axe(page), [], `log-in screen offline, ${colorScheme}`);
        await page.context().setOffline(false);

        await logInThroughForm(page, name, secret);
        await page.getByText('This is your secret data').waitFor();
        assert.deepEqual(await axe(page), [], `home screen, ${colorScheme}`);
      });
    }
  });

  test('works from 320 px to desktop; screenshots at 375×812 and 1280×800, light and dark', async () => {
    const name = uniqueName('Ada');
    const secret = strongPassword();
    await createAccount(server.base, name, secret);
    const sizes = [
      { width: 320, height: 640 },
      { width: 375, height: 812 },
      { width: 1280, height: 800 },
    ];
    for (const colorScheme of ['light', 'dark']) {
      await withBrowsers([{ colorScheme }], async ({ page }) => {
        const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= innerWidth);
        const iconsLoaded = () =>
          page.evaluate(() => Promise.all([...document.images].map((image) => image.decode())));
        await page.goto(server.base);
        await username(page).waitFor();
        for (const viewport of sizes) {
          await page.setViewportSize(viewport);
          await iconsLoaded();
          assert.equal(await fits(), true, `log-in fits ${viewport.width} px`);
          await page.screenshot({ path: screenshotPath(`login-${viewport.width}-${colorScheme}`) });
        }
        await logInThroughForm(page, name, secret);
        await page.getByText('This is your secret data').waitFor();
        await page.evaluate(
          () => document.activeElement instanceof HTMLElement && document.activeElement.blur(),
        );
        for (const viewport of sizes) {
          await page.setViewportSize(viewport);
          await iconsLoaded();
          assert.equal(await fits(), true, `home fits ${viewport.width} px`);
          await page.screenshot({ path: screenshotPath(`home-${viewport.width}-${colorScheme}`) });
        }
      });
    }
  });

  test('the README screenshot: the log-in page and the Secret Data Screen on a phone', async () => {
    // Written to test-results/ by every run; `npm run screenshot` also writes docs/screenshot.png.
    const name = 'Grace';
    const secret = strongPassword();
    await createAccount(server.base, name, secret);
    await withBrowsers([{ viewport: { width: 375, height: 640 } }], async ({ page, context }) => {
      const settle = () =>
        page.evaluate(async () => {
          if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
          await Promise.all([...document.images].map((image) => image.decode()));
        });
      await page.goto(server.base);
      await fillCredentials(page, name, secret);
      await settle();
      const logIn = await page.screenshot();
      await logInButton(page).click();
      await homeHeading(page).waitFor();
      await page.getByText('This is your secret data').waitFor();
      await settle();
      const home = await page.screenshot();

      // Side by side on a neutral background, framed like two phones.
      const frame = await context.newPage();
      await frame.setViewportSize({ width: 810, height: 680 });
      const image = (png) =>
        `<img src="data:image/png;base64,${png.toString('base64')}" width="375" height="640" alt="">`;
      await frame.setContent(
        `<style>body{margin:0;padding:20px;display:flex;gap:20px;background:#dfe5e4}img{border-radius:12px;box-shadow:0 2px 8px #0003}</style>${image(logIn)}${image(home)}`,
      );
      await frame.evaluate(() => Promise.all([...document.images].map((element) => element.decode())));
      const picture = await frame.screenshot();
      writeFileSync(screenshotPath('readme-screenshot'), picture);
      if (process.env.UPDATE_DOCS_SCREENSHOT === '1')
        writeFileSync(join(ROOT, 'docs', 'screenshot.png'), picture);
    });
  });

  test(`first-load JavaScript is at most ${FIRST_LOAD_JS_BUDGET_BYTES / 1000} kB gzip, the files the build counts`, async () => {
    await withBrowsers([{}], async ({ page }) => {
      const scripts = [];
      page.on('response', async (response) => {
        if (response.request().resourceType() === 'script') scripts.push(response);
      });
      await page.goto(server.base);
      await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
      let total = 0;
      for (const response of scripts) total += gzipSync(await response.body(), { level: 9 }).length;
      console.log(`first-load JS measured in the browser: ${(total / 1000).toFixed(2)} kB gzip`);
      assert.ok(scripts.length > 0);
      assert.ok(total <= FIRST_LOAD_JS_BUDGET_BYTES, `${total} bytes`);
      // What the build's budget check and the benchmark count, from Vite's manifest, is what Chromium fetched.
      const counted = firstLoad(server.assets);
      const fetched = [...new Set(scripts.map((response) => new URL(response.url()).pathname.slice(1)))];
      assert.deepEqual(
        fetched.sort(),
        counted.jsFiles.map(({ file }) => file),
      );
      assert.equal(total, counted.jsGzipBytes);
    });
  });
});
