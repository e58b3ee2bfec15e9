// Passkeys (docs/passkeys.md) through the real Worker and a real local D1, with real WebAuthn payloads
// from a software authenticator (test/worker/authenticator.ts).
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../worker/app';
import { decodeBase64url } from '../../worker/auth/base64url';
import type { Bindings } from '../../worker/config';
import { MAX_PASSKEYS_PER_ACCOUNT } from '../../worker/db/passkeys';
import { FRESH_SESSION_SECONDS } from '../../worker/http/require-fresh-session';
import { flipByte, SoftwareAuthenticator } from './authenticator';
import {
  expectProblem,
  getData,
  newAccount,
  ORIGIN,
  PASSWORD,
  payloadOf,
  postCredentials,
  request,
  requestWith,
  uniqueName,
} from './http';
import { takeLogs } from './logs';

afterEach(() => vi.restoreAllMocks());

// The first request to a passkey route loads the WebAuthn library (worker/passkeys/webauthn.ts), and
// each account is made with the production password hashing: more than the default 5 s on a busy machine.
vi.setConfig({ testTimeout: 30_000 });

type Send = (path: string, init?: RequestInit) => Promise<Response>;

interface CallOptions {
  token?: string;
  body?: unknown;
  method?: string;
  accept?: string;
  headers?: Record<string, string>;
  send?: Send;
}

function call(path: string, options: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
  if (options.accept !== undefined) headers.Accept = options.accept;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  return (options.send ?? request)(path, {
    method: options.method ?? 'POST',
    headers,
    body: options.body === undefined ? null : JSON.stringify(options.body),
  });
}

// biome-ignore lint/suspicious/noExplicitAny: the tests read WebAuthn options and API answers of many shapes.
async function okJson(response: Response, status = 200): Promise<any> {
  const text = await response.text();
  if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${text}`);
  return JSON.parse(text);
}

/** Adds a passkey of a new software authenticator to the account; returns it and the API's answer. */
async function addPasskey(token: string, name?: string, send?: Send) {
  const authenticator = await SoftwareAuthenticator.create(ORIGIN);
  const options = await okJson(await call('/passkeys/register/options', { token, send }));
  const credential = await authenticator.register(options);
  const stored = await okJson(
    await call('/passkeys/register', {
      token,
      send,
      body: name === undefined ? credential : { ...credential, name },
    }),
    201,
  );
  return { authenticator, stored, options };
}

async function signInOptions(username?: string, send?: Send) {
  return okJson(
    await call('/passkeys/login/options', { send, body: username === undefined ? undefined : { username } }),
  );
}

/** One full sign-in: options, the authenticator's assertion, POST /passkeys/login. */
async function signIn(
  authenticator: SoftwareAuthenticator,
  options: { username?: string; accept?: string } = {},
) {
  const assertion = await authenticator.assert(await signInOptions(options.username));
  return call('/passkeys/login', { body: assertion, accept: options.accept });
}

async function account() {
  const { username, token } = await newAccount();
  return { username, token, userId: payloadOf(token).sub as string };
}

const passkeyRow = (credentialId: string) =>
  env.DB.prepare('SELECT counter, last_used_at, counter_regressed_at FROM passkeys WHERE credential_id = ?')
    .bind(credentialId)
    .first<{ counter: number; last_used_at: number | null; counter_regressed_at: number | null }>();

const countRows = async (table: string, userId: string) =>
  (
    await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE user_id = ?`)
      .bind(userId)
      .first<{ n: number }>()
  )?.n;

