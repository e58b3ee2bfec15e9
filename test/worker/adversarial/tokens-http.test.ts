// Forged and misplaced tokens at the HTTP level: GET /data with the Worker's real secret and D1.
// Every refusal must be the one identical 401 (docs/contract.md §2), whatever was wrong with the token.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_TOKEN_LENGTH } from '../../../worker/auth/jwt';
import { type Base, controls, forgeries } from './forgeries';
import {
  type Account,
  b64,
  type Checked,
  claimsOf,
  forge,
  getData,
  newAccount,
  ourSecret,
  segmentsOf,
  send,
} from './harness';

let alice: Account;
let bob: Account;
let base: Base;
/** The 401 body for a request without any token: every refusal must be byte-identical to it. */
let refusal: string;

function expectRefused(response: Checked, label: string) {
  expect(response.status, label).toBe(401);
  expect(response.text, label).toBe(refusal);
  expect(response.headers.get('WWW-Authenticate'), label).toMatch(/^Bearer\b/);
}

function expectServed(response: Checked, label: string) {
  expect(response.status, `${label}: ${response.text}`).toBe(200);
  expect(response.text, label).toMatch(/secret data/);
}

/**
 * Whether a value can go in a header as it is: visible ASCII. (Controls are refused by the Fetch API;
 * workerd sends other characters as UTF-8 with a warning. Those forgeries are covered at unit level.)
 */
function sendable(value: string): boolean {
  return /^[\x20-\x7e]*$/.test(value);
}

const headerJson = (token: string) =>
  JSON.parse(atob(segmentsOf(token)[0].replaceAll('-', '+').replaceAll('_', '/'))) as Record<string, unknown>;

beforeAll(async () => {
  [alice, bob] = await Promise.all([newAccount(), newAccount()]);
  base = {
    header: segmentsOf(alice.token)[0],
    kid: headerJson(alice.token).kid as string,
    claims: alice.claims,
    secret: ourSecret(),
    now: Math.floor(Date.now() / 1000),
  };
  const none = await getData();
  expect(none.status).toBe(401);
  refusal = none.text;
});

