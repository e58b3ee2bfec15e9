// Throttling (per client IP through the Rate Limiting binding, per name in D1) and the equal-work
// guarantee for unknown names. Throttling is off in the other suites; here it is switched on.
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { backoffSeconds, DEFAULT_LOGIN_THROTTLE } from '../../worker/auth/login-throttle';

const HARD_STOP_FAILURES = DEFAULT_LOGIN_THROTTLE.hardStopFailures;

import type { Bindings } from '../../worker/config';
import { database } from '../../worker/db/client';
import { recordLoginFailure } from '../../worker/db/queries';
import { nowSeconds as now } from '../../worker/http/context';
import { PASSWORD, requestWith, uniqueName } from './http';

const throttled = { ...env, THROTTLING: 'on' } as Bindings;
let ipCounter = 0;
const uniqueIp = () => `198.51.100.${++ipCounter}`;

function post(
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
  bindings: Bindings = throttled,
) {
  return requestWith(bindings, path, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'CF-Connecting-IP': uniqueIp(),
      ...headers,
    },
    body: new URLSearchParams(fields).toString(),
  });
}

async function signUp(username = uniqueName()) {
  expect((await post('/signup', { username, password: PASSWORD })).status).toBe(201);
  return username;
}

const failuresOf = async (name: string) =>
  (await env.DB.prepare('SELECT failures, blocked_until FROM login_failures WHERE username_canonical = ?')
    .bind(name)
    .first()) as {
    failures: number;
    blocked_until: number;
  } | null;

afterEach(() => vi.restoreAllMocks());

describe('per-IP throttle (Rate Limiting binding)', () => {
  // The binding counts in fixed 60 s windows; a test may straddle a window's end, so it looks for the
  // first refusal rather than expecting it at an exact request.
  const LIMIT = 30;

  it('answers 429 with Retry-After past the limit, keyed on CF-Connecting-IP only', async () => {
    const ip = '203.0.113.7';
    let firstRefused = -1;
    for (let i = 0; i < 2 * LIMIT + 2 && firstRefused === -1; i++) {
      // A client-chosen X-Forwarded-For or X-Real-IP must not give it a fresh budget.
      const response = await post(
        '/login',
        { username: uniqueName('ghost'), password: 'whatever pass' },
        {
          'CF-Connecting-IP': ip,
          'X-Forwarded-For': `10.0.0.${i}`,
          'X-Real-IP': `10.0.1.${i}`,
        },
      );
      if (response.status === 429) {
        firstRefused = i;
        expect(response.headers.get('Retry-After')).toBe('60');
        expect(((await response.json()) as { type: string }).type).toBe('/problems/too-many-requests');
      } else {
        expect(response.status).toBe(401);
      }
    }
    expect(firstRefused).toBeGreaterThanOrEqual(LIMIT);
    // Another address is not affected.
    expect((await post('/login', { username: uniqueName('ghost'), password: 'whatever pass' })).status).toBe(
      401,
    );
  });

  it('keys IPv6 clients on their /64 and IPv4-mapped addresses on the IPv4 address', async () => {
    // Every request from another address of the same /64: one budget.
    const interfaceId = () => Math.floor(Math.random() * 0xffff).toString(16);
    let firstRefused = -1;
    for (let i = 0; i < 2 * LIMIT + 2 && firstRefused === -1; i++) {
      const address = `2001:db8:77:${i % 2 ? '0' : '00'}::${interfaceId()}:${interfaceId()}`;
      const response = await post(
        '/login',
        { username: uniqueName('ghost'), password: 'whatever pass' },
        { 'CF-Connecting-IP': address },
      );
      if (response.status === 429) firstRefused = i;
      else expect(response.status).toBe(401);
    }
    expect(firstRefused).toBeGreaterThanOrEqual(LIMIT);
    // The neighbouring /64 has its own budget.
    const neighbour = await post(
      '/login',
      { username: uniqueName('ghost'), password: 'whatever pass' },
      { 'CF-Connecting-IP': '2001:db8:77:1::1' },
    );
    expect(neighbour.status).toBe(401);

    // An IPv4 client is one client however its address is written.
    firstRefused = -1;
    for (let i = 0; i < 2 * LIMIT + 2 && firstRefused === -1; i++) {
      const address = ['192.0.2.77', '::ffff:192.0.2.77', '::ffff:c000:24d'][i % 3] as string;
      const response = await post(
        '/login',
        { username: uniqueName('ghost'), password: 'whatever pass' },
        { 'CF-Connecting-IP': address },
      );
      if (response.status === 429) firstRefused = i;
      else expect(response.status).toBe(401);
    }
    expect(firstRefused).toBeGreaterThanOrEqual(LIMIT);
  });

  it('refuses before any password hashing', async () => {
    const ip = '203.0.113.8';
    const exhaust = async () => {
      for (let i = 0; i <= 2 * LIMIT + 1; i++) {
        const response = await post(
          '/signup',
          { username: uniqueName(), password: 'x' },
          { 'CF-Connecting-IP': ip },
        );
        if (response.status === 429) return;
      }
      throw new Error('never throttled');
    };
    const derive = vi.spyOn(crypto.subtle, 'deriveBits');
    for (let attempt = 0; attempt < 3; attempt++) {
      await exhaust();
      derive.mockClear();
      const response = await post(
        '/login',
        { username: uniqueName(), password: PASSWORD },
        { 'CF-Connecting-IP': ip },
      );
      if (response.status !== 429) continue; // a new window began in between: try again
      expect(derive).not.toHaveBeenCalled();
      return;
    }
    throw new Error('the log-in was never throttled');
  });
  it('lets log-ins through on the per-name throttle alone when the limiter fails', async () => {
    const username = await signUp();
    const broken = {
      ...throttled,
      AUTH_RATE_LIMITER: { limit: () => Promise.reject(new Error('limiter down')) },
    };
    const response = await post('/login', { username, password: PASSWORD }, {}, broken as Bindings);
    expect(response.status).toBe(200);
  });
});