/** An app with a clock the test sets and moves, standing in for the Worker. */
function appWithClock(start = Date.now()) {
  let now = start;
  const app = createApp({ clock: () => now });
  const send: Send = async (path, init = {}) => {
    const ctx = createExecutionContext();
    const response = await app.fetch(new Request(`${ORIGIN}${path}`, init), env, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  };
  return {
    send,
    advance: (seconds: number) => (now += seconds * 1000),
    setSeconds: (seconds: number) => (now = seconds * 1000),
  };
}

/**
 * Holds every request at the RP ID check (its SHA-256, just before the challenge is taken) until
 * `count` of them are there, so they all reach the challenge at once. Returns the undo.
 */
function meetBeforeChallenge(count: number): () => void {
  const digest = crypto.subtle.digest.bind(crypto.subtle);
  let arrived = 0;
  let all: () => void = () => undefined;
  const met = new Promise<void>((resolve) => {
    all = resolve;
  });
  const spy = vi.spyOn(crypto.subtle, 'digest').mockImplementation(async (...args) => {
    if (arrived < count) {
      arrived++;
      if (arrived === count) all();
      await met;
    }
    return digest(...args);
  });
  return () => spy.mockRestore();
}

describe('registration and sign-in', () => {
  it('adds a discoverable passkey with a random user handle, then signs in with it like /login', async () => {
    const { username, token, userId } = await account();
    const { authenticator, stored, options } = await addPasskey(token, 'My laptop');
    expect(options).toMatchObject({
      rp: { id: 'gatehouse.test', name: 'Gatehouse' },
      user: { name: username },
      attestation: 'none',
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    });
    // The user handle is random and stays the same for the account; it is not the internal id.
    const handle = decodeBase64url(options.user.id) as Uint8Array;
    expect(handle.length).toBe(32);
    expect(new TextDecoder().decode(handle)).not.toContain(userId);
    expect(Object.keys(stored).sort()).toEqual(['created_at', 'id', 'last_used_at', 'name']);
    expect(stored).toMatchObject({ name: 'My laptop', last_used_at: null });
    const list = await okJson(await call('/passkeys', { token, method: 'GET' }));
    expect(list).toEqual({ passkeys: [stored] });

    // Discoverable: no name typed. The bare token, as /login answers the tutorial's client.
    const bare = await signIn(authenticator);
    expect(bare.status).toBe(200);
    expect(bare.headers.get('Content-Type')).toMatch(/^text\/plain/);
    expect(bare.headers.get('Cache-Control')).toBe('no-store');
    const passkeyToken = await bare.text();
    expect(payloadOf(passkeyToken)).toMatchObject({ sub: userId, username, gen: 0 });
    expect(payloadOf(passkeyToken).sid).not.toBe(payloadOf(token).sid);
    expect((await getData(passkeyToken)).status).toBe(200);

    // The JSON token response has exactly the members /login's has.
    const viaPasskey = await okJson(await signIn(authenticator, { accept: 'application/json' }));
    const viaPassword = await okJson(
      await postCredentials('/login', username, PASSWORD, { accept: 'application/json' }),
    );
    expect(Object.keys(viaPasskey).sort()).toEqual(Object.keys(viaPassword).sort());
    expect(viaPasskey).toMatchObject({ token_type: 'Bearer', username, expires_in: viaPassword.expires_in });

    const row = await passkeyRow(authenticator.credentialId);
    expect(row?.counter).toBe(authenticator.counter);
    expect(row?.last_used_at).toBeGreaterThan(0);
    // A second registration reuses the account's handle.
    const again = await okJson(await call('/passkeys/register/options', { token }));
    expect(again.user.id).toBe(options.user.id);
    expect(again.excludeCredentials).toEqual([
      { id: authenticator.credentialId, type: 'public-key', transports: ['internal', 'hybrid'] },
    ]);
  });

  it('username-first: the sign-in must be of the account typed', async () => {
    const owner = await account();
    const other = await account();
    const { authenticator } = await addPasskey(owner.token);
    expect((await signIn(authenticator, { username: owner.username.toUpperCase() })).status).toBe(200);
    await expectProblem(
      await signIn(authenticator, { username: other.username }),
      401,
      'passkey-not-accepted',
    );
    // A name that does not exist gets the same options and the same refusal.
    const unknown = await signInOptions(uniqueName('nobody'));
    expect(Object.keys(unknown).sort()).toEqual(Object.keys(await signInOptions(owner.username)).sort());
    expect(unknown.allowCredentials).toEqual([]);
    await expectProblem(
      await call('/passkeys/login', { body: await authenticator.assert(unknown) }),
      401,
      'passkey-not-accepted',
    );
  });

  it('renames, lists and deletes its own passkeys; other people’s ids are 404', async () => {
    const me = await account();
    const stranger = await account();
    // Registered without a name: named after the device that registered it, as the Devices page names sessions.
    const android =
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';
    const { stored } = await addPasskey(me.token, undefined, (path, init = {}) =>
      request(path, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), 'User-Agent': android },
      }),
    );
    expect(stored.name).toBe('Chrome on Android');
    const renamed = await okJson(
      await call(`/passkeys/${stored.id}`, {
        token: me.token,
        method: 'PATCH',
        body: { name: '  Work phone ' },
      }),
    );
    expect(renamed).toEqual({ ...stored, name: 'Work phone' });
    for (const name of ['', 'x'.repeat(65), 'tab\there', 42]) {
      await expectProblem(
        await call(`/passkeys/${stored.id}`, { token: me.token, method: 'PATCH', body: { name } }),
        400,
        'invalid-request',
      );
    }
    await expectProblem(
      await call(`/passkeys/${stored.id}`, {
        token: stranger.token,
        method: 'PATCH',
        body: { name: 'mine' },
      }),
      404,
      'not-found',
    );
    await expectProblem(
      await call(`/passkeys/${stored.id}`, { token: stranger.token, method: 'DELETE' }),
      404,
      'not-found',
    );
    await expectProblem(
      await call('/passkeys/not-an-id', { token: me.token, method: 'DELETE' }),
      404,
      'not-found',
    );
    expect(await okJson(await call('/passkeys', { token: stranger.token, method: 'GET' }))).toEqual({
      passkeys: [],
    });
    expect((await call(`/passkeys/${stored.id}`, { token: me.token, method: 'DELETE' })).status).toBe(204);
    expect(await okJson(await call('/passkeys', { token: me.token, method: 'GET' }))).toEqual({
      passkeys: [],
    });
    await expectProblem(await call('/passkeys', { method: 'GET' }), 401, 'invalid-token');
  });

  it('malformed bodies are 400 or 415 problems, never 500, and take no challenge', async () => {
    const { token } = await account();
    const authenticator = await SoftwareAuthenticator.create(ORIGIN);
    const options = await signInOptions();
    const good = await authenticator.assert(options);
    const bad: unknown[] = [
      {},
      { ...good, id: 'not base64url!' },
      { ...good, rawId: 'AAAA' },
      { ...good, type: 'password' },
      { ...good, response: 'x' },
      { ...good, response: { ...good.response, clientDataJSON: 'bm90IGpzb24' } },
      { ...good, response: { ...good.response, signature: undefined } },
      [good],
    ];
    for (const body of bad)
      await expectProblem(await call('/passkeys/login', { body }), 400, 'invalid-request');
    // A registration response where a sign-in is expected, and the other way round.
    const registration = await authenticator.register(
      await okJson(await call('/passkeys/register/options', { token })),
    );
    await expectProblem(await call('/passkeys/login', { body: registration }), 400, 'invalid-request');
    await expectProblem(await call('/passkeys/register', { token, body: good }), 400, 'invalid-request');
    const form = await request('/passkeys/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'id=abc',
    });
    await expectProblem(form, 415, 'unsupported-media-type');
    // The challenge was not taken by any of them: it still signs in (the passkey is unknown: 401).
    const challenges = await env.DB.prepare(
      'SELECT count(*) AS n FROM passkey_challenges WHERE challenge = ?',
    )
      .bind(options.challenge)
      .first<{ n: number }>();
    expect(challenges?.n).toBe(1);
  });
});

