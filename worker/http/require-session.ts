// Guards every authenticated route: header → token (cached key, signature first) → session check
// (the isolate's cache within the revocation bound, or one D1 read: docs/session-check.md).
import { createMiddleware } from 'hono/factory';
import { readAccessToken, tokenFromAuthorization } from '../auth/access-token';
import { secondsBy } from '../clock';
import { type Database, database } from '../db/client';
import { findSession, pollRevocations, touchSession } from '../db/queries';
import type { SessionStore } from '../session-check/session-check';
import type { AppEnv } from './context';
import { problem } from './problem';

/** `last_used_at` is refreshed at most this often, so reads do not all become writes. */
const TOUCH_INTERVAL_SECONDS = 60;

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
 * `from`: the isolate's cache or the primary. `checkGeneration`: only a token of the session's current
 * generation passes; /refresh leaves that to its conditional advance, which also ends the session when
 * a replaced token is presented (docs/security.md).
 */
function sessionGuard(from: 'cache' | 'primary', checkGeneration = true) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const settings = c.get('settings');
    const now = secondsBy(c.get('clock'));
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
    if (checkGeneration && session.generation !== claims.gen) return problem('invalid-token');
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

/** For /refresh: like requireCurrentSession, with the generation left to the refresh itself. */
export const requireRefreshableSession = sessionGuard('primary', false);
