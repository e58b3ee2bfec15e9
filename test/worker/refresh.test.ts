// POST /refresh is one-time: each refresh replaces the token, a replaced token stops working, and
// presenting one to /refresh again is reuse, which ends the session (docs/security.md).
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../worker/app';
import type { Bindings } from '../../worker/config';
import { expectProblem, getData, newAccount, payloadOf, request, requestApp } from './http';

const refresh = (token: string) => request('/refresh', { method: 'POST', headers: { Authorization: token } });

describe('POST /refresh', () => {
  it('replaces the token: the old one is refused at once, the new one works', async () => {
    const { token } = await newAccount();
    const response = await refresh(token);
    expect(response.status).toBe(200);
    const fresh = await response.text();
    expect(payloadOf(fresh)).toMatchObject({ sid: payloadOf(token).sid, gen: 1 });
    await expectProblem(await getData(token), 401, 'invalid-token');
    expect((await getData(fresh)).status).toBe(200);
  });

  it('treats a replaced token presented again as reuse and ends the whole session', async () => {
    const { token } = await newAccount();
    const fresh = await (await refresh(token)).text();
    await expectProblem(await refresh(token), 401, 'invalid-token');
    await expectProblem(await getData(fresh), 401, 'invalid-token');
    await expectProblem(await refresh(fresh), 401, 'invalid-token');
    const row = await env.DB.prepare('SELECT revoked_at FROM sessions WHERE id = ?')
      .bind(payloadOf(token).sid)
      .first<{ revoked_at: number | null }>();
    expect(row?.revoked_at).not.toBeNull();
  });

  it('lets exactly one of 10 concurrent refreshes of one token succeed', async () => {
    const { token } = await newAccount();
    const responses = await Promise.all(Array.from({ length: 10 }, () => refresh(token)));
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([200, ...Array(9).fill(401)]);
    // The nine others presented a token replaced under them: reuse, so the session is over.
    const winner = await (responses.find((response) => response.status === 200) as Response).text();
    await expectProblem(await getData(winner), 401, 'invalid-token');
  });

  it('a token refreshed on one instance works at once on another that had cached the session', async () => {
    const [a, b] = [createApp(), createApp()];
    const send = (app: ReturnType<typeof createApp>, path: string, init: RequestInit) =>
      requestApp(app, env as Bindings, path, init);
    const { token } = await newAccount();
    for (let i = 0; i < 2; i++) {
      expect((await send(b, '/data', { headers: { Authorization: token } })).status).toBe(200);
    }
    const fresh = await (
      await send(a, '/refresh', { method: 'POST', headers: { Authorization: token } })
    ).text();
    expect((await send(b, '/data', { headers: { Authorization: fresh } })).status).toBe(200);
    // b has read the session again, so it knows the old token is replaced.
    expect((await send(b, '/data', { headers: { Authorization: token } })).status).toBe(401);
  });

  it('property: only the newest token of a live session works; reuse ends the session for good', async () => {
    type Step = { kind: 'refresh' | 'data'; pick: number };
    const step = fc.record({ kind: fc.constantFrom('refresh' as const, 'data' as const), pick: fc.nat() });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps: Step[]) => {
        const { token } = await newAccount();
        const tokens = [token];
        let current = 0;
        let alive = true;
        for (const { kind, pick } of steps) {
          const index = pick % tokens.length;
          const presented = tokens[index] as string;
          if (kind === 'data') {
            const ok = alive && index === current;
            expect((await getData(presented)).status).toBe(ok ? 200 : 401);
            continue;
          }
          const response = await refresh(presented);
          if (alive && index === current) {
            expect(response.status).toBe(200);
            tokens.push(await response.text());
            current = tokens.length - 1;
          } else {
            expect(response.status).toBe(401);
            alive = false;
          }
        }
      }),
      { numRuns: 30 },
    );
  }, 60_000);
});