describe('activity', () => {
  it('records passkey added, sign-in and removed in the account’s activity, and nothing for a refusal', async () => {
    const me = await account();
    const { authenticator, stored } = await addPasskey(me.token);
    const session = await (await signIn(authenticator)).text();
    // A second delete finds nothing, and records nothing.
    expect((await call(`/passkeys/${stored.id}`, { token: session, method: 'DELETE' })).status).toBe(204);
    expect((await call(`/passkeys/${stored.id}`, { token: session, method: 'DELETE' })).status).toBe(404);
    const { events } = await okJson(await call('/activity', { token: session, method: 'GET' }));
    const signInSession = payloadOf(session).sid;
    expect(events.map((event: { type: string }) => event.type)).toEqual([
      'passkey_removed',
      'passkey_sign_in',
      'passkey_added',
      'sign_in',
      'sign_up',
    ]);
    expect(events[0]).toMatchObject({ session_id: signInSession, current: true });
    expect(events[1]).toMatchObject({ session_id: signInSession, current: true });
    expect(events[2]).toMatchObject({ session_id: payloadOf(me.token).sid, current: false });
  });
});

describe('challenges', () => {
  it('a replayed sign-in or registration is refused', async () => {
    const { token } = await account();
    const authenticator = await SoftwareAuthenticator.create(ORIGIN);
    const options = await okJson(await call('/passkeys/register/options', { token }));
    const credential = await authenticator.register(options);
    expect((await call('/passkeys/register', { token, body: credential })).status).toBe(201);
    await expectProblem(
      await call('/passkeys/register', { token, body: credential }),
      400,
      'passkey-registration-failed',
    );

    const assertion = await authenticator.assert(await signInOptions());
    expect((await call('/passkeys/login', { body: assertion })).status).toBe(200);
    await expectProblem(await call('/passkeys/login', { body: assertion }), 401, 'passkey-not-accepted');
  });

  it('a challenge expires after 5 minutes (injectable clock)', async () => {
    const { token } = await account();
    const { authenticator } = await addPasskey(token);
    const clock = appWithClock();
    const early = await authenticator.assert(await signInOptions(undefined, clock.send));
    const late = await authenticator.assert(await signInOptions(undefined, clock.send));
    clock.advance(299);
    expect((await call('/passkeys/login', { body: early, send: clock.send })).status).toBe(200);
    clock.advance(2);
    await expectProblem(
      await call('/passkeys/login', { body: late, send: clock.send }),
      401,
      'passkey-not-accepted',
    );
  });

  it('another user’s challenge cannot register, and stays theirs', async () => {
    const alice = await account();
    const bob = await account();
    const authenticator = await SoftwareAuthenticator.create(ORIGIN);
    const aliceOptions = await okJson(await call('/passkeys/register/options', { token: alice.token }));
    const credential = await authenticator.register(aliceOptions);
    await expectProblem(
      await call('/passkeys/register', { token: bob.token, body: credential }),
      400,
      'passkey-registration-failed',
    );
    expect(await countRows('passkeys', bob.userId)).toBe(0);
    expect((await call('/passkeys/register', { token: alice.token, body: credential })).status).toBe(201);
  });

  it('a credential registered already, by any account, is a 409 and adds nothing', async () => {
    const alice = await account();
    const bob = await account();
    const { authenticator, stored } = await addPasskey(alice.token);
    // The same authenticator offers the same credential again, for Bob this time.
    const bobOptions = await okJson(await call('/passkeys/register/options', { token: bob.token }));
    await expectProblem(
      await call('/passkeys/register', { token: bob.token, body: await authenticator.register(bobOptions) }),
      409,
      'passkey-exists',
    );
    expect(await countRows('passkeys', bob.userId)).toBe(0);
    expect(await okJson(await call('/passkeys', { token: alice.token, method: 'GET' }))).toEqual({
      passkeys: [stored],
    });
  });

  it(`an account has at most ${MAX_PASSKEYS_PER_ACCOUNT} passkeys: the options and the registration past it are 409`, async () => {
    const { token, userId } = await account();
    // The options for the last one are taken while there is still room; the registration then fills it.
    const last = await SoftwareAuthenticator.create(ORIGIN);
    for (let i = 0; i < MAX_PASSKEYS_PER_ACCOUNT - 1; i++) await addPasskey(token);
    const lastOptions = await okJson(await call('/passkeys/register/options', { token }));
    const extra = await SoftwareAuthenticator.create(ORIGIN);
    const extraOptions = await okJson(await call('/passkeys/register/options', { token }));
    await okJson(await call('/passkeys/register', { token, body: await last.register(lastOptions) }), 201);
    await expectProblem(
      await call('/passkeys/register', { token, body: await extra.register(extraOptions) }),
      409,
      'passkey-limit-reached',
    );
    await expectProblem(await call('/passkeys/register/options', { token }), 409, 'passkey-limit-reached');
    expect(await countRows('passkeys', userId)).toBe(MAX_PASSKEYS_PER_ACCOUNT);
  });

  it('two concurrent verifies of one challenge: exactly one succeeds', async () => {
    const { token, userId } = await account();
    const { authenticator } = await addPasskey(token);
    const sessionsBefore = await countRows('sessions', userId);
    const assertion = await authenticator.assert(await signInOptions());
    let release = meetBeforeChallenge(20);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => call('/passkeys/login', { body: assertion })),
    );
    release();
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([200, ...Array(19).fill(401)]);
    expect(await countRows('sessions', userId)).toBe((sessionsBefore ?? 0) + 1);

    // And of one registration challenge: one passkey.
    const other = await SoftwareAuthenticator.create(ORIGIN);
    const registration = await other.register(
      await okJson(await call('/passkeys/register/options', { token })),
    );
    release = meetBeforeChallenge(10);
    const added = await Promise.all(
      Array.from({ length: 10 }, () => call('/passkeys/register', { token, body: registration })),
    );
    release();
    expect(added.map((response) => response.status).sort()).toEqual([201, ...Array(9).fill(400)]);
    expect(await countRows('passkeys', userId)).toBe(2);
  });
});

