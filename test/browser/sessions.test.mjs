// The PWA's sessions and account pages, log out everywhere and the silent refresh across tabs, in real
// Chromium against the real Worker and a local D1 (issue: "Sessions and account lifecycle").
// Screenshots go to test-results/browser/ (git-ignored).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  axe,
  checkLayouts,
  createAccount,
  logInThroughApi,
  payloadOf,
  screenshotPath,
  storedToken,
  storeToken,
  strongPassword,
  uniqueName,
  until,
  useServer,
  withBrowsers,
} from './harness.mjs';

const ANDROID_CHROME =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';
const WINDOWS_FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';
const DAY_MS = 24 * 60 * 60 * 1000;

const server = useServer();

const username = (page) => page.getByLabel('Username', { exact: true });
const heading = (page, name) => page.getByRole('heading', { level: 1, name, exact: true });
const link = (page, name) =>
  page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name, exact: true });
const button = (page, name) => page.getByRole('button', { name, exact: true });

async function logInThroughForm(page, name, secret) {
  await page.goto(server.base);
  await username(page).fill(name);
  await page.getByLabel('Password', { exact: true }).fill(secret);
  await button(page, 'Log In').click();
  await heading(page, 'Secret Data Screen').waitFor();
  await page.getByText('This is your secret data').waitFor();
}

async function openDevices(page) {
  await link(page, 'Devices').click();
  await heading(page, 'Devices').waitFor();
  await page.getByRole('list').waitFor();
}

/** The devices page's list, as { name, current, lastUsed, canEnd } per item. */
function deviceList(page) {
  return page.locator('.device').evaluateAll((items) =>
    items.map((item) => {
      const time = item.querySelector('dd time');
      return {
        name: item.querySelector('h3')?.firstChild?.textContent,
        current: item.textContent.includes('This device'),
        lastUsed: time?.textContent,
        lastUsedExact: time?.getAttribute('title'),
        lastUsedIso: time?.getAttribute('datetime'),
        canEnd: item.querySelector('button')?.textContent === 'End session',
      };
    }),
  );
}

/** After the session of `page` was ended elsewhere: its next data load lands it on log-in. */
async function expectSentToLogIn(page) {
  await page.reload();
  await page.getByText('Your session has ended. Please log in again.').waitFor();
  await username(page).waitFor();
  assert.equal(await storedToken(page), undefined);
}

