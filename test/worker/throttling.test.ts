// Throttling: per client network through the Rate Limiting binding; per name and source, per name
// across all sources, and across all clients in D1; and the equal-work guarantee for unknown names.
// Throttling is off in the other suites; here it is switched on. Time-dependent tests freeze the
// Worker's clock (Date.now) instead of sleeping.
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_LOGIN_THROTTLE,
  type LoginThrottlePolicy,
  nameStopSeconds,
  networkSource,
  sourceBackoffSeconds,
} from '../../worker/auth/login-throttle';
import { nowSeconds as now } from '../../worker/clock';
import type { Bindings } from '../../worker/config';
import { database } from '../../worker/db/client';
import { reserveAttempt } from '../../worker/db/throttle';
import { PASSWORD, requestWith, uniqueName } from './http';
import { takeLogs } from './logs';

// Cheaper hashing than production's 100,000 iterations, so that the many real log-ins of this suite
// stay quick on a busy machine; the equal-work test below uses the production cost.
const throttled = { ...env, THROTTLING: 'on', PBKDF2_ITERATIONS: '10000' } as Bindings;
let ipCounter = 0;
const uniqueIp = () => `198.51.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`;

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

/** A log-in from one network. */
const logIn = (username: string, password: string, ip: string, bindings: Bindings = throttled) =>
  post('/login', { username, password }, { 'CF-Connecting-IP': ip }, bindings);

async function signUp(username = uniqueName(), bindings: Bindings = throttled) {
  expect((await post('/signup', { username, password: PASSWORD }, {}, bindings)).status).toBe(201);
  return username;
}

/** Freezes the Worker's clock at `seconds` (Unix); returns a function that moves it. */
function freezeClock(seconds = now()) {
  let current = seconds;
  vi.spyOn(Date, 'now').mockImplementation(() => current * 1000);
  return {
    at: () => current,
    advance: (by: number) => {
      current += by;
    },
  };
}

const nameCount = async (name: string) =>
  (await env.DB.prepare('SELECT failures, blocked_until FROM login_failures WHERE username_canonical = ?')
    .bind(name)
    .first()) as { failures: number; blocked_until: number } | null;

const sourceCount = async (name: string, source: string) =>
  (await env.DB.prepare(
    'SELECT failures, blocked_until FROM login_source_failures WHERE username_canonical = ? AND source = ?',
  )
    .bind(name, source)
    .first()) as { failures: number; blocked_until: number } | null;

const statusesOf = (responses: Response[]) => {
  const counts: Record<number, number> = {};
  for (const { status } of responses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
};

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

  it('lets log-ins through on the D1 throttles alone when the limiter fails', async () => {
    const username = await signUp();
    const broken = {
      ...throttled,
      AUTH_RATE_LIMITER: { limit: () => Promise.reject(new Error('limiter down')) },
    };
    const response = await post('/login', { username, password: PASSWORD }, {}, broken as Bindings);
    expect(response.status).toBe(200);
    // Logged by name and code, never the limiter's message.
    expect(takeLogs({ event: 'rate_limiter_failed' })).toEqual([
      expect.objectContaining({ level: 'error', error_name: 'Error', error_code: 'unexpected' }),
    ]);
  });
});