describe('relying party', () => {
  it('a wrong origin or RP ID is a 400 that says which, and takes nothing', async () => {
    const { token } = await account();
    const { authenticator } = await addPasskey(token);
    const options = await signInOptions();
    const origin = await expectProblem(
      await call('/passkeys/login', {
        body: await authenticator.assert(options, { origin: 'https://evil.test' }),
      }),
      400,
      'relying-party-mismatch',
    );
    expect(origin.detail).toContain('https://evil.test');
    const rpId = await expectProblem(
      await call('/passkeys/login', { body: await authenticator.assert(options, { rpId: 'evil.test' }) }),
      400,
      'relying-party-mismatch',
    );
    expect(rpId.detail).toContain('PASSKEY_RP_ID');
    // The challenge is still there for the real page.
    expect((await call('/passkeys/login', { body: await authenticator.assert(options) })).status).toBe(200);

    const fresh = await SoftwareAuthenticator.create(ORIGIN);
    const registerOptions = await okJson(await call('/passkeys/register/options', { token }));
    for (const ceremony of [{ origin: 'https://evil.test' }, { rpId: 'evil.test' }]) {
      await expectProblem(
        await call('/passkeys/register', { token, body: await fresh.register(registerOptions, ceremony) }),
        400,
        'relying-party-mismatch',
      );
    }
    // Options asked for by a page on another origin.
    await expectProblem(
      await call('/passkeys/login/options', {
        headers: { Origin: 'https://evil.test', 'Sec-Fetch-Site': 'same-origin' },
      }),
      403,
      'cross-site-request',
    );
  });

  it('PASSKEY_RP_ID and PASSKEY_ORIGINS replace the request’s own origin', async () => {
    const app = 'https://app.gatehouse.test';
    const bindings = {
      ...env,
      PASSKEY_RP_ID: 'gatehouse.test',
      PASSKEY_ORIGINS: app,
      CORS_ORIGINS: app,
    } as Bindings;
    const send: Send = (path, init) => requestWith(bindings, path, init);
    const { token } = await account();
    const authenticator = await SoftwareAuthenticator.create(app);
    const options = await okJson(
      await call('/passkeys/register/options', { token, send, headers: { Origin: app } }),
    );
    expect(options.rp.id).toBe('gatehouse.test');
    const stored = await call('/passkeys/register', {
      token,
      send,
      headers: { Origin: app },
      body: await authenticator.register(options),
    });
    expect(stored.status).toBe(201);
    const signInOn = async (origin: string) =>
      call('/passkeys/login', {
        send,
        body: await authenticator.assert(await signInOptions(undefined, send), { origin }),
      });
    expect((await signInOn(app)).status).toBe(200);
    await expectProblem(await signInOn(ORIGIN), 400, 'relying-party-mismatch');
    // A page of the API's own origin asking for options is not one of the origins.
    await expectProblem(
      await call('/passkeys/login/options', { send, headers: { Origin: ORIGIN } }),
      400,
      'relying-party-mismatch',
    );
    // An RP ID the server's own host is not under, with no origins listed: said at once.
    const elsewhere = { ...env, PASSKEY_RP_ID: 'example.org' } as Bindings;
    await expectProblem(
      await requestWith(elsewhere, '/passkeys/login/options', { method: 'POST' }),
      400,
      'relying-party-mismatch',
    );
  });
});