describe('GET /data with forged tokens', () => {
  it('serves the controls: our forger, holding our secret, makes tokens the Worker accepts', async () => {
    expectServed(await getData(alice.token), 'as issued');
    for (const { label, token } of await controls(base)) expectServed(await getData(token), label);
  });

  it('refuses every forgery in the catalogue with the same 401', async () => {
    const catalogue = await forgeries(base);
    let sent = 0;
    for (const { label, token } of catalogue) {
      if (!sendable(token)) continue;
      sent++;
      expectRefused(await getData(token), label);
      expectRefused(await getData(`Bearer ${token}`), `Bearer ${label}`);
    }
    expect(sent).toBeGreaterThan(150);
    // Nothing the forgeries did broke the real token.
    expectServed(await getData(alice.token), 'after the forgeries');
  });

  it('refuses a correctly signed token whose header we never issue, even the tutorial’s own', async () => {
    const payload = b64(alice.claims);
    for (const header of [
      { alg: 'HS256', typ: 'JWT' },
      { typ: 'JWT', alg: 'HS256', kid: base.kid },
    ]) {
      const token = await forge(b64(header), payload);
      expectRefused(await getData(token), JSON.stringify(header));
    }
  });

  it('refuses a re-signed token that names another user’s session or user (sid/sub mismatch)', async () => {
    const a = alice.claims;
    const b = bob.claims;
    const cases: [string, Record<string, unknown>][] = [
      ['alice’s session, bob’s sub', { ...a, sub: b.sub }],
      ['bob’s session, alice’s sub', { ...a, sid: b.sid }],
      ['bob’s session and sub, alice’s name', { ...a, sid: b.sid, sub: a.sub, username: b.username }],
      ['a session id that does not exist', { ...a, sid: `${a.sid}x` }],
      ['the session id in another case', { ...a, sid: (a.sid as string).toUpperCase() }],
      ['the session id with a trailing space', { ...a, sid: `${a.sid} ` }],
      ['the user id as session id', { ...a, sid: a.sub }],
      ['the session id as user id', { ...a, sub: a.sid }],
    ];
    for (const [label, claims] of cases)
      expectRefused(await getData(await forge(base.header, b64(claims))), label);
    // Duplicate members: whichever one a check reads, the other must not be the one trusted.
    const json = JSON.stringify(a);
    const lastIsBob = `${json.slice(0, -1)},"sub":${JSON.stringify(b.sub)}}`;
    expectRefused(await getData(await forge(base.header, b64(lastIsBob))), 'sub duplicated, bob last');
  });

  it('treats SQL and LIKE metacharacters in sid and sub as plain, unknown values', async () => {
    const before = await env.DB.prepare('SELECT count(*) AS n FROM sessions').first<{ n: number }>();
    const a = alice.claims;
    const injections = [
      "' OR '1'='1",
      `${a.sid}' OR '1'='1`,
      `${a.sid}' --`,
      `${a.sid}"; --`,
      '%',
      `${(a.sid as string).slice(0, -1)}_`,
      `${(a.sid as string).slice(0, 8)}%`,
      '*',
      "'; DELETE FROM sessions; --",
      "'; DROP TABLE sessions; --",
      `${a.sid}\u0000`,
    ];
    for (const value of injections) {
      expectRefused(await getData(await forge(base.header, b64({ ...a, sid: value }))), `sid ${value}`);
      expectRefused(await getData(await forge(base.header, b64({ ...a, sub: value }))), `sub ${value}`);
    }
    const after = await env.DB.prepare('SELECT count(*) AS n FROM sessions').first<{ n: number }>();
    expect(after?.n).toBe(before?.n);
    expectServed(await getData(alice.token), 'after the injections');
  });

  it('serves the longest token up to the length limit and refuses the shortest above it', async () => {
    let longestAccepted = '';
    let shortestRefused = '';
    for (let pad = Math.floor(((MAX_TOKEN_LENGTH - 400) * 3) / 4); shortestRefused === ''; pad++) {
      const token = await forge(base.header, b64({ ...alice.claims, pad: 'x'.repeat(pad) }));
      if (token.length <= MAX_TOKEN_LENGTH) longestAccepted = token;
      else shortestRefused = token;
    }
    expect(longestAccepted.length).toBeGreaterThanOrEqual(MAX_TOKEN_LENGTH - 1);
    expectServed(await getData(longestAccepted), `${longestAccepted.length} characters`);
    expectRefused(await getData(shortestRefused), `${shortestRefused.length} characters`);
  });

  it('refuses huge Authorization headers, with or without a valid token inside', async () => {
    for (const size of [8 * 1024, 64 * 1024, 512 * 1024]) {
      expectRefused(await getData('A'.repeat(size)), `${size} bytes`);
      expectRefused(await getData(`Bearer ${'a.'.repeat(size / 2)}`), `Bearer + ${size} bytes of dots`);
      expectRefused(await getData(`${alice.token}${'A'.repeat(size)}`), `valid token + ${size} bytes`);
      expectRefused(
        await getData(`Bearer ${alice.token} ${'A'.repeat(size)}`),
        `valid token, space, ${size} bytes`,
      );
    }
  });
});