describe('failed log-ins, per name and network', () => {
  it("backs off one network's guesses at a name, with 429 + Retry-After before any hashing", async () => {
    const clock = freezeClock();
    const username = await signUp();
    const ip = uniqueIp();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await logIn(username, `wrong password ${i}`, ip)).status);
    expect(statuses).toEqual([401, 401, 401, 401]);
    // The fifth failure sets the first wait: 2 s.
    expect((await logIn(username, 'wrong password 4', ip)).status).toBe(401);
    const derive = vi.spyOn(crypto.subtle, 'deriveBits');
    // That network waits, even with the right password: it cannot tell the owner from a guesser.
    const blocked = await logIn(username, PASSWORD, ip);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('Retry-After')).toBe('2');
    expect(derive).not.toHaveBeenCalled();
    clock.advance(2);
    expect((await logIn(username, 'wrong password 5', ip)).status).toBe(401);
    // Then 4 s.
    const next = await logIn(username, PASSWORD, ip);
    expect(next.status).toBe(429);
    expect(next.headers.get('Retry-After')).toBe('4');
    expect(derive).toHaveBeenCalledTimes(1);
  });

  it('never keeps the owner out from another network, however long a stranger keeps guessing', async () => {
    const clock = freezeClock();
    const username = await signUp();
    const owner = await post('/login', { username, password: PASSWORD });
    const token = await owner.text();
    const stranger = '203.0.113.66';
    // Twelve wrong guesses an hour apart (each one past the previous wait), then one more that waits:
    // the pattern that used to keep the owner out for good.
    for (let i = 0; i < 12; i++) {
      expect((await logIn(username, `guess number ${i}`, stranger)).status).toBe(401);
      clock.advance(3600);
    }
    expect((await logIn(username, 'guess number 12', stranger)).status).toBe(401);
    expect((await logIn(username, PASSWORD, stranger)).status).toBe(429);

    // The owner, from their own network, logs in; their session can still confirm the password.
    expect((await logIn(username, PASSWORD, '192.0.2.10')).status).toBe(200);
    const confirm = await requestWith(throttled, '/password', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: token },
      body: JSON.stringify({ current_password: PASSWORD, new_password: 'a brand new passphrase' }),
    });
    expect(confirm.status).toBe(200);
  });

  it('counts unknown names exactly like real ones, and answers them identically', async () => {
    freezeClock();
    const real = await signUp();
    const ghost = uniqueName('ghost');
    const ip = uniqueIp();
    const answer = async (username: string, password: string) => {
      const response = await logIn(username, password, ip);
      return `${response.status} ${response.headers.get('Retry-After')} ${await response.text()}`;
    };
    for (let i = 0; i < 5; i++)
      expect(await answer(ghost, `wrong ${i} password`)).toBe(await answer(real, `wrong ${i} password`));
    expect(await nameCount(ghost)).toEqual(await nameCount(real));
    const source = networkSource(ip).key;
    expect(await sourceCount(ghost, source)).toEqual(await sourceCount(real, source));
    // Both are waiting now, with the same answer whatever the password.
    const realBlocked = await answer(real, PASSWORD);
    expect(realBlocked).toMatch(/^429 /);
    expect(await answer(ghost, 'any password')).toBe(realBlocked);
  });

  it("resets the network's and the name's counts on a successful log-in, not other networks'", async () => {
    const username = await signUp();
    const [home, elsewhere] = [uniqueIp(), uniqueIp()];
    for (let i = 0; i < 3; i++) await logIn(username, 'wrong password', home);
    for (let i = 0; i < 2; i++) await logIn(username, 'wrong password', elsewhere);
    expect((await nameCount(username))?.failures).toBe(5);
    expect((await sourceCount(username, networkSource(home).key))?.failures).toBe(3);
    expect((await logIn(username, PASSWORD, home)).status).toBe(200);
    expect(await nameCount(username)).toBeNull();
    expect(await sourceCount(username, networkSource(home).key)).toBeNull();
    expect((await sourceCount(username, networkSource(elsewhere).key))?.failures).toBe(2);
  });

  it('closes the name to every network after the hard stop of consecutive failures across networks', async () => {
    const clock = freezeClock();
    const strict = { ...throttled, LOGIN_HARD_STOP_FAILURES: '10' } as Bindings;
    const username = await signUp();
    const session = await (await logIn(username, PASSWORD, uniqueIp(), strict)).text();
    // Ten networks, one wrong guess each: no network waits, but the name has had ten failures.
    for (let i = 0; i < 10; i++)
      expect((await logIn(username, 'distributed', uniqueIp(), strict)).status).toBe(401);
    const derive = vi.spyOn(crypto.subtle, 'deriveBits');
    const closed = await logIn(username, PASSWORD, uniqueIp(), strict);
    expect(closed.status).toBe(429);
    expect(Number(closed.headers.get('Retry-After'))).toBe(86400);
    expect(derive).not.toHaveBeenCalled();
    // The owner's session still confirms the password (it vouches for the owner), which ends the run.
    const change = await requestWith(strict, '/password', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: session },
      body: JSON.stringify({ current_password: PASSWORD, new_password: 'another fine passphrase' }),
    });
    expect(change.status).toBe(200);
    expect(await nameCount(username)).toBeNull();
    clock.advance(1);
    expect((await logIn(username, 'another fine passphrase', uniqueIp(), strict)).status).toBe(200);
  });

  it('writes the documented schedules: the SQL agrees with the functions for every count (property)', async () => {
    const db = database(env.DB);
    const policies = fc.record({
      freeFailures: fc.integer({ min: 0, max: 20 }),
      maxBackoffSeconds: fc.integer({ min: 2, max: 86400 }),
      hardStopFailures: fc.integer({ min: 10, max: 30 }),
      hardStopSeconds: fc.integer({ min: 60, max: 30 * 86400 }),
    });
    await fc.assert(
      fc.asyncProperty(policies, async (policy: LoginThrottlePolicy) => {
        const name = uniqueName('schedule');
        const source = networkSource(uniqueIp());
        const limits = {
          loginThrottle: policy,
          globalLimits: { signupsPerMinute: 1, failedLoginsPerMinute: 1e6 },
        };
        let t = now();
        for (let failures = 1; failures <= policy.hardStopFailures; failures++) {
          const reservation = await reserveAttempt(db, name, source, t, limits);
          expect(reservation.ok, `attempt ${failures}`).toBe(true);
          const sourceRow = await sourceCount(name, source.key);
          expect(sourceRow?.failures).toBe(failures);
          const backoff = sourceBackoffSeconds(failures, policy);
          expect(sourceRow?.blocked_until, `after ${failures}`).toBe(backoff === 0 ? 0 : t + backoff);
          const nameRow = await nameCount(name);
          const stop = nameStopSeconds(failures, policy);
          expect(nameRow?.blocked_until).toBe(stop === 0 ? 0 : t + stop);
          if (stop > 0) {
            // Closed: any other network is refused for the whole stop.
            const elsewhere = await reserveAttempt(db, name, networkSource(uniqueIp()), t, limits);
            expect(elsewhere).toMatchObject({ ok: false, blockedBy: 'name', retryAfter: stop });
          } else if (backoff > 1) {
            // Just before the wait ends, the source is still refused.
            const early = await reserveAttempt(db, name, source, t + backoff - 1, limits);
            expect(early).toMatchObject({ ok: false, blockedBy: 'source', retryAfter: 1 });
          }
          t += backoff;
        }
      }),
      { numRuns: 6 },
    );
    // Hundreds of D1 round trips: more than the default 5 s on a busy machine.
  }, 60_000);

  it('follows a configured policy (LOGIN_* settings)', async () => {
    freezeClock();
    const strict = { ...throttled, LOGIN_FREE_FAILURES: '1', LOGIN_MAX_BACKOFF_SECONDS: '10' } as Bindings;
    const username = await signUp();
    const ip = uniqueIp();
    expect((await logIn(username, 'wrong password one', ip, strict)).status).toBe(401);
    expect((await logIn(username, 'wrong password two', ip, strict)).status).toBe(401);
    const blocked = await logIn(username, PASSWORD, ip, strict);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('Retry-After')).toBe('2');
    const policy = { ...DEFAULT_LOGIN_THROTTLE, freeFailures: 1, maxBackoffSeconds: 10 };
    expect([1, 2, 3, 4, 5, 9].map((n) => sourceBackoffSeconds(n, policy))).toEqual([0, 2, 4, 8, 10, 10]);
  });
});

