// The activity log (docs/activity.md): every event type through the real routes and a real local D1,
// counted attempts under concurrency, GET /activity's pages and cursor, whose events a caller sees,
// the coarse network, retention by the nightly clean-up (with its clock), and account deletion.
// Requests go through requestWith, which waits for the work a response leaves to waitUntil.
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ActivityType } from '../../worker/activity/event-types';
import { hashPassword } from '../../worker/auth/password';
import { cleanUp } from '../../worker/cleanup';
import type { Bindings } from '../../worker/config';
import { activityInsert, COUNT_WINDOW_SECONDS } from '../../worker/db/activity';
import { batch } from '../../worker/db/batch';
import { database } from '../../worker/db/client';
import { CLEANUP_BATCH } from '../../worker/db/queries';
import { expectProblem, PASSWORD, payloadOf, requestWith, uniqueName } from './http';
import { takeLogs } from './logs';

// Cheaper hashing than production's, so the many log-ins here stay quick on a busy machine.
const bindings = { ...env, PBKDF2_ITERATIONS: '10000' } as Bindings;
const throttled = { ...bindings, THROTTLING: 'on' } as Bindings;

const FIREFOX_ANDROID = 'Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0';
const CHROME_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const SAFARI_IOS =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

let ipCounter = 0;
/** A network of its own for each use: the per-network rate limiter must never be what answers. */
const uniqueIp = () => `198.51.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`;

interface From {
  ip?: string | null;
  ua?: string | null;
  token?: string;
  with?: Bindings;
}

function send(path: string, init: RequestInit & From = {}) {
  const headers: Record<string, string> = { ...(init.headers as Record<string, string>) };
  const ip = init.ip === undefined ? uniqueIp() : init.ip;
  if (ip !== null) headers['CF-Connecting-IP'] = ip;
  if (init.ua !== undefined && init.ua !== null) headers['User-Agent'] = init.ua;
  if (init.token !== undefined) headers.Authorization = `Bearer ${init.token}`;
  return requestWith(init.with ?? bindings, path, { method: init.method, body: init.body, headers });
}