describe('signatures, counters and credentials', () => {
  it('a tampered signature, tampered authenticator data, missing user verification or unknown credential: 401', async () => {
    const { token } = await account();
    const { authenticator } = await addPasskey(token);
    const stranger = await SoftwareAuthenticator.create(ORIGIN);
    const attempts = [
      async () => {
        const assertion = await authenticator.assert(await signInOptions());
        return {
          ...assertion,
          response: { ...assertion.response, signature: flipByte(assertion.response.signature, 20) },
        };
      },
      async () => {
        const assertion = await authenticator.assert(await signInOptions());
        // The counter's last byte: signed over, so the signature no longer matches.
        return {
          ...assertion,
          response: {
            ...assertion.response,
            authenticatorData: flipByte(assertion.response.authenticatorData, 36),
          },
        };
      },
      async () => authenticator.assert(await signInOptions(), { noUserVerification: true }),
      async () => stranger.assert(await signInOptions()),
      async () => {
        const assertion = await authenticator.assert(await signInOptions());
        return { ...assertion, response: { ...assertion.response, userHandle: 'AAAA' } };
      },
    ];
    for (const attempt of attempts) {
      const body = await attempt();
      await expectProblem(await call('/passkeys/login', { body }), 401, 'passkey-not-accepted');
    }
    expect((await signIn(authenticator)).status).toBe(200);
  });

  it('a counter that goes backwards (or stands still) is refused and recorded, without secrets in the log', async () => {
    const { token, userId } = await account();
    const { authenticator, stored } = await addPasskey(token);
    const sign = async (counter: number) =>
      call('/passkeys/login', { body: await authenticator.assert(await signInOptions(), { counter }) });
    expect((await sign(10)).status).toBe(200);
    expect((await passkeyRow(authenticator.credentialId))?.counter_regressed_at).toBeNull();
    for (const counter of [3, 10]) await expectProblem(await sign(counter), 401, 'passkey-not-accepted');
    const row = await passkeyRow(authenticator.credentialId);
    expect(row?.counter).toBe(10);
    expect(row?.counter_regressed_at).toBeGreaterThan(0);
    const lines = takeLogs({ event: 'passkey_counter_regressed' });
    expect(
      lines.map(({ level, passkey_id, user_id, stored_counter, reported_counter }) => ({
        level,
        passkey_id,
        user_id,
        stored_counter,
        reported_counter,
      })),
    ).toEqual([
      { level: 'warn', passkey_id: stored.id, user_id: userId, stored_counter: 10, reported_counter: 3 },
      { level: 'warn', passkey_id: stored.id, user_id: userId, stored_counter: 10, reported_counter: 10 },
    ]);
    expect(Object.keys(lines[0] ?? {}).sort()).toEqual([
      'event',
      'level',
      'passkey_id',
      'reported_counter',
      'request_id',
      'stored_counter',
      'user_id',
    ]);
    // The authenticator moving on signs in again.
    expect((await sign(11)).status).toBe(200);
  });
});

