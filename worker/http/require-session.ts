// Guards every authenticated route: header → token (cached key, signature first) → session check
// (the isolate's cache within the revocation bound, or one D1 read: docs/session-check.md).
import { createMiddleware } from 'hono/factory';
import { readAccessToken, tokenFromAuthorization } from '../auth/access-token';
import { type Database, database } from '../db/client';
import { findSession, pollRevocations, revokeSession, touchSession } from '../db/queries';
import type { SessionStore } from '../session-check/session-check';
import type { AppEnv } from './context';
import { problem } from './problem';

/** `last_used_at` is refreshed at most this often, so reads do not all become writes. */
export const TOUCH_INTERVAL_SECONDS = 60;

const stores = new WeakMap<Database, SessionStore>();

function sessionStore(db: Database): SessionStore {
  let store = stores.get(db);
  if (store === undefined) {
    store = {
      read: (sessionId) => findSession(db, sessionId),
      poll: (after, limit) => pollRevocations(db, after, limit),
    };
    stores.set(db, store);
  }
  return store;
}

/**
 * `from`: the isolate's cache or the primary. `onReplacedToken`: what a token that a refresh has
 * replaced gets; on /refresh it is reuse of a one-time token, which ends the session (docs/security.md).
 */
function sessionGuard(from: 'cache' | 'primary', onReplacedToken: 'refuse' | 'end-session' = 'refuse') {
  return createMiddleware<AppEnv>(async (c, next) => {
    const settings = c.get('settings');
    const now = Math.floor(c.get('clock')() / 1000);
    const token = tokenFromAuthorization(c.req.header('Authorization'));
    const claims = token === null ? null : await readAccessToken(token, settings, now);
    // Every kind of failure gets the same 401, so a client learns nothing about why.
    if (claims === null) return problem('invalid-token');

    const db = database(c.env.DB);
    const background = (work: Promise<unknown>) => c.executionCtx.waitUntil(work);
    const store = sessionStore(db);
    const session =
      from === 'primary'
        ? await store.read(claims.sid)
        : await c.get('sessionCheck').find(store, claims.sid, claims.gen, background);
    if (
      session === undefined ||
      session.userId !== claims.sub ||
      session.revokedAt !== null ||
      session.expiresAt <= now
    ) {
      return problem('invalid-token');
    }
    if (session.generation !== claims.gen) {
      if (onReplacedToken === 'end-session' && claims.gen < session.generation) {
        await revokeSession(db, claims.sub, claims.sid, now);
        c.get('sessionCheck').forget({ sessionId: claims.sid });
      }
      return problem('invalid-token');
    }
    if (session.lastUsedAt === null || now - session.lastUsedAt >= TOUCH_INTERVAL_SECONDS) {
      // The cached facts carry the new time too, so this isolate writes once a minute, not per request.
      session.lastUsedAt = now;
      background(touchSession(db, claims.sid, now).catch(() => undefined));
    }
    c.set('caller', { claims, session });
    await next();
  });
}

/** For reads: the session from the isolate's cache, as of a revocation view within the bound. */
export const requireSession = sessionGuard('cache');

/**
 * For the routes that mint tokens or change credentials (refresh, password, account deletion): the
 * session as the primary has it now, so a just-revoked token cannot do them even within the bound.
 */
export const requireCurrentSession = sessionGuard('primary');

/** For /refresh: like requireCurrentSession, and a replaced token presented here ends its session. */
export const requireRefreshableSession = sessionGuard('primary', 'end-session');