describe('concurrent guesses', () => {
  it('60 at once from one network: exactly the 5 the schedule allows are checked', async () => {
    freezeClock();
    const username = await signUp();
    const ip = uniqueIp();
    const derive = vi.spyOn(crypto.subtle, 'deriveBits');
    const responses = await Promise.all(
      Array.from({ length: 60 }, (_, i) => logIn(username, `concurrent wrong ${i}`, ip)),
    );
    expect(statusesOf(responses)).toEqual({ 401: 5, 429: 55 });
    expect(derive).toHaveBeenCalledTimes(5);
    expect((await sourceCount(username, networkSource(ip).key))?.failures).toBe(5);
    expect((await nameCount(username))?.failures).toBe(5);
  });

  it('60 at once from 60 networks, 4 short of the hard stop: exactly 4 are checked', async () => {
    freezeClock();
    const strict = { ...throttled, LOGIN_HARD_STOP_FAILURES: '10' } as Bindings;
    const username = await signUp();
    for (let i = 0; i < 6; i++) await logIn(username, `earlier wrong ${i}`, uniqueIp(), strict);
    const derive = vi.spyOn(crypto.subtle, 'deriveBits');
    const responses = await Promise.all(
      Array.from({ length: 60 }, (_, i) => logIn(username, `distributed wrong ${i}`, uniqueIp(), strict)),
    );
    expect(statusesOf(responses)).toEqual({ 401: 4, 429: 56 });
    expect(derive).toHaveBeenCalledTimes(4);
    expect((await nameCount(username))?.failures).toBe(10);
  });

  it('a right password among concurrent wrong ones gives its slot back', async () => {
    freezeClock();
    const username = await signUp();
    const ip = uniqueIp();
    const responses = await Promise.all([
      logIn(username, PASSWORD, ip),
      logIn(username, 'concurrent wrong 1', ip),
      logIn(username, 'concurrent wrong 2', ip),
    ]);
    expect(statusesOf(responses)).toEqual({ 200: 1, 401: 2 });
    // The success ended the run; only failures that finished after it are still counted.
    expect((await nameCount(username))?.failures ?? 0).toBeLessThanOrEqual(2);
  });
});

