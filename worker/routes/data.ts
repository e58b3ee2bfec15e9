// GET /data: the protected resource. Hot path: header → token (cached key) → one session read.
import { Hono } from 'hono';
import { readAccessToken, tokenFromAuthorization } from '../auth/access-token';
import { database } from '../db/client';
import { findSession, touchSession } from '../db/queries';
import { type AppEnv, BEARER_CHALLENGE, nowSeconds } from '../http/context';
import { wantsJson } from '../http/negotiate';
import { problem } from '../http/problem';

/** `last_used_at` is refreshed at most this often, so reads do not all become writes. */
const TOUCH_INTERVAL_SECONDS = 60;

export const dataRoutes = new Hono<AppEnv>().get('/data', async (c) => {
  const settings = c.get('settings');
  const now = nowSeconds();
  const token = tokenFromAuthorization(c.req.header('Authorization'));
  const claims = token === null ? null : await readAccessToken(token, settings, now);
  // Every kind of failure gets the same 401, so a client learns nothing about why.
  if (claims === null) return problem('invalid-token', undefined, BEARER_CHALLENGE);

  const db = database(c.env.DB);
  const session = await findSession(db, claims.sid);
  if (
    session === undefined ||
    session.userId !== claims.sub ||
    session.revokedAt !== null ||
    session.expiresAt <= now
  ) {
    return problem('invalid-token', undefined, BEARER_CHALLENGE);
  }
  if (session.lastUsedAt === null || now - session.lastUsedAt >= TOUCH_INTERVAL_SECONDS) {
    c.executionCtx.waitUntil(touchSession(db, claims.sid, now).catch(() => undefined));
  }

  const message = `This is your secret data: only a valid, unrevoked token can read it. Your session ends ${new Date(session.expiresAt * 1000).toISOString()}.`;
  const headers = { 'Cache-Control': 'no-store' };
  if (wantsJson(c))
    return c.json(
      { username: claims.username, data: message, session_expires_at: session.expiresAt },
      200,
      headers,
    );
  return c.text(message, 200, headers);
});
