// Sessions and account lifecycle: log-out, listing, ending sessions, refresh, password change,
// deletion, secret rotation and the nightly clean-up.
import { createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { nowSeconds as now } from '../../worker/clock';
import type { Bindings } from '../../worker/config';
import worker from '../../worker/index';
import {
  expectProblem,
  getData,
  newAccount,
  PASSWORD,
  payloadOf,
  postCredentials,
  request,
  requestWith,
  uniqueName,
} from './http';

function authed(path: string, token: string, init: RequestInit = {}) {
  return request(path, { ...init, headers: { Authorization: `Bearer ${token}`, ...init.headers } });
}

function jsonBody(method: string, body: unknown): RequestInit {
  return { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
}

async function loginAgain(username: string, userAgent: string, password = PASSWORD): Promise<string> {
  const response = await request('/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': userAgent },
    body: new URLSearchParams({ username, password }).toString(),
  });
  expect(response.status).toBe(200);
  return response.text();
}

describe('POST /logout', () => {
  it('ends the session of the presented token at once', async () => {
    const { token } = await newAccount();
    expect((await authed('/logout', token, { method: 'POST' })).status).toBe(204);
    await expectProblem(await getData(token), 401, 'invalid-token');
    await expectProblem(await authed('/logout', token, { method: 'POST' }), 401, 'invalid-token');
  });
});

describe('GET /sessions and DELETE /sessions', () => {
  it('lists the caller’s active sessions, marking the current one', async () => {
    const { username, token: first } = await newAccount();
    const second = await loginAgain(username, 'Mozilla/5.0 (Android 15) Chrome/142');
    const response = await authed('/sessions', second);
    expect(response.status).toBe(200);
    expect(response.headers.get('Cache-Control')).toContain('no-store');
    const { sessions } = (await response.json()) as { sessions: Record<string, unknown>[] };
    expect(sessions).toHaveLength(2);
    const current = sessions.find((s) => s.current === true);
    expect(current).toMatchObject({
      id: payloadOf(second).sid,
      user_agent: 'Mozilla/5.0 (Android 15) Chrome/142',
    });
    expect(sessions.find((s) => s.current === false)).toMatchObject({ id: payloadOf(first).sid });
    for (const session of sessions) {
      expect(Object.keys(session).sort()).toEqual([
        'created_at',
        'current',
        'expires_at',
        'id',
        'last_used_at',
        'user_agent',
      ]);
    }
  });

  it('ends one of the caller’s sessions; another user’s id is 404 and stays active', async () => {
    const alice = await newAccount();
    const aliceLaptop = await loginAgain(alice.username, 'laptop');
    const bob = await newAccount();
    expect(
      (await authed(`/sessions/${payloadOf(aliceLaptop).sid}`, alice.token, { method: 'DELETE' })).status,
    ).toBe(204);
    await expectProblem(await getData(aliceLaptop), 401, 'invalid-token');
    expect((await getData(alice.token)).status).toBe(200);

    await expectProblem(
      await authed(`/sessions/${payloadOf(bob.token).sid}`, alice.token, { method: 'DELETE' }),
      404,
      'not-found',
    );
    await expectProblem(
      await authed('/sessions/no-such-session', alice.token, { method: 'DELETE' }),
      404,
      'not-found',
    );
    expect((await getData(bob.token)).status).toBe(200);
  });

  it('logs out everywhere', async () => {
    const { username, token } = await newAccount();
    const other = await loginAgain(username, 'phone');
    expect((await authed('/sessions', token, { method: 'DELETE' })).status).toBe(204);
    await expectProblem(await getData(token), 401, 'invalid-token');
    await expectProblem(await getData(other), 401, 'invalid-token');
  });

  it('needs a valid token', async () => {
    await expectProblem(await request('/sessions'), 401, 'invalid-token');
    await expectProblem(await request('/sessions', { method: 'DELETE' }), 401, 'invalid-token');
  });
});