function post(path: string, fields: Record<string, string>, from: From = {}) {
  return send(path, {
    ...from,
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

async function signUp(from: From = {}, username = uniqueName()) {
  expect((await post('/signup', { username, password: PASSWORD }, from)).status).toBe(201);
  return username;
}

async function logIn(username: string, from: From = {}, password = PASSWORD) {
  const response = await post('/login', { username, password }, from);
  expect(response.status).toBe(200);
  return response.text();
}

interface Event {
  type: ActivityType;
  at: number;
  count: number;
  device: string | null;
  network: string | null;
  session_id: string | null;
  current: boolean;
}

async function activityPage(token: string, cursor?: string) {
  const query = cursor === undefined ? '' : `?cursor=${encodeURIComponent(cursor)}`;
  const response = await send(`/activity${query}`, { token });
  expect(response.status).toBe(200);
  expect(response.headers.get('Cache-Control')).toContain('no-store');
  return (await response.json()) as { events: Event[]; next: string | null };
}

async function allActivity(token: string): Promise<Event[]> {
  const events: Event[] = [];
  let cursor: string | undefined;
  do {
    const page = await activityPage(token, cursor);
    events.push(...page.events);
    cursor = page.next ?? undefined;
  } while (cursor !== undefined);
  return events;
}

const rowsOf = async (userId: string) =>
  (await env.DB.prepare('SELECT * FROM activity WHERE user_id = ? ORDER BY id').bind(userId).all()).results;

/** Freezes the Worker's clock (Date.now) in the middle of an hour, so a burst never spans two windows. */
function freezeClock() {
  const real = Math.floor(Date.now() / 1000);
  let current = real - (real % COUNT_WINDOW_SECONDS) + COUNT_WINDOW_SECONDS / 2;
  vi.spyOn(Date, 'now').mockImplementation(() => current * 1000);
  return {
    at: () => current,
    advance: (seconds: number) => {
      current += seconds;
    },
  };
}

afterEach(() => vi.restoreAllMocks());

describe('what is recorded', () => {
  it('records every event of a password account, each with its device, coarse network and session', async () => {
    const clock = freezeClock();
    const t = clock.at();
    const username = await signUp({ ip: '203.0.113.7', ua: FIREFOX_ANDROID });
    // The phone: an IPv6 network.
    const phone = await logIn(username, { ip: '2001:db8:abcd:12::1', ua: FIREFOX_ANDROID });
    const userId = payloadOf(phone).sub as string;
    // Four wrong passwords from one /24 (one row: the network is the /24), one from another network;
    // a wrong password for a name that does not exist concerns no account.
    for (let i = 0; i < 3; i++) {
      const guess = await post(
        '/login',
        { username, password: 'wrong' },
        { ip: '192.0.2.10', ua: CHROME_WINDOWS },
      );
      expect(guess.status).toBe(401);
    }
    expect((await post('/login', { username, password: 'wrong' }, { ip: '192.0.2.200' })).status).toBe(401);
    expect(
      (await post('/login', { username, password: 'wrong' }, { ip: '2001:db8:abcd:77::5' })).status,
    ).toBe(401);
    expect((await post('/login', { username: uniqueName(), password: 'wrong' })).status).toBe(401);
    // A laptop, ended from the phone.
    const laptop = await logIn(username, { ua: CHROME_WINDOWS });
    const laptopSid = payloadOf(laptop).sid as string;
    const end = await send(`/sessions/${laptopSid}`, {
      method: 'DELETE',
      token: phone,
      ua: FIREFOX_ANDROID,
      ip: '2001:db8:abcd:12::1',
    });
    expect(end.status).toBe(204);
    // A tablet whose replaced token comes back to /refresh.
    const tablet = await logIn(username, { ua: SAFARI_IOS });
    const tabletSid = payloadOf(tablet).sid as string;
    expect((await send('/refresh', { method: 'POST', token: tablet, ua: SAFARI_IOS })).status).toBe(200);
    await expectProblem(
      await send('/refresh', { method: 'POST', token: tablet, ua: CHROME_WINDOWS }),
      401,
      'invalid-token',
    );
    // A session that logs out.
    const other = await logIn(username, { ua: CHROME_WINDOWS });
    expect((await send('/logout', { method: 'POST', token: other, ua: CHROME_WINDOWS })).status).toBe(204);
    // A wrong current password, then the change, from the phone.
    const change = (current: string) =>
      send('/password', {
        method: 'POST',
        token: phone,
        ua: FIREFOX_ANDROID,
        ip: '2001:db8:abcd:ffff::9',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ current_password: current, new_password: `${PASSWORD} again` }),
      });
    await expectProblem(await change('not it'), 403, 'wrong-password');
    const changed = await change(PASSWORD);
    expect(changed.status).toBe(200);
    const afterChange = await changed.text();
    // Log out everywhere from the new session, then log in again to read the log.
    expect(
      (await send('/sessions', { method: 'DELETE', token: afterChange, ua: FIREFOX_ANDROID })).status,
    ).toBe(204);
    const reader = await logIn(username, { ip: null }, `${PASSWORD} again`);

    const phoneSid = payloadOf(phone).sid as string;
    const events = await allActivity(reader);
    const net6 = '2001:db8:abcd::/48';
    const expected: Partial<Event>[] = [
      {
        type: 'sign_in',
        session_id: payloadOf(reader).sid as string,
        device: null,
        network: null,
        current: true,
      },
      {
        type: 'logout_everywhere',
        session_id: payloadOf(afterChange).sid as string,
        device: 'Firefox on Android',
      },
      { type: 'password_changed', session_id: payloadOf(afterChange).sid as string, network: net6 },
      { type: 'sign_in_failed', count: 1, session_id: phoneSid, device: 'Firefox on Android', network: net6 },
      { type: 'logout', session_id: payloadOf(other).sid as string, device: 'Chrome on Windows' },
      { type: 'sign_in', session_id: payloadOf(other).sid as string, device: 'Chrome on Windows' },
      // Who presented the replaced token, not who had it first.
      { type: 'refresh_reuse', session_id: tabletSid, device: 'Chrome on Windows' },
      { type: 'sign_in', session_id: tabletSid, device: 'Safari on iOS' },
      // Ended from the phone: the phone's device, the laptop's session.
      { type: 'session_ended', session_id: laptopSid, device: 'Firefox on Android', network: net6 },
      { type: 'sign_in', session_id: laptopSid, device: 'Chrome on Windows' },
      { type: 'sign_in_failed', count: 1, session_id: null, device: null, network: net6 },
      // The first guess's device; the count is the /24's.
      {
        type: 'sign_in_failed',
        count: 4,
        session_id: null,
        device: 'Chrome on Windows',
        network: '192.0.2.0/24',
      },
      { type: 'sign_in', session_id: phoneSid, device: 'Firefox on Android', network: net6 },
      { type: 'sign_up', session_id: null, device: 'Firefox on Android', network: '203.0.113.0/24' },
    ];
    expect(events).toHaveLength(expected.length);
    events.forEach((event, i) => {
      expect(event, `event ${i}`).toMatchObject({ count: 1, current: false, at: t, ...expected[i] });
    });
    // Nothing more is stored than is shown: no address, user agent, password or token.
    const stored = JSON.stringify(await rowsOf(userId));
    expect(await rowsOf(userId)).toHaveLength(expected.length);
    for (const secret of [
      '192.0.2.10',
      '203.0.113.7',
      '2001:db8:abcd:12',
      'Mozilla',
      PASSWORD,
      phone,
      reader,
    ]) {
      expect(stored).not.toContain(secret);
    }
  });
});

describe('counted attempts', () => {
  it('counts 40 concurrent wrong passwords from one network in one row, exactly', async () => {
    freezeClock();
    const username = await signUp();
    const reader = await logIn(username);
    const guesses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        post(
          '/login',
          { username, password: `wrong ${i}` },
          { ip: `203.0.113.${i + 1}`, ua: CHROME_WINDOWS },
        ),
      ),
    );
    expect(guesses.map((r) => r.status)).toEqual(Array(40).fill(401));
    // And 7 from another network at the same time.
    await Promise.all(
      Array.from({ length: 7 }, () =>
        post('/login', { username, password: 'wrong' }, { ip: '2001:db8:9:8::1' }),
      ),
    );
    const failed = (await allActivity(reader)).filter((event) => event.type === 'sign_in_failed');
    expect(failed.map(({ count, network }) => ({ count, network }))).toEqual([
      { count: 7, network: '2001:db8:9::/48' },
      { count: 40, network: '203.0.113.0/24' },
    ]);
  });

  it('a wrong password for a name that does not exist does the same write, which matches no account', async () => {
    // The same statement after either answer keeps their timing alike (docs/activity.md); this one
    // must store nothing and fail nothing.
    const before = await env.DB.prepare('SELECT count(*) AS n FROM activity').first<{ n: number }>();
    const unknown = uniqueName('nobody');
    await expectProblem(
      await post('/login', { username: unknown, password: PASSWORD }),
      401,
      'invalid-credentials',
    );
    const after = await env.DB.prepare('SELECT count(*) AS n FROM activity').first<{ n: number }>();
    expect(after?.n).toBe(before?.n);
    expect(takeLogs({ event: 'activity_not_recorded' })).toEqual([]);
  });

  it('starts a new row for each window; the row keeps the time of its first attempt', async () => {
    const clock = freezeClock();
    const username = await signUp();
    const reader = await logIn(username);
    const guess = () => post('/login', { username, password: 'wrong' }, { ip: '203.0.113.9' });
    const first = clock.at();
    await guess();
    clock.advance(60);
    await guess();
    clock.advance(COUNT_WINDOW_SECONDS);
    await guess();
    const failed = (await allActivity(reader)).filter((event) => event.type === 'sign_in_failed');
    expect(failed.map(({ count, at }) => ({ count, at }))).toEqual([
      { count: 1, at: first + 60 + COUNT_WINDOW_SECONDS },
      { count: 2, at: first },
    ]);
  });

  it('with throttling on: the checks the throttle allowed fail, the refusals are counted apart', async () => {
    freezeClock();
    const username = await signUp({ with: throttled });
    const reader = await logIn(username, { with: throttled });
    // One network, 20 at once: 4 free failures and a 5th that sets the first wait, then refusals
    // (docs/security.md). Neither row is one per guess.
    const guesses = await Promise.all(
      Array.from({ length: 20 }, () =>
        post('/login', { username, password: 'wrong' }, { ip: '203.0.113.77', with: throttled }),
      ),
    );
    const statuses = guesses.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(5).fill(401), ...Array(15).fill(429)]);
    // Which row came first depends on how the 20 interleaved; the counts do not.
    const counted = (await allActivity(reader))
      .filter((e) => e.type.startsWith('sign_in_'))
      .map(({ type, count, network }) => ({ type, count, network }))
      .sort((a, b) => a.type.localeCompare(b.type));
    expect(counted).toEqual([
      { type: 'sign_in_failed', count: 5, network: '203.0.113.0/24' },
      { type: 'sign_in_throttled', count: 15, network: '203.0.113.0/24' },
    ]);
  });

  it('a session guessing the password on /password is counted against that session, refusals too', async () => {
    freezeClock();
    const username = await signUp({ with: throttled });
    const token = await logIn(username, { with: throttled });
    const sid = payloadOf(token).sid as string;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await send('/password', {
        method: 'POST',
        token,
        with: throttled,
        ip: '192.0.2.1',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ current_password: `guess ${i}`, new_password: `${PASSWORD} new` }),
      });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([403, 403, 403, 403, 403, 429]);
    const counted = (await allActivity(token)).filter((e) => e.type.startsWith('sign_in_'));
    expect(
      counted.map(({ type, count, session_id, current }) => ({ type, count, session_id, current })),
    ).toEqual([
      { type: 'sign_in_throttled', count: 1, session_id: sid, current: true },
      { type: 'sign_in_failed', count: 5, session_id: sid, current: true },
    ]);
  });

  it('a refusal by the cap across all clients is not the account’s, and is not recorded', async () => {
    freezeClock();
    const capped = { ...throttled, FAILED_LOGINS_PER_MINUTE: '1' } as Bindings;
    // The cap is on failures across all clients in the minute, which other tests share: the account
    // and its reader come in under the usual cap.
    const username = await signUp({ with: throttled });
    const reader = await logIn(username, { with: throttled });
    const answers: { status: number; detail?: string }[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await post('/login', { username, password: 'wrong' }, { with: capped });
      answers.push({ status: response.status, ...((await response.json()) as { detail?: string }) });
    }
    const global = answers.filter((a) => a.status === 429 && /right now/.test(a.detail ?? ''));
    expect(global.length).toBeGreaterThanOrEqual(2);
    const events = await allActivity(reader);
    expect(events.some((e) => e.type === 'sign_in_throttled')).toBe(false);
    const failed = events.filter((e) => e.type === 'sign_in_failed').reduce((sum, e) => sum + e.count, 0);
    expect(failed).toBe(answers.filter((a) => a.status === 401).length);
  });

  it('exactly one refresh_reuse row when 10 concurrent refreshes of one token race', async () => {
    const username = await signUp();
    const token = await logIn(username);
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => send('/refresh', { method: 'POST', token })),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([200, ...Array(9).fill(401)]);
    const reader = await logIn(username);
    const reuse = (await allActivity(reader)).filter((e) => e.type === 'refresh_reuse');
    expect(reuse).toEqual([expect.objectContaining({ session_id: payloadOf(token).sid, count: 1 })]);
  });
});