describe('lifecycle', () => {
  it('deleting the account deletes its passkeys, user handle and challenges', async () => {
    const { token, userId, username } = await account();
    const { authenticator } = await addPasskey(token);
    await okJson(await call('/passkeys/register/options', { token }));
    for (const table of ['passkeys', 'passkey_user_handles', 'passkey_challenges'])
      expect(await countRows(table, userId)).toBe(1);
    const deleted = await call('/account', { token, method: 'DELETE', body: { password: PASSWORD } });
    expect(deleted.status).toBe(204);
    for (const table of ['passkeys', 'passkey_user_handles', 'passkey_challenges'])
      expect(await countRows(table, userId)).toBe(0);
    await expectProblem(await signIn(authenticator), 401, 'passkey-not-accepted');
    expect((await postCredentials('/signup', username, PASSWORD)).status).toBe(201);
  });

  it('ending every session keeps the passkeys; deleting the last passkey keeps the password', async () => {
    const { token, username, userId } = await account();
    const { authenticator, stored } = await addPasskey(token);
    expect((await call('/sessions', { token, method: 'DELETE' })).status).toBe(204);
    expect(await countRows('passkeys', userId)).toBe(1);
    const next = await (await signIn(authenticator)).text();
    expect((await getData(next)).status).toBe(200);
    expect((await call(`/passkeys/${stored.id}`, { token: next, method: 'DELETE' })).status).toBe(204);
    await expectProblem(await signIn(authenticator), 401, 'passkey-not-accepted');
    expect((await postCredentials('/login', username, PASSWORD)).status).toBe(200);
  });

  it(`adding or deleting a passkey needs a session signed in within ${FRESH_SESSION_SECONDS / 60} minutes (injectable clock)`, async () => {
    const clock = appWithClock();
    const { token } = await account();
    const started = await env.DB.prepare('SELECT created_at FROM sessions WHERE id = ?')
      .bind(payloadOf(token).sid)
      .first<{ created_at: number }>();
    clock.setSeconds(started?.created_at as number);
    const { stored } = await addPasskey(token, undefined, clock.send);
    clock.advance(FRESH_SESSION_SECONDS);
    expect((await call('/passkeys/register/options', { token, send: clock.send })).status).toBe(200);
    clock.advance(1);
    for (const [path, method] of [
      ['/passkeys/register/options', 'POST'],
      [`/passkeys/${stored.id}`, 'DELETE'],
    ] as const) {
      const refused = await expectProblem(
        await call(path, { token, method, send: clock.send }),
        403,
        'reauthentication-required',
      );
      expect(refused.detail).toContain('Log in again');
    }
    // A refresh keeps the session's sign-in time: still not fresh. Reading and renaming need no fresh session.
    const refreshed = await (await call('/refresh', { token, send: clock.send })).text();
    await expectProblem(
      await call('/passkeys/register/options', { token: refreshed, send: clock.send }),
      403,
      'reauthentication-required',
    );
    expect((await call('/passkeys', { token: refreshed, method: 'GET', send: clock.send })).status).toBe(200);
    expect(
      (
        await call(`/passkeys/${stored.id}`, {
          token: refreshed,
          method: 'PATCH',
          body: { name: 'x' },
          send: clock.send,
        })
      ).status,
    ).toBe(200);
    // Nothing was deleted.
    expect(
      (await okJson(await call('/passkeys', { token: refreshed, method: 'GET', send: clock.send }))).passkeys,
    ).toHaveLength(1);
  });
});

