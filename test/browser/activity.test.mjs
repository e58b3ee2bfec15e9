// The PWA's activity page (docs/activity.md) in real Chromium against the real Worker and a local D1:
// the events as plain-language lines, the way from failed sign-in attempts to the devices page and
// its "Log out everywhere" and "Change password", older pages on request, and axe on each state.
// Screenshots go to test-results/browser/ (git-ignored).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  axe,
  checkLayouts,
  createAccount,
  logInThroughApi,
  strongPassword,
  uniqueName,
  useServer,
  withBrowsers,
} from './harness.mjs';

const FIREFOX_ANDROID = 'Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0';

const server = useServer();

const heading = (page, name) => page.getByRole('heading', { level: 1, name, exact: true });
const link = (page, name) =>
  page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name, exact: true });

async function logInThroughForm(page, name, secret) {
  await page.goto(server.base);
  await page.getByLabel('Username', { exact: true }).fill(name);
  await page.getByLabel('Password', { exact: true }).fill(secret);
  await page.getByRole('button', { name: 'Log In', exact: true }).click();
  await page.getByText('This is your secret data').waitFor();
}

/** A wrong password for `name`, from an address of the given network (CF-Connecting-IP). */
async function failedLogIn(name, address) {
  const response = await fetch(`${server.base}/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': address },
    body: JSON.stringify({ username: name, password: 'not the password' }),
  });
  assert.equal(response.status, 401);
}

/** The lines of the activity list, as shown. */
const lines = (page) =>
  page.locator('.activity-line').evaluateAll((items) => items.map((item) => item.textContent));

describe('the activity page', () => {
  test('shows what happened in plain words; failed attempts lead to the devices page', async () => {
    const name = uniqueName();
    const secret = strongPassword();
    await createAccount(server.base, name, secret);
    await logInThroughApi(server.base, name, secret, FIREFOX_ANDROID);
    for (let i = 0; i < 5; i++) await failedLogIn(name, `203.0.113.${10 + i}`);

    await withBrowsers([{}], async ({ page }) => {
      await logInThroughForm(page, name, secret);
      await link(page, 'Activity').click();
      await heading(page, 'Activity').waitFor();
      assert.equal(new URL(page.url()).hash, '#/activity');
      assert.equal(await page.title(), 'Activity · Gatehouse');
      assert.equal(await link(page, 'Activity').getAttribute('aria-current'), 'page');
      await page.locator('.activity-line').nth(3).waitFor();

      assert.deepEqual(await lines(page), [
        'Signed in on Chrome on Linux · just now',
        '5 failed sign-in attempts · network 203.0.113.0/24 · just now',
        'Signed in on Firefox on Android · just now',
        'Created the account on node · just now',
      ]);
      // This browser's own sign-in is marked; the exact time is there for machines and on hover.
      const first = page.locator('.activity-event').first();
      await first.getByText('This device', { exact: true }).waitFor();
      const time = first.locator('time');
      assert.ok(Math.abs(Date.parse(await time.getAttribute('datetime')) - Date.now()) < 5 * 60_000);
      assert.ok((await time.getAttribute('title')).length > 0);
      assert.deepEqual(await axe(page), [], 'activity page');
      await checkLayouts(page, 'activity');
      // Four page links now: at 320 px they still sit on one line, none of them broken.
      await page.setViewportSize({ width: 320, height: 640 });
      const navLinks = await page
        .getByRole('navigation', { name: 'Pages' })
        .getByRole('link')
        .evaluateAll((links) => links.map((a) => ({ top: a.offsetTop, lines: a.getClientRects().length })));
      assert.equal(navLinks.length, 4);
      assert.equal(new Set(navLinks.map((a) => a.top)).size, 1, 'one line');
      assert.ok(
        await page
          .getByRole('navigation', { name: 'Pages' })
          .getByRole('link')
          .evaluateAll((links) => links.every((a) => a.scrollWidth <= a.clientWidth && a.clientHeight < 60)),
        'no link is broken across lines',
      );
      await page.setViewportSize({ width: 375, height: 812 });

      // Not them: the failed attempts' row goes to the devices page, which offers both remedies.
      await page.getByRole('link', { name: 'Not you? Log out everywhere or change your password' }).click();
      await heading(page, 'Devices').waitFor();
      assert.equal(new URL(page.url()).hash, '#/devices');
      await page.getByRole('button', { name: 'Log out everywhere', exact: true }).waitFor();
      await page.getByRole('list').waitFor();
      assert.deepEqual(await axe(page), [], 'devices page with its change-password link');
      await page.getByRole('link', { name: 'Change password', exact: true }).click();
      await heading(page, 'Account').waitFor();
      await page.getByLabel('Current password', { exact: true }).waitFor();
    });
  });

  test('older activity loads on request, 50 events a page, focus on the first one it adds', async () => {
    const name = uniqueName();
    const secret = strongPassword();
    await createAccount(server.base, name, secret);
    // A sign-in and a log-out each: with the sign-up and this browser's sign-in, 62 events.
    for (let i = 0; i < 30; i++) {
      const { access_token: token } = await logInThroughApi(server.base, name, secret, FIREFOX_ANDROID);
      const out = await fetch(`${server.base}/logout`, {
        method: 'POST',
        headers: { Authorization: token, 'User-Agent': FIREFOX_ANDROID },
      });
      assert.equal(out.status, 204);
    }
    await withBrowsers([{ colorScheme: 'dark' }], async ({ page }) => {
      await logInThroughForm(page, name, secret);
      await link(page, 'Activity').click();
      await page.locator('.activity-line').nth(49).waitFor();
      assert.equal((await lines(page)).length, 50);
      assert.equal((await lines(page))[1], 'Logged out on Firefox on Android · just now');
      assert.deepEqual(await axe(page), [], 'activity page, dark');

      const more = page.getByRole('button', { name: 'Show older activity', exact: true });
      await more.click();
      await page.locator('.activity-line').nth(61).waitFor();
      const all = await lines(page);
      assert.equal(all.length, 62);
      assert.equal(all.at(-1), 'Created the account on node · just now');
      assert.equal(
        await page.evaluate(() => document.activeElement?.querySelector('.activity-line')?.textContent),
        all[50],
        'focus on the first event added',
      );
      await more.waitFor({ state: 'detached' });
      assert.deepEqual(await axe(page), [], 'activity page, every event shown');
    });
  });
});