describe('GET /activity', () => {
  it('pages newest first, 50 a page, across 120 events (many in the same second), none skipped or repeated', async () => {
    const username = await signUp();
    const token = await logIn(username);
    const userId = payloadOf(token).sub as string;
    const db = database(env.DB);
    const base = Math.floor(Date.now() / 1000) - 10_000;
    // Through the statement other routes (passkeys) add to their batches: ten events a second.
    const types: ActivityType[] = ['passkey_added', 'passkey_sign_in', 'passkey_removed'];
    await batch(
      db,
      Array.from({ length: 120 }, (_, i) =>
        activityInsert(db, {
          userId,
          type: types[i % 3] as ActivityType,
          at: base + Math.floor(i / 10),
          sessionId: null,
          device: `Device ${i}`,
          network: null,
        }),
      ),
    );
    const pages: { events: Event[]; next: string | null }[] = [];
    let cursor: string | undefined;
    do {
      const page = await activityPage(token, cursor);
      pages.push(page);
      cursor = page.next ?? undefined;
    } while (cursor !== undefined);
    // 122 events: sign-up, sign-in and the 120.
    expect(pages.map((page) => page.events.length)).toEqual([50, 50, 22]);
    const devices = pages.flatMap((page) => page.events.map((e) => e.device));
    expect(devices.slice(0, 2)).toEqual([null, null]);
    expect(devices.slice(2, 122)).toEqual(Array.from({ length: 120 }, (_, i) => `Device ${119 - i}`));
    const all = pages.flatMap((page) => page.events);
    expect(all.slice(0, 2).map((e) => e.type)).toEqual(['sign_in', 'sign_up']);
    all.slice(2).forEach((event, k) => {
      expect(event).toMatchObject({ type: types[(119 - k) % 3], at: base + Math.floor((119 - k) / 10) });
    });
  });

  it('a last full page is followed by an empty one', async () => {
    const username = await signUp();
    const token = await logIn(username);
    const userId = payloadOf(token).sub as string;
    const db = database(env.DB);
    const at = Math.floor(Date.now() / 1000) - 100;
    await batch(
      db,
      Array.from({ length: 48 }, () =>
        activityInsert(db, { userId, type: 'logout', at, device: null, network: null }),
      ),
    );
    const first = await activityPage(token);
    expect(first.events).toHaveLength(50);
    expect(first.next).not.toBeNull();
    expect(await activityPage(token, first.next as string)).toEqual({ events: [], next: null });
  });

  it('refuses a malformed cursor with a 400 problem', async () => {
    const username = await signUp();
    const token = await logIn(username);
    const notOurs = (text: string) =>
      btoa(text).replaceAll('=', '').replaceAll('+', '-').replaceAll('/', '_');
    for (const cursor of [
      '',
      'nope',
      'A'.repeat(300),
      notOurs('12.abc'),
      notOurs('x.1'),
      notOurs('1.2.3'),
      '%%',
    ]) {
      const response = await send(`/activity?cursor=${cursor}`, { token });
      const problem = await expectProblem(response, 400, 'invalid-request');
      expect(problem.detail).toBe('cursor is not one this API gave.');
    }
  });

  it('asks for a valid session like every authenticated route', async () => {
    await expectProblem(await send('/activity'), 401, 'invalid-token');
    const username = await signUp();
    const token = await logIn(username);
    expect((await send('/logout', { method: 'POST', token })).status).toBe(204);
    await expectProblem(await send('/activity', { token }), 401, 'invalid-token');
  });

  it('shows a caller only their own events, whatever cursor they send', async () => {
    const alice = await signUp();
    const bob = await signUp();
    const aliceToken = await logIn(alice);
    await post('/login', { username: alice, password: 'wrong' });
    const bobToken = await logIn(bob);
    const bobEvents = await allActivity(bobToken);
    expect(bobEvents.map((e) => e.type)).toEqual(['sign_in', 'sign_up']);
    expect(bobEvents[0]?.session_id).toBe(payloadOf(bobToken).sid);
    // Alice's newer events, and a cursor from her listing: it only moves Bob through his own.
    const aliceId = payloadOf(aliceToken).sub as string;
    const db = database(env.DB);
    const at = Math.floor(Date.now() / 1000) + 5;
    await batch(
      db,
      Array.from({ length: 60 }, () =>
        activityInsert(db, { userId: aliceId, type: 'logout', at, device: null, network: null }),
      ),
    );
    const alicePage = await activityPage(aliceToken);
    expect(alicePage.events).toHaveLength(50);
    expect(await allActivity(aliceToken)).toHaveLength(63);
    expect(await allActivity(bobToken)).toEqual(bobEvents);
    expect(await activityPage(bobToken, alicePage.next as string)).toEqual({ events: bobEvents, next: null });
  });

  it('marks the events of the asking session as current', async () => {
    const username = await signUp();
    const first = await logIn(username);
    const second = await logIn(username);
    const signIns = async (token: string) =>
      (await allActivity(token))
        .filter((e) => e.type === 'sign_in')
        .map(({ session_id, current }) => ({ session_id, current }));
    expect(await signIns(first)).toEqual([
      { session_id: payloadOf(second).sid, current: false },
      { session_id: payloadOf(first).sid, current: true },
    ]);
    expect(await signIns(second)).toEqual([
      { session_id: payloadOf(second).sid, current: true },
      { session_id: payloadOf(first).sid, current: false },
    ]);
  });

  it('keeps no network for a request without a readable address', async () => {
    const username = await signUp({ ip: 'not an address' });
    const token = await logIn(username, { ip: '::ffff:198.51.100.23' });
    const events = await allActivity(token);
    expect(events.map(({ type, network }) => ({ type, network }))).toEqual([
      { type: 'sign_in', network: '198.51.100.0/24' },
      { type: 'sign_up', network: null },
    ]);
  });
});