describe('per-name backoff after failed log-ins (D1)', () => {
  it('lets a few typos through, then backs off with 429 + Retry-After before any hashing', async () => {
    const username = await signUp();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await post('/login', { username, password: `wrong password ${i}` })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    const derive = vi.spyOn(crypto.subtle, 'deriveBits');
    // Even the right password waits: the block is about the name, not the guess.
    const blocked = await post('/login', { username, password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
    expect(derive).not.toHaveBeenCalled();
  });

  it('counts unknown names exactly like real ones, and answers them identically', async () => {
    const real = await signUp();
    const ghost = uniqueName('ghost');
    const answer = async (username: string, password: string) => {
      const response = await post('/login', { username, password });
      return `${response.status} ${response.headers.get('Retry-After')} ${await response.text()}`;
    };
    // The free failures: identical answers and identical counts.
    for (let i = 0; i < 4; i++)
      expect(await answer(ghost, `wrong ${i} password`)).toBe(await answer(real, `wrong ${i} password`));
    expect(await failuresOf(ghost)).toEqual(await failuresOf(real));
    // Blocked: the same 429 (with the same Retry-After, the block being set to the same second).
    const until = now() + 300;
    await env.DB.prepare('UPDATE login_failures SET blocked_until = ? WHERE username_canonical IN (?, ?)')
      .bind(until, real, ghost)
      .run();
    const [ghostBlocked, realBlocked] = [await answer(ghost, 'any password'), await answer(real, PASSWORD)];
    expect(realBlocked).toMatch(/^429 /);
    expect(ghostBlocked.replace(/^429 \d+/, '')).toBe(realBlocked.replace(/^429 \d+/, ''));
  });

  it('resets the count on a successful log-in', async () => {
    const username = await signUp();
    for (let i = 0; i < 3; i++) await post('/login', { username, password: 'wrong password' });
    expect((await failuresOf(username))?.failures).toBe(3);
    expect((await post('/login', { username, password: PASSWORD })).status).toBe(200);
    expect(await failuresOf(username)).toBeNull();
  });

  it(`stops hard after ${HARD_STOP_FAILURES} consecutive failures`, async () => {
    const username = await signUp();
    await env.DB.prepare('INSERT INTO login_failures VALUES (?, ?, ?, 0)')
      .bind(username, HARD_STOP_FAILURES - 1, now())
      .run();
    expect((await post('/login', { username, password: 'wrong password' })).status).toBe(401);
    const state = await failuresOf(username);
    expect(state?.blocked_until).toBeGreaterThanOrEqual(now() + 86400 - 5);
    expect((await post('/login', { username, password: PASSWORD })).status).toBe(429);
  });

  it('writes the documented schedule (SQL and backoffSeconds agree for every count)', async () => {
    const db = database(env.DB);
    const name = uniqueName('schedule');
    for (let failures = 1; failures <= HARD_STOP_FAILURES + 2; failures++) {
      const t = now();
      await recordLoginFailure(db, name, t, DEFAULT_LOGIN_THROTTLE);
      const state = await failuresOf(name);
      expect(state?.failures).toBe(failures);
      const expected = backoffSeconds(failures);
      expect(state?.blocked_until, `after ${failures}`).toBe(expected === 0 ? 0 : t + expected);
    }
  });

  it('follows a configured policy (LOGIN_* settings)', async () => {
    const strict = { ...throttled, LOGIN_FREE_FAILURES: '1', LOGIN_MAX_BACKOFF_SECONDS: '10' } as Bindings;
    const username = await signUp();
    const attempt = (password: string) => post('/login', { username, password }, {}, strict);
    expect((await attempt('wrong password one')).status).toBe(401);
    expect((await attempt('wrong password two')).status).toBe(401);
    const blocked = await attempt(PASSWORD);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('Retry-After'))).toBeLessThanOrEqual(2);
    const policy = { ...DEFAULT_LOGIN_THROTTLE, freeFailures: 1, maxBackoffSeconds: 10 };
    expect([1, 2, 3, 4, 5, 9].map((n) => backoffSeconds(n, policy))).toEqual([0, 2, 4, 8, 10, 10]);
  });

  it('counts concurrent failures without losing any', async () => {
    const username = await signUp();
    await Promise.all(
      Array.from({ length: 4 }, (_, i) => post('/login', { username, password: `wrong ${i} password` })),
    );
    expect((await failuresOf(username))?.failures).toBe(4);
  });
});

