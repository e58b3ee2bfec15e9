// Guards every authenticated route: header → token (cached key, signature first) → one session read.
import { createMiddleware } from 'hono/factory';
import { readAccessToken, tokenFromAuthorization } from '../auth/access-token';
import { database } from '../db/client';
import { findSession, touchSession } from '../db/queries';
import { type AppEnv, nowSeconds } from './context';
import { problem } from './problem';

/** `last_used_at` is refreshed at most this often, so reads do not all become writes. */
export const TOUCH_INTERVAL_SECONDS = 60;

export const requireSession = createMiddleware<AppEnv>(async (c, next) => {
  const settings = c.get('settings');
  const now = nowSeconds();
  const token = tokenFromAuthorization(c.req.header('Authorization'));
  const claims = token === null ? null : await readAccessToken(token, settings, now);
  // Every kind of failure gets the same 401, so a client learns nothing about why.
  if (claims === null) return problem('invalid-token');

  const db = database(c.env.DB);
  const session = await findSession(db, claims.sid);
  if (
    session === undefined ||
    session.userId !== claims.sub ||
    session.revokedAt !== null ||
    session.expiresAt <= now
  ) {
    return problem('invalid-token');
  }
  if (session.lastUsedAt === null || now - session.lastUsedAt >= TOUCH_INTERVAL_SECONDS) {
    c.executionCtx.waitUntil(touchSession(db, claims.sid, now).catch(() => undefined));
  }
  c.set('caller', { claims, session });
  await next();
});