describe('throttling', () => {
  const throttled = { ...env, THROTTLING: 'on', PBKDF2_ITERATIONS: '10000' } as Bindings;
  const from =
    (ip: string): Send =>
    (path, init = {}) => {
      const headers = new Headers(init.headers);
      headers.set('CF-Connecting-IP', ip);
      return requestWith(throttled, path, { ...init, headers });
    };

  it('failed assertions count against the account’s backoff like failed passwords, per network', async () => {
    const here = from('198.51.100.61');
    const elsewhere = from('198.51.100.62');
    const username = uniqueName();
    expect((await postCredentialsVia(here, '/signup', username, PASSWORD)).status).toBe(201);
    const token = await (await postCredentialsVia(here, '/login', username, PASSWORD)).text();
    const { authenticator } = await addPasskey(token, undefined, here);
    const tampered = async () => {
      const assertion = await authenticator.assert(await signInOptions(undefined, here));
      return {
        ...assertion,
        response: { ...assertion.response, signature: flipByte(assertion.response.signature, 20) },
      };
    };
    // The free failures (LOGIN_FREE_FAILURES, 4), then one that starts the wait.
    for (let i = 0; i < 5; i++) {
      await expectProblem(
        await call('/passkeys/login', { body: await tampered(), send: here }),
        401,
        'passkey-not-accepted',
      );
    }
    const refused = await call('/passkeys/login', {
      body: await authenticator.assert(await signInOptions(undefined, here)),
      send: here,
    });
    await expectProblem(refused, 429, 'too-many-requests');
    expect(Number(refused.headers.get('Retry-After'))).toBeGreaterThan(0);
    // One count with passwords: this network's password log-in waits too.
    expect((await postCredentialsVia(here, '/login', username, PASSWORD)).status).toBe(429);
    // Another network is not held back, and its success clears the name's count.
    const ok = await call('/passkeys/login', {
      body: await authenticator.assert(await signInOptions(undefined, elsewhere)),
      send: elsewhere,
    });
    expect(ok.status).toBe(200);
    const row = await env.DB.prepare(
      'SELECT failures FROM login_source_failures WHERE username_canonical = ? AND source = ?',
    )
      .bind(username.toLowerCase(), 'network:198.51.100.61')
      .first<{ failures: number }>();
    expect(row?.failures).toBe(5);
  });

  it('POST /passkeys/login goes through the same per-network limiter as /login', async () => {
    const ip = from('203.0.113.61');
    const stranger = await SoftwareAuthenticator.create(ORIGIN);
    const body = await stranger.assert({ challenge: 'AAAAAAAAAAAAAAAAAAAAAA', rpId: 'gatehouse.test' });
    let firstRefused = -1;
    for (let i = 0; i < 62 && firstRefused === -1; i++) {
      const response = await call('/passkeys/login', { body, send: ip });
      if (response.status === 429) {
        firstRefused = i;
        expect(response.headers.get('Retry-After')).toBe('60');
      } else expect(response.status).toBe(401);
    }
    expect(firstRefused).toBeGreaterThanOrEqual(30);
    // A password log-in from that network is refused by the same count.
    expect((await postCredentialsVia(ip, '/login', uniqueName('ghost'), 'whatever pass')).status).toBe(429);
  });
});

function postCredentialsVia(send: Send, path: '/signup' | '/login', username: string, password: string) {
  return send(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }).toString(),
  });
}
