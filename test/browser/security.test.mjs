// Security behaviour that needs a real browser: device tokens kept by the PWA, the log-out that
// survives closing the tab, cross-site form posts, and HSTS on the app's files. The server runs with
// throttling on (the other browser suites switch it off).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  createAccount,
  storedToken,
  strongPassword,
  uniqueName,
  until,
  useServer,
  withBrowsers,
} from './harness.mjs';

// A name closes after 10 consecutive failures across networks (the production default is 100).
const server = useServer({ vars: { THROTTLING: 'on', LOGIN_HARD_STOP_FAILURES: '10' } });

const homeHeading = (page) => page.getByRole('heading', { level: 1, name: 'Secret Data Screen' });

async function logInThroughForm(page, name, secret) {
  await page.goto(server.base);
  await page.getByLabel('Username', { exact: true }).fill(name);
  await page.getByLabel('Password', { exact: true }).fill(secret);
  await page.getByRole('button', { name: 'Log In', exact: true }).click();
}

/** A wrong-password log-in from another network (the local runtime passes CF-Connecting-IP on). */
function strangerGuess(name, network) {
  return fetch(`${server.base}/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': network },
    body: JSON.stringify({ username: name, password: `guess-${strongPassword()}` }),
  });
}

describe('device tokens in the PWA', () => {
  test('a browser that has logged in before gets in while the name is closed; a new browser waits', async () => {
    const name = uniqueName('device');
    const secret = strongPassword();
    await createAccount(server.base, name, secret);
    await withBrowsers([{}, {}], async (known, stranger) => {
      // The known browser logs in once (keeping its device token), then logs out.
      await logInThroughForm(known.page, name, secret);
      await homeHeading(known.page).waitFor();
      await known.page.getByRole('button', { name: 'Log Out' }).click();
      await known.page.getByRole('heading', { name: 'Log In' }).waitFor();

      // Distributed guessing from ten networks closes the name to every network.
      for (let i = 1; i <= 10; i++) assert.equal((await strangerGuess(name, `203.0.113.${i}`)).status, 401);
      assert.equal((await strangerGuess(name, '203.0.113.11')).status, 429);

      // A browser that never logged in gets the networks' rule: the server's reason is shown.
      await logInThroughForm(stranger.page, name, secret);
      const dialog = stranger.page.getByRole('dialog', { name: 'An Error Occurred' });
      await dialog.waitFor();
      assert.match(await dialog.textContent(), /Too many failed attempts/);

      // The browser that has logged in before is recognised and let in.
      await logInThroughForm(known.page, name, secret);
      await homeHeading(known.page).waitFor();
    });
  });
});

describe('log-out', () => {
  test('ends the session on the server even when the tab is closed at once', async () => {
    const name = uniqueName('bye');
    const secret = strongPassword();
    await createAccount(server.base, name, secret);
    await withBrowsers([{}], async ({ context, page }) => {
      await logInThroughForm(page, name, secret);
      await homeHeading(page).waitFor();
      const token = await storedToken(page);
      // The log-out request is held in the browser until the tab has gone: only a request that
      // outlives its page can still reach the server.
      const closed = new Promise((resolve) => page.once('close', resolve));
      await context.route('**/logout', (route) => closed.then(() => route.continue()));
      await page.getByRole('button', { name: 'Log Out' }).click();
      await page.close();
      await until(
        async () =>
          (await fetch(`${server.base}/data`, { headers: { Authorization: token } })).status === 401,
        { timeout: 15_000, what: 'the session to end on the server' },
      );
    });
  });
});

describe('cross-site form posts', () => {
  for (const [kind, attacker] of [
    ['from another site', 'http://attacker.test'],
    ['from another origin of the same site', 'http://127.0.0.1:9'],
  ]) {
    test(`${kind} get 403 and change nothing`, async () => {
      const name = uniqueName('csrf');
      const secret = strongPassword();
      await withBrowsers([{}], async ({ page }) => {
        // The attacker's page: a form that posts itself to Gatehouse as soon as it loads.
        await page.route(`${attacker}/**`, (route) =>
          route.fulfill({
            contentType: 'text/html',
            body: `<form method="post" action="${server.base}/signup">
              <input name="username" value="${name}"><input name="password" value="${secret}">
            </form><script>document.forms[0].submit()</script>`,
          }),
        );
        const answer = page.waitForResponse((response) => response.url() === `${server.base}/signup`);
        await page.goto(`${attacker}/`);
        const response = await answer;
        assert.equal(response.status(), 403);
        assert.equal((await response.json()).type, '/problems/cross-site-request');
      });
      // No account was created: the same sign-up from a non-browser client succeeds.
      const signup = await fetch(`${server.base}/signup`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: name, password: secret }).toString(),
      });
      assert.equal(signup.status, 201);
    });
  }
});

describe('Strict-Transport-Security', () => {
  test("is on the app's files as on the API (browsers heed it only over HTTPS)", async () => {
    for (const path of ['/', '/index.html', '/some/app/path', '/manifest.webmanifest', '/sw.js']) {
      const response = await fetch(`${server.base}${path}`);
      assert.equal(response.status, 200, path);
      assert.equal(
        response.headers.get('strict-transport-security'),
        'max-age=31536000; includeSubDomains',
        path,
      );
    }
  });
});