describe('POST /refresh', () => {
  it('issues a new token for the same session, as text or as a token response', async () => {
    const { token } = await newAccount();
    const text = await authed('/refresh', token, { method: 'POST' });
    expect(text.status).toBe(200);
    expect(text.headers.get('Cache-Control')).toBe('no-store');
    const fresh = await text.text();
    expect(fresh).not.toBe(token);
    expect(payloadOf(fresh).sid).toBe(payloadOf(token).sid);
    expect((await getData(fresh)).status).toBe(200);

    const json = await authed('/refresh', fresh, { method: 'POST', headers: { Accept: 'application/json' } });
    expect(await json.json()).toMatchObject({ token_type: 'Bearer', expires_in: 15 * 86400 });
  });

  it('never extends a session past its absolute lifetime', async () => {
    const { token } = await newAccount();
    const sid = payloadOf(token).sid as string;
    const end = now() + 120;
    await env.DB.prepare('UPDATE sessions SET expires_at = ? WHERE id = ?').bind(end, sid).run();
    const capped = await (await authed('/refresh', token, { method: 'POST' })).text();
    expect(payloadOf(capped).exp).toBe(end);

    await env.DB.prepare('UPDATE sessions SET expires_at = ? WHERE id = ?')
      .bind(now() - 1, sid)
      .run();
    await expectProblem(await authed('/refresh', capped, { method: 'POST' }), 401, 'invalid-token');
  });

  it('stops working for an ended session', async () => {
    const { token } = await newAccount();
    await authed('/logout', token, { method: 'POST' });
    await expectProblem(await authed('/refresh', token, { method: 'POST' }), 401, 'invalid-token');
  });
});

describe('POST /password', () => {
  it('changes the password, ends every session, the caller’s too, and answers a new session’s token', async () => {
    const { username, token } = await newAccount();
    const other = await loginAgain(username, 'stolen phone');
    const change = await authed(
      '/password',
      token,
      jsonBody('POST', { current_password: PASSWORD, new_password: 'a brand new passphrase' }),
    );
    expect(change.status).toBe(200);
    expect(change.headers.get('Cache-Control')).toBe('no-store');
    const fresh = await change.text();
    expect(payloadOf(fresh).sid).not.toBe(payloadOf(token).sid);
    expect((await getData(fresh)).status).toBe(200);
    await expectProblem(await getData(token), 401, 'invalid-token');
    await expectProblem(await getData(other), 401, 'invalid-token');
    expect((await postCredentials('/login', username, PASSWORD)).status).toBe(401);
    expect((await postCredentials('/login', username, 'a brand new passphrase')).status).toBe(200);

    const json = await authed('/password', fresh, {
      ...jsonBody('POST', {
        current_password: 'a brand new passphrase',
        new_password: 'yet another passphrase',
      }),
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    });
    expect(await json.json()).toMatchObject({ token_type: 'Bearer', expires_in: 15 * 86400, username });
  });

  it('refuses a wrong current password (403) and a weak new one (400), changing nothing', async () => {
    const { username, token } = await newAccount();
    const other = await loginAgain(username, 'tablet');
    await expectProblem(
      await authed(
        '/password',
        token,
        jsonBody('POST', { current_password: 'not it at all', new_password: 'a brand new passphrase' }),
      ),
      403,
      'wrong-password',
    );
    for (const weak of ['short', 'password123', `${username}-secret`]) {
      const problem = await expectProblem(
        await authed(
          '/password',
          token,
          jsonBody('POST', { current_password: PASSWORD, new_password: weak }),
        ),
        400,
        'invalid-request',
      );
      expect(problem.detail).toBeTruthy();
    }
    expect((await getData(other)).status).toBe(200);
    expect((await postCredentials('/login', username, PASSWORD)).status).toBe(200);
  });
});