describe('writing never fails the action', () => {
  it('a log-in whose session never starts (the password changed during its check) records no sign-in', async () => {
    const username = await signUp();
    const token = await logIn(username);
    const userId = payloadOf(token).sub as string;
    const newHash = await hashPassword('the new passphrase here', 10_000);
    // The change lands inside the first password check; every check finishes after it.
    const original = crypto.subtle.deriveBits.bind(crypto.subtle);
    let changed: Promise<unknown> | undefined;
    vi.spyOn(crypto.subtle, 'deriveBits').mockImplementation(async (...args) => {
      changed ??= env.DB.prepare('UPDATE users SET password_hash = ? WHERE id = ?')
        .bind(newHash, userId)
        .run();
      await changed;
      return original(...args);
    });
    const logins = await Promise.all(
      Array.from({ length: 10 }, () => post('/login', { username, password: PASSWORD })),
    );
    expect(logins.map((r) => r.status)).toEqual(Array(10).fill(401));
    expect((await rowsOf(userId)).map((row) => row.type)).toEqual(['sign_up', 'sign_in']);
  });

  it('an event for an account that is gone inserts nothing, and its batch still succeeds', async () => {
    const db = database(env.DB);
    const ghost = crypto.randomUUID();
    await batch(db, [
      activityInsert(db, { userId: ghost, type: 'sign_in', at: 1, device: null, network: null }),
    ]);
    expect(await rowsOf(ghost)).toEqual([]);
  });

  it('a row that cannot be written after the response leaves the answer as it was, and the log says so', async () => {
    const username = await signUp();
    const token = await logIn(username);
    const userId = payloadOf(token).sub as string;
    // This account's rows cannot be written for the length of the test.
    const trigger = `activity_refuses_${userId.replaceAll('-', '')}`;
    await env.DB.prepare(
      `CREATE TRIGGER ${trigger} BEFORE INSERT ON activity WHEN NEW.user_id = '${userId}' BEGIN SELECT RAISE(ABORT, 'refused ${PASSWORD}'); END`,
    ).run();
    try {
      await expectProblem(await post('/login', { username, password: 'wrong' }), 401, 'invalid-credentials');
      const [line, ...more] = takeLogs({ event: 'activity_not_recorded' });
      expect(more).toEqual([]);
      expect(line).toMatchObject({ level: 'error', request_id: expect.any(String) });
      expect(JSON.stringify(line)).not.toContain(PASSWORD);
    } finally {
      await env.DB.prepare(`DROP TRIGGER ${trigger}`).run();
    }
  });
});