describe('password checks behind a token', () => {
  const confirm = (token: string, path: string, method: string, body: Record<string, string>) =>
    requestWith(throttled, path, {
      method,
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${token}`,
        'CF-Connecting-IP': uniqueIp(),
      },
      body: JSON.stringify(body),
    });

  it('count wrong passwords on /password and /account against the session, and wait before hashing', async () => {
    freezeClock();
    const username = await signUp();
    const token = await (await post('/login', { username, password: PASSWORD })).text();
    for (let i = 0; i < 3; i++) {
      const response = await confirm(token, '/password', 'POST', {
        current_password: `guess ${i}!`,
        new_password: 'fresh long passphrase',
      });
      expect(response.status).toBe(403);
    }
    expect((await confirm(token, '/account', 'DELETE', { password: 'guess four!' })).status).toBe(403);
    expect((await confirm(token, '/account', 'DELETE', { password: 'guess five!' })).status).toBe(403);
    expect((await nameCount(username))?.failures).toBe(5);
    const derive = vi.spyOn(crypto.subtle, 'deriveBits');
    const blocked = await confirm(token, '/account', 'DELETE', { password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(derive).not.toHaveBeenCalled();
  });

  it("are not blocked by a stranger's failed log-ins", async () => {
    freezeClock();
    const username = await signUp();
    const token = await (await post('/login', { username, password: PASSWORD })).text();
    const stranger = uniqueIp();
    for (let i = 0; i < 8; i++) await logIn(username, `stranger guess ${i}`, stranger);
    expect((await logIn(username, 'one more', stranger)).status).toBe(429);
    expect((await confirm(token, '/account', 'DELETE', { password: PASSWORD })).status).toBe(204);
  });
});

describe('caps across all clients', () => {
  it('let through exactly SIGNUPS_PER_MINUTE sign-ups from many networks in a minute', async () => {
    const clock = freezeClock();
    const capped = { ...throttled, SIGNUPS_PER_MINUTE: '3' } as Bindings;
    // The window may already hold sign-ups of this suite: start a fresh minute.
    clock.advance(60 - (clock.at() % 60) + 600);
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        post('/signup', { username: uniqueName('flood'), password: PASSWORD }, {}, capped),
      ),
    );
    expect(statusesOf(responses)).toEqual({ 201: 3, 429: 7 });
    const refused = responses.find((r) => r.status === 429) as Response;
    expect(refused.headers.get('Retry-After')).toBe('60');
    clock.advance(60);
    expect((await post('/signup', { username: uniqueName(), password: PASSWORD }, {}, capped)).status).toBe(
      201,
    );
  });

  it('let through exactly FAILED_LOGINS_PER_MINUTE failures from many networks; successes give theirs back', async () => {
    const clock = freezeClock();
    const capped = { ...throttled, FAILED_LOGINS_PER_MINUTE: '5' } as Bindings;
    const username = await signUp();
    clock.advance(60 - (clock.at() % 60) + 1200);
    // Successes do not use up the cap.
    for (let i = 0; i < 8; i++)
      expect((await logIn(username, PASSWORD, uniqueIp(), capped)).status).toBe(200);
    const derive = vi.spyOn(crypto.subtle, 'deriveBits');
    const responses = await Promise.all(
      Array.from({ length: 12 }, () => logIn(uniqueName('ghost'), 'wrong password', uniqueIp(), capped)),
    );
    expect(statusesOf(responses)).toEqual({ 401: 5, 429: 7 });
    expect(derive).toHaveBeenCalledTimes(5);
    // For the rest of the minute, networks wait; the next minute has room again.
    const refused = await logIn(username, PASSWORD, uniqueIp(), capped);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('Retry-After')).toBe('60');
    clock.advance(60);
    expect((await logIn(username, PASSWORD, uniqueIp(), capped)).status).toBe(200);
  });
});

describe('equal work for unknown names', () => {
  it('derives exactly one PBKDF2 hash at the configured cost for both unknown user and wrong password', async () => {
    const production = { ...env, THROTTLING: 'on' } as Bindings;
    const username = await signUp(uniqueName(), production);
    const derive = vi.spyOn(crypto.subtle, 'deriveBits');
    const calls = async (fields: Record<string, string>) => {
      derive.mockClear();
      const response = await post('/login', fields, {}, production);
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