describe('DELETE /account', () => {
  it('deletes the user and every session at once; the name becomes free', async () => {
    const { username, token } = await newAccount();
    const other = await loginAgain(username, 'second device');
    await expectProblem(
      await authed('/account', token, jsonBody('DELETE', { password: 'wrong password!' })),
      403,
      'wrong-password',
    );
    expect((await getData(token)).status).toBe(200);

    expect((await authed('/account', token, jsonBody('DELETE', { password: PASSWORD }))).status).toBe(204);
    await expectProblem(await getData(token), 401, 'invalid-token');
    await expectProblem(await getData(other), 401, 'invalid-token');
    expect((await postCredentials('/login', username, PASSWORD)).status).toBe(401);
    const { count } = (await env.DB.prepare('SELECT count(*) AS count FROM sessions WHERE id IN (?, ?)')
      .bind(payloadOf(token).sid, payloadOf(other).sid)
      .first()) as { count: number };
    expect(count).toBe(0);
    expect((await postCredentials('/signup', username, 'someone else entirely')).status).toBe(201);
  });
});

describe('secret rotation', () => {
  it('verifies tokens of a previous secret until they expire; signs new ones with the current secret', async () => {
    const { username, token: oldToken } = await newAccount();
    const current = 'rotated-secret-ZYXWVUTSRQPONMLKJIHGFEDCBA-987654321';
    const rotated = { ...env, JWT_SECRET: `${current},${env.JWT_SECRET}` } as Bindings;
    expect((await requestWith(rotated, '/data', { headers: { Authorization: oldToken } })).status).toBe(200);

    const login = await requestWith(rotated, '/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username, password: PASSWORD }).toString(),
    });
    const newToken = await login.text();
    const kid = (t: string) =>
      JSON.parse(atob((t.split('.')[0] as string).replaceAll('-', '+').replaceAll('_', '/'))).kid;
    expect(kid(newToken)).not.toBe(kid(oldToken));
    expect((await requestWith(rotated, '/data', { headers: { Authorization: newToken } })).status).toBe(200);

    const retired = { ...env, JWT_SECRET: current } as Bindings;
    expect((await requestWith(retired, '/data', { headers: { Authorization: oldToken } })).status).toBe(401);
    expect((await requestWith(retired, '/data', { headers: { Authorization: newToken } })).status).toBe(200);
  });
});

describe('scheduled clean-up', () => {
  it('deletes expired and revoked sessions and stale failure counts, and keeps active ones', async () => {
    const { token } = await newAccount();
    const userId = payloadOf(token).sub as string;
    const t = now();
    const expired = uniqueName('expired');
    const revoked = uniqueName('revoked');
    await env.DB.batch([
      env.DB.prepare('INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)').bind(
        expired,
        userId,
        t - 100,
        t - 1,
      ),
      env.DB.prepare(
        'INSERT INTO sessions (id, user_id, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?)',
      ).bind(revoked, userId, t - 100, t + 1000, t - 5),
      env.DB.prepare('INSERT INTO login_failures VALUES (?, 3, ?, 0)').bind(`${expired}-name`, t - 2 * 86400),
      env.DB.prepare('INSERT INTO login_failures VALUES (?, 3, ?, 0)').bind(`${revoked}-name`, t - 60),
    ]);
    await worker.scheduled(
      createScheduledController({ scheduledTime: Date.now(), cron: '17 3 * * *' }),
      env as Bindings,
    );

    const ids = (
      await env.DB.prepare('SELECT id FROM sessions WHERE user_id = ?').bind(userId).all()
    ).results.map((r) => r.id);
    expect(ids).toEqual([payloadOf(token).sid]);
    const names = (
      await env.DB.prepare('SELECT username_canonical FROM login_failures WHERE username_canonical IN (?, ?)')
        .bind(`${expired}-name`, `${revoked}-name`)
        .all()
    ).results.map((r) => r.username_canonical);
    expect(names).toEqual([`${revoked}-name`]);
    expect((await getData(token)).status).toBe(200);
  });
});
