// Passkeys in the PWA (docs/passkeys.md), in real Chromium against the real Worker and a local D1, with
// Chromium's virtual authenticator (DevTools protocol, WebAuthn domain) standing in for a fingerprint.
// The page is opened on localhost, not 127.0.0.1: an IP address cannot be a WebAuthn relying party ID.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  axe,
  createAccount,
  screenshotPath,
  strongPassword,
  uniqueName,
  useServer,
  withBrowsers,
} from './harness.mjs';

const server = useServer();
const base = () => server.base.replace('127.0.0.1', 'localhost');

const heading = (page, name) => page.getByRole('heading', { level: 1, name, exact: true });
const button = (page, name) => page.getByRole('button', { name, exact: true });
const link = (page, name) =>
  page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name, exact: true });

/** A platform authenticator with a resident-key store and a verified user, as a phone's fingerprint. */
async function addVirtualAuthenticator(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return {
    credentials: async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials,
    clear: () => cdp.send('WebAuthn.clearCredentials', { authenticatorId }),
  };
}

async function logInWithPassword(page, name, secret) {
  await page.getByLabel('Username', { exact: true }).fill(name);
  await page.getByLabel('Password', { exact: true }).fill(secret);
  await button(page, 'Log In').click();
  await heading(page, 'Secret Data Screen').waitFor();
}

describe('passkeys', () => {
  test('add a passkey on the Account page, log out, sign in with it, see the data, rename and delete it', async () => {
    const name = uniqueName();
    const secret = strongPassword();
    await createAccount(server.base, name, secret);
    await withBrowsers([{}], async ({ page }) => {
      await page.goto(base());
      const authenticator = await addVirtualAuthenticator(page);
      await logInWithPassword(page, name, secret);

      await link(page, 'Account').click();
      await heading(page, 'Account').waitFor();
      await page.getByText('You have no passkeys yet.').waitFor();
      const added = page.waitForResponse((r) => new URL(r.url()).pathname === '/passkeys/register');
      await button(page, 'Add a passkey').click();
      assert.equal((await added).status(), 201);
      await page.getByText('Passkey added: Chrome on Linux. You can now sign in with it.').waitFor();
      const list = page.getByRole('list', { name: 'Your passkeys' });
      await list.getByRole('heading', { name: 'Chrome on Linux' }).waitFor();
      await list.getByText('Never').waitFor();
      const [credential] = await authenticator.credentials();
      assert.equal(credential.isResidentCredential, true, 'a discoverable credential');
      assert.deepEqual(await axe(page), [], 'account page with a passkey');
      await page.screenshot({ path: screenshotPath('passkeys-account-375-light'), fullPage: true });

      // Signed out, the log-in screen offers the passkey in the username field's autofill: Chromium's
      // virtual authenticator answers that offer at once, as a person picking the suggestion would.
      await button(page, 'Log Out').click();
      await page.getByText('You have logged out.').waitFor();
      const username = page.getByLabel('Username', { exact: true });
      assert.equal(await username.getAttribute('autocomplete'), 'username webauthn');
      assert.deepEqual(await axe(page), [], 'log-in screen with the passkey button');
      const viaAutofill = page.waitForResponse((r) => new URL(r.url()).pathname === '/passkeys/login');
      await username.focus();
      assert.equal((await viaAutofill).status(), 200);
      await heading(page, 'Secret Data Screen').waitFor();
      await page.getByText(`${name}, here's the data:`).waitFor();
      await page.getByText('This is your secret data').waitFor();

      // And with the button, no name typed, no password.
      await button(page, 'Log Out').click();
      await page.getByText('You have logged out.').waitFor();
      const signedIn = page.waitForResponse((r) => new URL(r.url()).pathname === '/passkeys/login');
      await button(page, 'Sign in with a passkey').click();
      assert.equal((await signedIn).status(), 200);
      await heading(page, 'Secret Data Screen').waitFor();
      await page.getByText(`${name}, here's the data:`).waitFor();
      await page.getByText('This is your secret data').waitFor();

      // The list says it was used; rename it.
      await link(page, 'Account').click();
      await list.getByRole('heading', { name: 'Chrome on Linux' }).waitFor();
      assert.equal(await list.getByText('Never').count(), 0, 'last use shown');
      await list.getByRole('button', { name: 'Rename' }).click();
      const rename = page.getByRole('dialog', { name: 'Rename passkey' });
      await rename.waitFor();
      assert.deepEqual(await axe(page), [], 'rename dialog');
      await rename.getByLabel('Name', { exact: true }).fill('My laptop');
      await rename.getByRole('button', { name: 'Save' }).click();
      await list.getByRole('heading', { name: 'My laptop' }).waitFor();

      // Delete behind a confirmation; the password still works afterwards.
      await list.getByRole('button', { name: 'Delete…' }).click();
      const confirm = page.getByRole('dialog', { name: 'Delete the passkey My laptop?' });
      await confirm.waitFor();
      assert.deepEqual(await axe(page), [], 'delete confirmation');
      await confirm.getByRole('button', { name: 'Cancel' }).click();
      await confirm.waitFor({ state: 'detached' });
      await list.getByRole('button', { name: 'Delete…' }).click();
      const deleted = page.waitForResponse((r) => r.request().method() === 'DELETE');
      await confirm.getByRole('button', { name: 'Delete passkey' }).click();
      assert.equal((await deleted).status(), 204);
      await page.getByText('The passkey My laptop has been deleted. Your password still works.').waitFor();
      await page.getByText('You have no passkeys yet.').waitFor();

      // The device still holds it, the account no longer knows it: a clear message, then the password.
      await button(page, 'Log Out').click();
      await button(page, 'Sign in with a passkey').click();
      await page.getByRole('dialog', { name: 'Passkey Not Recognised' }).waitFor();
      assert.deepEqual(await axe(page), [], 'unknown passkey message');
      await page.keyboard.press('Escape');
      // Gone from the device too, so the username field's focus offers nothing: the password logs in.
      await authenticator.clear();
      await logInWithPassword(page, name, secret);
    });
  });

  test('a browser without passkeys is told so', async () => {
    await withBrowsers([{}], async ({ page }) => {
      await page.addInitScript(() => {
        delete (/** @type {{ PublicKeyCredential?: unknown }} */ (globalThis).PublicKeyCredential);
      });
      await page.goto(base());
      await button(page, 'Sign in with a passkey').click();
      const dialog = page.getByRole('dialog', { name: 'Passkeys Not Supported' });
      await dialog
        .getByText('This browser does not support passkeys. Log in with your password instead.')
        .waitFor();
    });
  });
});