describe('devices and log out everywhere', () => {
  test('the devices page lists both devices, names them, marks this one, and ends the other', async () => {
    const name = uniqueName();
    const secret = strongPassword();
    await createAccount(server.base, name, secret);
    await withBrowsers(
      [{ userAgent: ANDROID_CHROME }, { userAgent: WINDOWS_FIREFOX }],
      async (phone, laptop) => {
        await logInThroughForm(phone.page, name, secret);
        await logInThroughForm(laptop.page, name, secret);
        const page = phone.page;
        await openDevices(page);
        assert.equal(new URL(page.url()).hash, '#/devices');
        assert.equal(await page.title(), 'Devices · Gatehouse');
        assert.equal(await link(page, 'Devices').getAttribute('aria-current'), 'page');
        await page.getByRole('listitem').nth(1).waitFor();
        const list = await deviceList(page);
        assert.equal(list.length, 2);
        assert.deepEqual(
          list.map(({ name, current, canEnd }) => ({ name, current, canEnd })),
          [
            { name: 'Chrome on Android', current: true, canEnd: false },
            { name: 'Firefox on Windows', current: false, canEnd: true },
          ],
        );
        for (const item of list) {
          assert.match(item.lastUsed, /^(just now|1 minute ago)$/);
          assert.ok(Math.abs(Date.parse(item.lastUsedIso) - Date.now()) < 5 * 60_000, 'datetime is the time');
          assert.ok(item.lastUsedExact.length > 0, 'the exact time in the title');
        }
        assert.deepEqual(await axe(page), [], 'devices page');
        await checkLayouts(page, 'devices');

        const ending = page.waitForResponse((response) => response.request().method() === 'DELETE');
        await button(page, 'End session').click();
        const response = await ending;
        assert.match(new URL(response.url()).pathname, /^\/sessions\/[\w-]+$/);
        assert.equal(response.status(), 204);
        await page.getByText('The session on Firefox on Windows has ended.').waitFor();
        await until(async () => (await deviceList(page)).length === 1, { what: 'the list to refresh' });
        assert.deepEqual(
          (await deviceList(page)).map(({ name, current }) => ({ name, current })),
          [{ name: 'Chrome on Android', current: true }],
        );
        assert.equal(await page.evaluate(() => document.activeElement?.id), 'devices-heading');

        await expectSentToLogIn(laptop.page);
        // This device is still logged in.
        await link(page, 'Data').click();
        await page.getByText('This is your secret data').waitFor();
      },
    );
  });

  test('devices are named from their user agent; loading fails → error and Try Again', async () => {
    const name = uniqueName();
    const secret = strongPassword();
    await createAccount(server.base, name, secret);
    const agents = {
      'Safari on iOS':
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      'Edge on Windows':
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
      'Safari on macOS':
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
      'Samsung Internet on Android':
        'Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36',
      Dart: 'Dart/3.5 (dart:io)',
      curl: 'curl/8.10.1',
    };
    for (const userAgent of Object.values(agents))
      await logInThroughApi(server.base, name, secret, userAgent);
    await withBrowsers([{}], async ({ page, context }) => {
      await logInThroughForm(page, name, secret);
      // No answer from the server: the error state, and Try Again loads the list.
      await context.route('**/sessions', (route) => route.abort());
      await link(page, 'Devices').click();
      await page.getByText('Gatehouse could not be reached.').waitFor();
      assert.deepEqual(await axe(page), [], 'devices page, error state');
      await context.unroute('**/sessions');
      await button(page, 'Try Again').click();
      await page.getByRole('listitem').nth(6).waitFor();
      const names = (await deviceList(page)).map((item) => item.name);
      assert.equal(names[0], 'Chrome on Linux', 'this device first (headless Chromium)');
      assert.deepEqual(names.slice(1).sort(), Object.keys(agents).sort());
    });
  });

  test('log out everywhere from one device ends the other device’s session', async () => {
    const name = uniqueName();
    const secret = strongPassword();
    await createAccount(server.base, name, secret);
    await withBrowsers(
      [{ userAgent: ANDROID_CHROME }, { userAgent: WINDOWS_FIREFOX }],
      async (phone, laptop) => {
        await logInThroughForm(phone.page, name, secret);
        await logInThroughForm(laptop.page, name, secret);
        const token = await storedToken(phone.page);
        await openDevices(phone.page);
        const request = phone.page.waitForRequest(
          (r) => new URL(r.url()).pathname === '/sessions' && r.method() === 'DELETE',
        );
        await button(phone.page, 'Log out everywhere').click();
        assert.equal((await request).headers().authorization, `Bearer ${token}`);
        await phone.page.getByText('You have logged out on every device.').waitFor();
        await username(phone.page).waitFor();
        assert.equal(new URL(phone.page.url()).hash, '', 'back to the plain address');
        assert.equal(await storedToken(phone.page), undefined);
        const refused = await fetch(`${server.base}/data`, { headers: { Authorization: token } });
        assert.equal(refused.status, 401);

        await expectSentToLogIn(laptop.page);
      },
    );
  });
});