describe('GET /data: where the token is and how Authorization is spelled', () => {
  it('never reads a token from the query string, cookies or other headers', async () => {
    const t = alice.token;
    const paths = [
      `/data?authorization=${t}`,
      `/data?Authorization=Bearer%20${t}`,
      `/data?jwt=${t}`,
      `/data?bearer=${t}`,
      `/data?id_token=${t}`,
      `/data?access_token=${t}&token_type=Bearer`,
      `/data/?access_token=${t}`,
      `/data#access_token=${t}`,
    ];
    for (const path of paths) {
      const response = await send(path, { secrets: [t] });
      expect([401, 404], path).toContain(response.status);
    }
    const elsewhere: Record<string, string>[] = [
      { Cookie: `Authorization=${t}` },
      { Cookie: `Authorization=Bearer%20${t}` },
      { Cookie: `access_token=${t}; jwt=${t}; session=${t}` },
      { 'X-Access-Token': t },
      { 'X-Auth-Token': t },
      { 'X-Authorization': `Bearer ${t}` },
      { 'X-Forwarded-Authorization': `Bearer ${t}` },
      { 'X-Original-Authorization': t },
      { 'Proxy-Authorization': `Bearer ${t}` },
      { Token: t },
      { 'X-JWT': t },
      { Authentication: `Bearer ${t}` },
      { Authorisation: `Bearer ${t}` },
    ];
    for (const headers of elsewhere) {
      expectRefused(await send('/data', { headers, secrets: [t] }), Object.keys(headers)[0] as string);
    }
  });

  it('accepts the documented forms: raw or Bearer, any case of the scheme, any spaces around', async () => {
    const t = alice.token;
    for (const value of [`bEaReR ${t}`, `Bearer         ${t}`, `\t ${t} \t`, `\tbearer ${t}`]) {
      expectServed(await getData(value), JSON.stringify(value.slice(0, 12)));
    }
  });

  it('refuses every other form of the Authorization header', async () => {
    const t = alice.token;
    const basic = btoa(`${alice.username}:${t}`);
    const forms = [
      `Bearer\t${t}`,
      `Bearer\t ${t}`,
      `Bearer Bearer ${t}`,
      `bearer bearer ${t}`,
      `Bearer ${t}, Bearer ${t}`,
      `Bearer ${t},Bearer ${t}`,
      `${t}, ${t}`,
      `${t},${t}`,
      `${t},`,
      `,${t}`,
      `Bearer ${t},`,
      `Bearer ,${t}`,
      `Bearer: ${t}`,
      `Bearer=${t}`,
      `Bearer${t}`,
      `"${t}"`,
      `'${t}'`,
      `Bearer "${t}"`,
      `<${t}>`,
      `Bearer ${t} ${t}`,
      `${t} ${t}`,
      `${t} Bearer`,
      `Basic ${basic}`,
      `Basic ${t}`,
      `Digest ${t}`,
      `JWT ${t}`,
      `Token ${t}`,
      `OAuth ${t}`,
      `Negotiate ${t}`,
      `DPoP ${t}`,
      `MAC ${t}`,
      `Bearer realm="gatehouse", ${t}`,
      `Bearer token=${t}`,
      `Bearer ${encodeURIComponent(`${t} `)}`,
    ];
    for (const value of forms) expectRefused(await getData(value), JSON.stringify(value.slice(0, 14)));

    // Two Authorization headers (joined with ", " by the Fetch API).
    const twice = new Headers();
    twice.append('Authorization', t);
    twice.append('Authorization', t);
    expectRefused(await send('/data', { headers: twice, secrets: [t] }), 'two Authorization headers');
    const mixed = new Headers();
    mixed.append('Authorization', `Bearer ${bob.token}`);
    mixed.append('Authorization', `Bearer ${t}`);
    expectRefused(await send('/data', { headers: mixed, secrets: [t, bob.token] }), 'bob and alice');
  });

  it('serves each user only their own data when both tokens are valid', async () => {
    const asAlice = await getData(alice.token, { Accept: 'application/json' });
    const asBob = await getData(bob.token, { Accept: 'application/json' });
    expect(JSON.parse(asAlice.text)).toMatchObject({ username: alice.username });
    expect(JSON.parse(asBob.text)).toMatchObject({ username: bob.username });
    expect(claimsOf(alice.token).sid).not.toBe(claimsOf(bob.token).sid);
  });
});
