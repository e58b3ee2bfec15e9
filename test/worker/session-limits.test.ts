// How many sessions an account keeps, how GET /sessions pages them, and the nightly clean-up's
// bounded batches.
import { createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { nowSeconds } from '../../worker/clock';
import type { Bindings } from '../../worker/config';
import { CLEANUP_BATCH, MAX_SESSIONS_PER_ACCOUNT } from '../../worker/db/queries';
import worker from '../../worker/index';
import { expectProblem, getData, newAccount, PASSWORD, payloadOf, postCredentials, request } from './http';

const authed = (path: string, token: string) => request(path, { headers: { Authorization: token } });

async function logIn(username: string): Promise<string> {
  const response = await postCredentials('/login', username, PASSWORD);
  expect(response.status).toBe(200);
  return response.text();
}

describe('sessions per account', () => {
  it(`keeps at most ${MAX_SESSIONS_PER_ACCOUNT}: a log-in past the cap ends the oldest`, async () => {
    const { username, token: first } = await newAccount();
    const tokens = [first];
    for (let i = 1; i < MAX_SESSIONS_PER_ACCOUNT + 2; i++) tokens.push(await logIn(username));
    await expectProblem(await getData(tokens[0]), 401, 'invalid-token');
    await expectProblem(await getData(tokens[1]), 401, 'invalid-token');
    for (const token of tokens.slice(2)) expect((await getData(token)).status).toBe(200);
    const { count } = (await env.DB.prepare(
      'SELECT count(*) AS count FROM sessions WHERE user_id = ? AND revoked_at IS NULL',
    )
      .bind(payloadOf(first).sub)
      .first()) as { count: number };
    expect(count).toBe(MAX_SESSIONS_PER_ACCOUNT);
  }, 60_000);
});

describe('GET /sessions pages', () => {
  it('follows `next` through every session once, newest sign-in first, and ends with null', async () => {
    const { username, token } = await newAccount();
    const others = [];
    for (let i = 0; i < 4; i++) others.push(await logIn(username));
    const seen: string[] = [];
    let path = '/sessions?limit=2';
    const sizes = [];
    for (;;) {
      const response = await authed(path, token);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { sessions: { id: string }[]; next: string | null };
      sizes.push(body.sessions.length);
      seen.push(...body.sessions.map((session) => session.id));
      if (body.next === null) break;
      path = `/sessions?limit=2&cursor=${encodeURIComponent(body.next)}`;
    }
    expect(sizes).toEqual([2, 2, 1]);
    const all = [token, ...others].map((each) => payloadOf(each).sid as string);
    expect([...seen].sort()).toEqual([...all].sort());
    // One page of the default size holds them all, and says there is no other.
    const whole = (await (await authed('/sessions', token)).json()) as { sessions: unknown[]; next: null };
    expect(whole.sessions).toHaveLength(5);
    expect(whole.next).toBeNull();
  });

  it('refuses a malformed limit or cursor with 400', async () => {
    const { token } = await newAccount();
    for (const query of [
      'limit=0',
      'limit=51',
      'limit=abc',
      'cursor=nope',
      'cursor=',
      `cursor=${'A'.repeat(300)}`,
    ]) {
      await expectProblem(await authed(`/sessions?${query}`, token), 400, 'invalid-request');
    }
  });
});

describe('the nightly clean-up', () => {
  it('deletes a backlog larger than one batch, in batches, and keeps active sessions', async () => {
    const { token } = await newAccount();
    const userId = payloadOf(token).sub as string;
    const now = nowSeconds();
    const insert = env.DB.prepare(
      'INSERT INTO sessions (id, user_id, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?)',
    );
    const backlog = CLEANUP_BATCH * 2 + 300;
    const rows = Array.from({ length: backlog }, (_, i) =>
      insert.bind(`ended-${now}-${i}`, userId, now - 100, now + 1000, now - 5),
    );
    for (let i = 0; i < rows.length; i += 500) await env.DB.batch(rows.slice(i, i + 500));

    await worker.scheduled(
      createScheduledController({ scheduledTime: Date.now(), cron: '17 3 * * *' }),
      env as Bindings,
    );
    const { count } = (await env.DB.prepare('SELECT count(*) AS count FROM sessions WHERE user_id = ?')
      .bind(userId)
      .first()) as { count: number };
    expect(count).toBe(1);
    expect((await getData(token)).status).toBe(200);
  });
});
