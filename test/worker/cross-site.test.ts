// Cross-site browser requests to routes that change state are refused with 403 before any handler runs;
// same-origin pages, listed CORS origins and clients that are not browsers are unaffected.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { Bindings } from '../../worker/config';
import { isCrossSite } from '../../worker/http/cross-site';
import { expectProblem, form, newAccount, ORIGIN, PASSWORD, requestWith, uniqueName } from './http';

const LISTED = 'https://app.example';
const bindings = { ...env, CORS_ORIGINS: LISTED } as Bindings;

/** Every route that changes state, as a request that would succeed (or fail for its own reasons). */
async function stateChangingRequests(): Promise<[string, string, RequestInit][]> {
  const { token } = await newAccount();
  const auth = { Authorization: `Bearer ${token}` };
  const json = { ...auth, 'Content-Type': 'application/json' };
  const credentials = form({ username: uniqueName(), password: PASSWORD });
  const formHeaders = { 'Content-Type': 'application/x-www-form-urlencoded' };
  return [
    ['POST', '/signup', { headers: formHeaders, body: credentials }],
    ['POST', '/login', { headers: formHeaders, body: credentials }],
    ['POST', '/logout', { headers: auth }],
    ['POST', '/refresh', { headers: auth }],
    ['DELETE', '/sessions', { headers: auth }],
    ['DELETE', '/sessions/some-session-id', { headers: auth }],
    [
      'POST',
      '/password',
      { headers: json, body: JSON.stringify({ current_password: PASSWORD, new_password: 'x' }) },
    ],
    ['DELETE', '/account', { headers: json, body: JSON.stringify({ password: 'not the password' }) }],
  ];
}

function send(method: string, path: string, init: RequestInit, extra: Record<string, string>) {
  return requestWith(bindings, path, {
    ...init,
    method,
    headers: { ...(init.headers as Record<string, string>), ...extra },
  });
}

describe('cross-site requests', () => {
  it('get 403 with a problem document on every route that changes state', async () => {
    const hostile: Record<string, string>[] = [
      { Origin: 'https://evil.example' },
      { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' },
      { 'Sec-Fetch-Site': 'cross-site' },
      { 'Sec-Fetch-Site': 'Cross-Site' },
      { Origin: 'null' },
      // Same site, other origin (a sibling subdomain): still not ours.
      { Origin: 'https://evil.gatehouse.test', 'Sec-Fetch-Site': 'same-site' },
      // Our own origin cannot vouch for a request the browser calls cross-site.
      { Origin: ORIGIN, 'Sec-Fetch-Site': 'cross-site' },
      // Another port or scheme is another origin.
      { Origin: 'http://gatehouse.test' },
      { Origin: `${ORIGIN}:8443` },
    ];
    for (const [method, path, init] of await stateChangingRequests()) {
      for (const headers of hostile) {
        const response = await send(method, path, init, headers);
        const body = await expectProblem(response, 403, 'cross-site-request');
        expect(body.title, `${method} ${path}`).toBe('Cross-site requests are not allowed');
      }
    }
  });

  it('leave same-origin pages, listed origins and non-browser clients alone', async () => {
    const friendly: Record<string, string>[] = [
      {},
      { Origin: ORIGIN },
      { Origin: ORIGIN, 'Sec-Fetch-Site': 'same-origin' },
      { 'Sec-Fetch-Site': 'same-origin' },
      { 'Sec-Fetch-Site': 'none' },
      { Origin: LISTED, 'Sec-Fetch-Site': 'cross-site' },
    ];
    for (const headers of friendly) {
      for (const [method, path, init] of await stateChangingRequests()) {
        const response = await send(method, path, init, headers);
        expect(response.status, `${method} ${path} ${JSON.stringify(headers)}`).not.toBe(403);
      }
    }
  });

  it('change nothing: no account, no session, no failed log-in counted', async () => {
    const username = uniqueName('csrf');
    const throttled = { ...bindings, THROTTLING: 'on' } as Bindings;
    const post = (path: string, password: string) =>
      requestWith(throttled, path, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Origin: 'https://evil.example',
          'CF-Connecting-IP': '203.0.113.99',
        },
        body: form({ username, password }),
      });
    expect((await post('/signup', PASSWORD)).status).toBe(403);
    for (let i = 0; i < 8; i++) expect((await post('/login', `wrong password ${i}`)).status).toBe(403);
    const users = await env.DB.prepare('SELECT count(*) AS n FROM users WHERE username_canonical = ?')
      .bind(username)
      .first<{ n: number }>();
    expect(users?.n).toBe(0);
    const failures = await env.DB.prepare(
      'SELECT count(*) AS n FROM login_failures WHERE username_canonical = ?',
    )
      .bind(username)
      .first<{ n: number }>();
    expect(failures?.n).toBe(0);
  });

  it('never apply to reads', async () => {
    const { token } = await newAccount();
    const response = await requestWith(bindings, '/data', {
      headers: { Authorization: token, Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' },
    });
    expect(response.status).toBe(200);
  });
});

describe('isCrossSite', () => {
  const own = 'https://gatehouse.test';
  const listed = new Set(['https://app.example']);
  it('follows the documented rule', () => {
    expect(isCrossSite(undefined, undefined, own, listed)).toBe(false);
    expect(isCrossSite(own, undefined, own, listed)).toBe(false);
    expect(isCrossSite(own, 'same-origin', own, listed)).toBe(false);
    expect(isCrossSite('https://app.example', 'cross-site', own, listed)).toBe(false);
    expect(isCrossSite(undefined, 'cross-site', own, listed)).toBe(true);
    expect(isCrossSite('https://other.example', undefined, own, listed)).toBe(true);
    expect(isCrossSite('null', 'same-origin', own, listed)).toBe(true);
  });
});