describe('account', () => {
  test('change password: wrong current, weak new (the API’s reason), success logs the other device out', async () => {
    const name = uniqueName();
    const secret = strongPassword();
    const next = strongPassword();
    await createAccount(server.base, name, secret);
    await withBrowsers([{}, { userAgent: WINDOWS_FIREFOX }], async ({ page }, other) => {
      await logInThroughForm(page, name, secret);
      await logInThroughForm(other.page, name, secret);
      await link(page, 'Account').click();
      await heading(page, 'Account').waitFor();
      assert.equal(await page.title(), 'Account · Gatehouse');
      const current = page.getByLabel('Current password', { exact: true });
      const fresh = page.getByLabel('New password', { exact: true });
      const submit = async () => {
        const answer = page.waitForResponse((r) => new URL(r.url()).pathname === '/password');
        await button(page, 'Change password').click();
        return answer;
      };

      await current.fill(`${secret}-wrong`);
      await fresh.fill(next);
      assert.equal((await submit()).status(), 403);
      await page.getByText('The current password is not correct.').waitFor();

      await current.fill(secret);
      await fresh.fill(`${name}1234`);
      const weak = await submit();
      assert.equal(weak.status(), 400);
      const { detail } = await weak.json();
      assert.ok(detail.length > 0);
      await page.getByText(detail, { exact: true }).waitFor();
      assert.deepEqual(await axe(page), [], 'account page with an error');

      await fresh.fill(next);
      assert.equal((await submit()).status(), 200);
      await page
        .getByText('Your password has been changed. Every other device has been logged out')
        .waitFor();
      assert.equal(await current.inputValue(), '', 'the form is cleared');
      await checkLayouts(page, 'account');

      // This device continues; the other one is out, and only the new password logs in.
      await link(page, 'Data').click();
      await page.getByText('This is your secret data').waitFor();
      await expectSentToLogIn(other.page);
      await other.page.getByLabel('Password', { exact: true }).fill(secret);
      await username(other.page).fill(name);
      await button(other.page, 'Log In').click();
      await other.page.getByRole('dialog', { name: 'An Error Occurred' }).waitFor();
      await other.page.keyboard.press('Escape');
      await logInThroughForm(other.page, name, next);
    });
  });

  test('delete account: a confirmation dialog asks for the password; wrong → error; right → log-in, name free', async () => {
    const name = uniqueName();
    const secret = strongPassword();
    await createAccount(server.base, name, secret);
    await withBrowsers([{}], async ({ page }) => {
      await logInThroughForm(page, name, secret);
      const token = await storedToken(page);
      await link(page, 'Account').click();
      const opener = button(page, 'Delete account…');
      await opener.click();
      const dialog = page.getByRole('dialog', { name: 'Delete your account?' });
      await dialog.waitFor();
      assert.equal(await page.evaluate(() => document.querySelector('dialog')?.matches(':modal')), true);
      assert.equal(
        await page.evaluate(() => document.activeElement?.id),
        'delete-password',
        'focus on the question',
      );
      // Escape cancels, and focus goes back to the button that opened it.
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Delete account…');

      await opener.click();
      await dialog.getByLabel('Password', { exact: true }).fill(`${secret}-wrong`);
      const refused = page.waitForResponse((r) => new URL(r.url()).pathname === '/account');
      await dialog.getByRole('button', { name: 'Delete account', exact: true }).click();
      assert.equal((await refused).status(), 403);
      await dialog.getByText('The password is not correct. Your account has not been deleted.').waitFor();
      assert.deepEqual(await axe(page), [], 'the delete dialog with an error');
      await page.screenshot({ path: screenshotPath('delete-dialog-375-light') });
      await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
      await dialog.waitFor({ state: 'detached' });
      // Still logged in.
      assert.equal(await storedToken(page), token);
      assert.equal((await fetch(`${server.base}/data`, { headers: { Authorization: token } })).status, 200);

      await opener.click();
      await dialog.getByLabel('Password', { exact: true }).fill(secret);
      await page.keyboard.press('Enter');
      await page.getByText('Your account has been deleted.').waitFor();
      await username(page).waitFor();
      assert.equal(await storedToken(page), undefined);
      assert.equal((await fetch(`${server.base}/data`, { headers: { Authorization: token } })).status, 401);

      // The name is free again: sign up with it.
      await username(page).fill(name);
      await page.getByLabel('Password', { exact: true }).fill(strongPassword());
      await button(page, 'Sign Up').click();
      await page.getByRole('dialog', { name: 'Success' }).waitFor();
    });
  });
});

