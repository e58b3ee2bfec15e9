import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { takeLogs } from '../test/worker/logs';
import { MAX_PBKDF2_ITERATIONS } from './auth/password';
import { type Bindings, DEFAULTS, loadSettings } from './config';

const SECRET = 'config-test-secret-abcdefghijklmnopqrstuvwxyz012345';

/** The messages of the configuration errors logged so far in this test (taken: they are expected). */
function configErrors(): unknown[] {
  return takeLogs({ level: 'error', event: 'config_invalid' }).map((line) => line.message);
}

function settingsFor(overrides: Partial<Bindings>) {
  return loadSettings({ ...env, JWT_SECRET: SECRET, ...overrides } as Bindings);
}

describe('settings', () => {
  it(`never configure PBKDF2 above ${MAX_PBKDF2_ITERATIONS} iterations (the production Workers limit)`, async () => {
    // The defaults and the settings this Worker is deployed with (wrangler.toml vars) must stay in range.
    expect(DEFAULTS.pbkdf2Iterations).toBeLessThanOrEqual(MAX_PBKDF2_ITERATIONS);
    const deployed = await loadSettings(env as Bindings);
    expect(deployed.ok && deployed.settings.pbkdf2Iterations).toBeLessThanOrEqual(MAX_PBKDF2_ITERATIONS);
    expect(await settingsFor({ PBKDF2_ITERATIONS: String(MAX_PBKDF2_ITERATIONS + 1) })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/PBKDF2_ITERATIONS/),
    });
    expect(await settingsFor({ PBKDF2_ITERATIONS: '100000' })).toMatchObject({ ok: true });
    expect(configErrors()).toEqual(['PBKDF2_ITERATIONS must be from 10000 to 100000']);
  });

  it('uses the documented defaults', async () => {
    const result = await settingsFor({});
    if (!result.ok) throw new Error(result.error);
    expect(result.settings).toMatchObject({
      tokenTtlSeconds: 15 * 86400,
      pbkdf2Iterations: 100_000,
      leewaySeconds: 30,
    });
  });

  it('refuses a missing, short or placeholder secret without revealing it, saying how to make one', async () => {
    const secrets = [undefined, '', 'short', 'a'.repeat(64), 'replace-with-at-least-32-random-bytes'];
    for (const secret of secrets) {
      const result = await settingsFor({ JWT_SECRET: secret });
      expect(result.ok, String(secret)).toBe(false);
      if (!result.ok && secret) expect(result.error).not.toContain(secret);
    }
    const logged = configErrors();
    expect(logged).toHaveLength(secrets.length);
    for (const message of logged) expect(message).toMatch(/^(every )?JWT_SECRET .*openssl rand -base64 32/);
    expect(logged.at(-1)).toMatch(/still the placeholder from \.dev\.vars\.example/);
  });

  it('refuses a long but guessable secret, saying how to make a good one', async () => {
    const result = await settingsFor({ JWT_SECRET: 'abcdefghabcdefghabcdefghabcdefgh' });
    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/256 bits.*randomBytes\(32\)/) });
    if (!result.ok) expect(result.error).not.toContain('abcdefgh');
    // What `npm start` writes, and 64 hex characters, are fine.
    const bytes = crypto.getRandomValues(new Uint8Array(32));
    const base64url = btoa(String.fromCharCode(...bytes))
      .replaceAll('+', '-')
      .replaceAll('/', '_')
      .replace(/=+$/, '');
    const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
    expect(await settingsFor({ JWT_SECRET: base64url })).toMatchObject({ ok: true });
    expect(await settingsFor({ JWT_SECRET: hex })).toMatchObject({ ok: true });
    // The refusal's log line, expected here, says the same as the error.
    expect(configErrors()).toEqual([expect.stringMatching(/256 bits/)]);
  });

  it('accepts a comma-separated list of secrets for rotation, all of which must be strong', async () => {
    expect(await settingsFor({ JWT_SECRET: `${SECRET}, previous-${SECRET}` })).toMatchObject({ ok: true });
    expect(await settingsFor({ JWT_SECRET: `${SECRET},short` })).toMatchObject({ ok: false });
    expect(await settingsFor({ JWT_SECRET: `${SECRET},${'xy'.repeat(20)}` })).toMatchObject({ ok: false });
    expect(configErrors()).toEqual([
      expect.stringMatching(/^every JWT_SECRET must be at least 32 bytes/),
      expect.stringMatching(/^every JWT_SECRET must carry at least 256 bits/),
    ]);
  });

  it('refuses malformed numbers', async () => {
    expect(await settingsFor({ TOKEN_TTL_SECONDS: '15d' })).toMatchObject({ ok: false });
    expect(await settingsFor({ TOKEN_TTL_SECONDS: '1' })).toMatchObject({ ok: false });
    expect(await settingsFor({ JWT_LEEWAY_SECONDS: '-1' })).toMatchObject({ ok: false });
    expect(configErrors()).toEqual([
      'TOKEN_TTL_SECONDS must be a whole number',
      'TOKEN_TTL_SECONDS must be from 60 to 31622400',
      'JWT_LEEWAY_SECONDS must be a whole number',
    ]);
  });

  it("reads the per-name throttle policy, never above NIST's 100 consecutive failures", async () => {
    const result = await settingsFor({ LOGIN_FREE_FAILURES: '2', LOGIN_HARD_STOP_FAILURES: '50' });
    expect(result.ok && result.settings.loginThrottle).toMatchObject({
      freeFailures: 2,
      hardStopFailures: 50,
      maxBackoffSeconds: 3600,
    });
    expect(await settingsFor({ LOGIN_HARD_STOP_FAILURES: '101' })).toMatchObject({ ok: false });
    expect(await settingsFor({ LOGIN_MAX_BACKOFF_SECONDS: '1' })).toMatchObject({ ok: false });
    expect(configErrors()).toEqual([
      'LOGIN_HARD_STOP_FAILURES must be from 10 to 100',
      'LOGIN_MAX_BACKOFF_SECONDS must be from 2 to 86400',
    ]);
  });

  it('reads the caps across all clients', async () => {
    const defaults = await settingsFor({});
    expect(defaults.ok && defaults.settings.globalLimits).toEqual({
      signupsPerMinute: 60,
      failedLoginsPerMinute: 600,
    });
    const result = await settingsFor({ SIGNUPS_PER_MINUTE: '5', FAILED_LOGINS_PER_MINUTE: '50' });
    expect(result.ok && result.settings.globalLimits).toEqual({
      signupsPerMinute: 5,
      failedLoginsPerMinute: 50,
    });
    expect(await settingsFor({ SIGNUPS_PER_MINUTE: '0' })).toMatchObject({ ok: false });
    expect(await settingsFor({ FAILED_LOGINS_PER_MINUTE: 'many' })).toMatchObject({ ok: false });
    // The test environment switches throttling off: its warnings and the two refusals are expected.
    takeLogs({ event: 'throttling_off' });
    expect(configErrors()).toHaveLength(2);
  });

  it('reads the activity retention in whole days, 90 by default', async () => {
    const defaults = await settingsFor({});
    expect(defaults.ok && defaults.settings.activityRetentionDays).toBe(90);
    const result = await settingsFor({ ACTIVITY_RETENTION_DAYS: '365' });
    expect(result.ok && result.settings.activityRetentionDays).toBe(365);
    for (const bad of ['0', '3661', '30d', '-1', '1.5']) {
      expect(await settingsFor({ ACTIVITY_RETENTION_DAYS: bad }), bad).toMatchObject({ ok: false });
    }
    takeLogs({ event: 'throttling_off' });
    expect(configErrors()).toEqual([
      'ACTIVITY_RETENTION_DAYS must be from 1 to 3660',
      'ACTIVITY_RETENTION_DAYS must be from 1 to 3660',
      'ACTIVITY_RETENTION_DAYS must be a whole number',
      'ACTIVITY_RETENTION_DAYS must be a whole number',
      'ACTIVITY_RETENTION_DAYS must be a whole number',
    ]);
  });

  it('reads the passkey relying party, and refuses one that browsers would refuse', async () => {
    const defaults = await settingsFor({});
    expect(defaults.ok && defaults.settings.passkeyRpId).toBeUndefined();
    expect(defaults.ok && [...defaults.settings.passkeyOrigins]).toEqual([]);
    const set = await settingsFor({
      PASSKEY_RP_ID: 'app.example',
      PASSKEY_ORIGINS: 'https://app.example, https://login.app.example',
    });
    expect(set.ok && set.settings.passkeyRpId).toBe('app.example');
    expect(set.ok && [...set.settings.passkeyOrigins]).toEqual([
      'https://app.example',
      'https://login.app.example',
    ]);
    for (const rpId of [
      'https://app.example',
      'App.Example',
      'app.example:443',
      '192.0.2.1',
      'app..example',
    ]) {
      expect(await settingsFor({ PASSKEY_RP_ID: rpId })).toMatchObject({ ok: false });
    }
    expect(
      await settingsFor({ PASSKEY_RP_ID: 'app.example', PASSKEY_ORIGINS: 'https://other.example' }),
    ).toMatchObject({ ok: false });
    expect(await settingsFor({ PASSKEY_ORIGINS: 'https://app.example' })).toMatchObject({ ok: false });
    expect(
      await settingsFor({ PASSKEY_RP_ID: 'app.example', PASSKEY_ORIGINS: 'https://*.app.example' }),
    ).toMatchObject({ ok: false });
    const errors = configErrors();
    expect(errors).toHaveLength(8);
    expect(errors.slice(0, 5)).toEqual(
      Array(5).fill('PASSKEY_RP_ID must be a domain name in lower case, such as app.example'),
    );
    expect(errors.slice(5)).toEqual([
      'every PASSKEY_ORIGINS entry must be on PASSKEY_RP_ID or a subdomain of it',
      'PASSKEY_ORIGINS needs PASSKEY_RP_ID, the domain the origins share',
      'PASSKEY_ORIGINS entries must be exact origins such as https://app.example',
    ]);
  });

  it('validates once per environment object', async () => {
    const bindings = { ...env, JWT_SECRET: SECRET } as Bindings;
    expect(loadSettings(bindings)).toBe(loadSettings(bindings));
  });

  it('warns once per environment object when throttling is off, and not when it is on', async () => {
    takeLogs({ event: 'throttling_off' }); // what earlier tests' environments (throttling off) said
    await settingsFor({ THROTTLING: 'on' });
    expect(takeLogs({ event: 'throttling_off' })).toEqual([]);
    const off = { ...env, JWT_SECRET: SECRET, THROTTLING: 'off' } as Bindings;
    await loadSettings(off);
    await loadSettings(off);
    expect(takeLogs({ event: 'throttling_off' })).toEqual([{ level: 'warn', event: 'throttling_off' }]);
  });
});