describe('password checks behind a token', () => {
  it('count wrong passwords on /password and /account like failed log-ins, and block before hashing', async () => {
    const username = await signUp();
    const login = await post('/login', { username, password: PASSWORD });
    const token = await login.text();
    const confirm = (path: string, method: string, body: Record<string, string>) =>
      requestWith(throttled, path, {
        method,
        headers: {
          'Content-Type': 'application/json',
          Authorization: `Bearer ${token}`,
          'CF-Connecting-IP': uniqueIp(),
        },
        body: JSON.stringify(body),
      });
    for (let i = 0; i < 3; i++) {
      expect(
        (
          await confirm('/password', 'POST', {
            current_password: `guess ${i}!`,
            new_password: 'fresh long passphrase',
          })
        ).status,
      ).toBe(403);
    }
    expect((await confirm('/account', 'DELETE', { password: 'guess four!' })).status).toBe(403);
    expect((await confirm('/account', 'DELETE', { password: 'guess five!' })).status).toBe(403);
    expect((await failuresOf(username))?.failures).toBe(5);
    const derive = vi.spyOn(crypto.subtle, 'deriveBits');
    const blocked = await confirm('/account', 'DELETE', { password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(derive).not.toHaveBeenCalled();
  });
});

describe('equal work for unknown names', () => {
  it('derives exactly one PBKDF2 hash at the configured cost for both unknown user and wrong password', async () => {
    const username = await signUp();
    const derive = vi.spyOn(crypto.subtle, 'deriveBits');
    const calls = async (fields: Record<string, string>) => {
      derive.mockClear();
      const response = await post('/login', fields);
      expect(response.status).toBe(401);
      return derive.mock.calls.map(([algorithm, , length]) => [
        (algorithm as { iterations: number }).iterations,
        length,
      ]);
    };
    const wrong = await calls({ username, password: 'not the password' });
    const unknown = await calls({ username: uniqueName('ghost'), password: 'not the password' });
    expect(wrong).toEqual([[100_000, 256]]);
    expect(unknown).toEqual(wrong);
  });
});