describe('navigation, tabs and the silent refresh', () => {
  test('keyboard: links between pages with visible focus, focus on each page’s title; pages open offline', async () => {
    const name = uniqueName();
    const secret = strongPassword();
    await createAccount(server.base, name, secret);
    await withBrowsers([{ colorScheme: 'dark' }], async ({ page, context }) => {
      await page.goto(server.base);
      await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
      await logInThroughForm(page, name, secret);
      const focused = () =>
        page.evaluate(() => {
          const element = document.activeElement;
          const style = element ? getComputedStyle(element) : null;
          return {
            text: element?.textContent,
            ring:
              style !== null && style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) >= 2,
          };
        });
      assert.deepEqual(await focused(), { text: 'Secret Data Screen', ring: false });
      for (const [text] of [['Log Out'], ['Data'], ['Devices']]) {
        await page.keyboard.press('Tab');
        assert.deepEqual(await focused(), { text, ring: true });
      }
      await page.keyboard.press('Enter');
      await heading(page, 'Devices').waitFor();
      await page.getByRole('listitem').waitFor();
      assert.equal((await focused()).text, 'Devices', 'focus on the new page’s title');
      assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1');
      assert.deepEqual(await axe(page), [], 'devices page, dark');
      await page.screenshot({ path: screenshotPath('devices-375-dark'), fullPage: true });
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      assert.deepEqual(await focused(), { text: 'Account', ring: true });
      await page.keyboard.press('Enter');
      await heading(page, 'Account').waitFor();
      assert.deepEqual(await axe(page), [], 'account page, dark');
      await page.screenshot({ path: screenshotPath('account-375-dark'), fullPage: true });
      // Back and forward work as in any site.
      await page.goBack();
      await heading(page, 'Devices').waitFor();

      // Offline, a reload of either page gets the shell from the service worker and the page itself.
      await context.setOffline(true);
      for (const [hash, title, text] of [
        ['#/account', 'Account', 'Current password'],
        ['#/devices', 'Devices', 'You are offline. Your devices will load when the connection returns.'],
      ]) {
        await page.evaluate((value) => {
          location.hash = value;
        }, hash);
        const shell = await page.reload();
        assert.equal(shell?.fromServiceWorker(), true);
        await heading(page, title).waitFor();
        await page.getByText(text).first().waitFor();
      }
      await context.setOffline(false);
      await page.getByRole('listitem').waitFor();
    });
  });

  test('log-out and log-in in one tab are followed by the other tabs', async () => {
    const name = uniqueName();
    const secret = strongPassword();
    await createAccount(server.base, name, secret);
    await withBrowsers([{}], async ({ page, context }) => {
      await logInThroughForm(page, name, secret);
      const second = await context.newPage();
      await second.goto(`${server.base}/#/devices`);
      await heading(second, 'Devices').waitFor();
      await button(page, 'Log Out').click();
      await second.getByText('You have logged out.').waitFor();
      await username(second).waitFor();
      await logInThroughForm(page, name, secret);
      await heading(second, 'Secret Data Screen').waitFor();
      await second.getByText('This is your secret data').waitFor();
    });
  });

  test('two tabs whose token is due refresh it once: one POST /refresh, both take the new token', async () => {
    const name = uniqueName();
    const secret = strongPassword();
    await createAccount(server.base, name, secret);
    await withBrowsers([{}], async ({ page, context }) => {
      const refreshes = [];
      context.on('request', (request) => {
        if (new URL(request.url()).pathname === '/refresh') refreshes.push(request);
      });
      // The tabs' clocks are under the test's control; the server's is not.
      await context.clock.install();
      await logInThroughForm(page, name, secret);
      const old = await storedToken(page);
      const second = await context.newPage();
      await second.goto(server.base);
      await second.getByText('This is your secret data').waitFor();
      const dataTokens = [];
      second.on('request', (request) => {
        if (new URL(request.url()).pathname === '/data') dataTokens.push(request.headers().authorization);
      });

      // 12.5 of the token's 15 days: under a fifth remains. Both tabs' timers fire at the same moment.
      await context.clock.fastForward(12.5 * DAY_MS);
      await until(async () => (await storedToken(page)) !== old, { what: 'a new token to be stored' });
      // Give a second refresh, if there were one, the time to show itself.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      assert.equal(refreshes.length, 1, 'one POST /refresh for two tabs');
      const fresh = await storedToken(page);
      await until(() => dataTokens.includes(`Bearer ${fresh}`), { what: 'the second tab to use it' });
      const [refresh] = refreshes;
      assert.equal(refresh.method(), 'POST');
      assert.equal(refresh.headers().accept, 'application/json');
      assert.equal(refresh.headers().authorization, `Bearer ${old}`);

      assert.equal(payloadOf(fresh).sid, payloadOf(old).sid, 'the same session');
      assert.ok(payloadOf(fresh).exp >= payloadOf(old).exp);
      assert.equal((await fetch(`${server.base}/data`, { headers: { Authorization: fresh } })).status, 200);
      for (const tab of [page, second]) {
        await heading(tab, 'Secret Data Screen').waitFor();
        assert.equal(await tab.getByText('This is your secret data').count(), 1);
      }
    });
  });

  test('a stored token close to its expiry is refreshed at start-up, also without Web Locks', async () => {
    const name = uniqueName();
    const secret = strongPassword();
    await createAccount(server.base, name, secret);
    const { access_token: old } = await logInThroughApi(server.base, name, secret);
    await withBrowsers([{}], async ({ page, context }) => {
      await page.addInitScript(() => {
        delete (/** @type {{ locks?: LockManager }} */ (Navigator.prototype).locks);
      });
      const refreshes = [];
      context.on('request', (request) => {
        if (new URL(request.url()).pathname === '/refresh') refreshes.push(request);
      });
      await page.goto(server.base);
      assert.equal(await page.evaluate(() => 'locks' in navigator), false);
      await storeToken(page, old);
      // 13 days later by the tab's clock: 2 of the token's 15 days remain.
      await context.clock.install({ time: Date.now() + 13 * DAY_MS });
      await page.reload();
      await heading(page, 'Secret Data Screen').waitFor();
      await until(async () => (await storedToken(page)) !== old, { what: 'the token to be replaced' });
      const fresh = await storedToken(page);
      assert.equal(payloadOf(fresh).sid, payloadOf(old).sid);
      assert.equal((await fetch(`${server.base}/data`, { headers: { Authorization: fresh } })).status, 200);
      await page.getByText('This is your secret data').waitFor();
      assert.equal(refreshes.length, 1);
    });
  });
});