describe('retention and deletion', () => {
  const DAY = 86400;

  it('the nightly clean-up deletes activity past ACTIVITY_RETENTION_DAYS (90 by default), in bounded batches', async () => {
    const username = await signUp();
    const token = await logIn(username);
    const userId = payloadOf(token).sub as string;
    const db = database(env.DB);
    const now = Math.floor(Date.now() / 1000);
    // A backlog larger than one batch, 91 days old; one event 89 days old.
    const backlog = CLEANUP_BATCH * 2 + 300;
    const old = Array.from({ length: backlog }, () =>
      activityInsert(db, { userId, type: 'sign_in', at: now - 91 * DAY, device: null, network: null }),
    );
    for (let i = 0; i < old.length; i += 500) await batch(db, old.slice(i, i + 500));
    await batch(db, [
      activityInsert(db, { userId, type: 'logout', at: now - 89 * DAY, device: null, network: null }),
    ]);

    const deleted = await cleanUp(env as Bindings, () => now * 1000);
    expect(deleted.activity).toBeGreaterThanOrEqual(backlog);
    expect(takeLogs({ event: 'cleanup' })).toEqual([
      expect.objectContaining({ deleted_activity: deleted.activity }),
    ]);
    const types = (await allActivity(token)).map((e) => e.type);
    expect(types).toEqual(['sign_in', 'sign_up', 'logout']);

    // Two days on, by the clean-up's clock, the 89-day-old event is past 90 days too.
    await cleanUp(env as Bindings, () => (now + 2 * DAY) * 1000);
    takeLogs({ event: 'cleanup' });
    expect((await rowsOf(userId)).map((row) => row.type)).toEqual(['sign_up', 'sign_in']);
  });

  it('follows the setting, and keeps everything when the settings do not load', async () => {
    const username = await signUp();
    const token = await logIn(username);
    const userId = payloadOf(token).sub as string;
    const now = Math.floor(Date.now() / 1000);
    const weekLater = () => (now + 8 * DAY) * 1000;

    await cleanUp({ ...env, ACTIVITY_RETENTION_DAYS: 'ninety' } as Bindings, weekLater);
    expect(takeLogs({ event: 'config_invalid' })).toHaveLength(1);
    expect(takeLogs({ event: 'cleanup' })).toEqual([expect.objectContaining({ deleted_activity: null })]);
    expect(await rowsOf(userId)).toHaveLength(2);

    await cleanUp({ ...env, ACTIVITY_RETENTION_DAYS: '9' } as Bindings, weekLater);
    expect(await rowsOf(userId)).toHaveLength(2);
    await cleanUp({ ...env, ACTIVITY_RETENTION_DAYS: '7' } as Bindings, weekLater);
    expect(await rowsOf(userId)).toHaveLength(0);
    takeLogs({ event: 'cleanup' });
  });

  it('deleting the account deletes its activity', async () => {
    const username = await signUp();
    const token = await logIn(username);
    const userId = payloadOf(token).sub as string;
    await post('/login', { username, password: 'wrong' });
    expect(await rowsOf(userId)).toHaveLength(3);
    const response = await send('/account', {
      method: 'DELETE',
      token,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ password: PASSWORD }),
    });
    expect(response.status).toBe(204);
    expect(await rowsOf(userId)).toEqual([]);
  });
});
