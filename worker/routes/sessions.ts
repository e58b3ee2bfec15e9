// Sessions of the caller: log out, list, end one or all, refresh the token (revocation: docs/session-check.md).

import { nowSeconds } from '../clock';
import { database } from '../db/client';
import { advanceGeneration, listActiveSessions, revokeAllSessions, revokeSession } from '../db/queries';
import { activityOrigin } from '../http/activity';
import { type AppEnv, NO_STORE } from '../http/context';
import { Hono } from '../http/hono';
import { problem } from '../http/problem';
import { requireRefreshableSession, requireSession } from '../http/require-session';
import { encodeSessionCursor, readSessionPage } from '../http/session-cursor';
import { tokenResponse } from '../http/token-response';

/** Session ids are 22 base64url characters; anything else cannot name one. */
export const SESSION_ID = /^[A-Za-z0-9_-]{1,64}$/;

export const sessionRoutes = new Hono<AppEnv>()
  .post('/logout', requireSession, async (c) => {
    const { claims } = c.get('caller');
    await revokeSession(database(c.env.DB), claims.sub, claims.sid, nowSeconds(), {
      type: 'logout',
      ...activityOrigin(c),
    });
    c.get('sessionCheck').forget({ sessionId: claims.sid });
    return c.body(null, 204);
  })
  .post('/refresh', requireRefreshableSession, async (c) => {
    const { claims, session } = c.get('caller');
    const db = database(c.env.DB);
    const now = nowSeconds();
    // One-time: only the token of the session's current generation moves it on. Any other (replaced
    // earlier, or while this ran by a concurrent refresh) is reuse, so the session ends
    // (docs/security.md).
    const advanced = await advanceGeneration(
      db,
      { userId: claims.sub, sessionId: claims.sid, from: claims.gen },
      now,
    );
    if (!advanced) {
      await revokeSession(db, claims.sub, claims.sid, now, { type: 'refresh_reuse', ...activityOrigin(c) });
    }
    c.get('sessionCheck').forget({ sessionId: claims.sid });
    if (!advanced) return problem('invalid-token');
    // Same session, next generation, new expiry — never past the session's absolute end.
    const next = { ...claims, gen: claims.gen + 1 };
    return tokenResponse(c, c.get('settings'), next, session.expiresAt, now);
  })
  .get('/sessions', requireSession, async (c) => {
    const { claims } = c.get('caller');
    const page = readSessionPage(c.req.query('limit'), c.req.query('cursor'));
    const rows = await listActiveSessions(database(c.env.DB), claims.sub, nowSeconds(), page);
    const last = rows.at(-1);
    // A full page may have more after it; the next request tells (an empty page, `next` null).
    const next = rows.length === page.limit && last !== undefined ? encodeSessionCursor(last) : null;
    const list = rows.map((row) => ({
      id: row.id,
      created_at: row.createdAt,
      last_used_at: row.lastUsedAt,
      expires_at: row.expiresAt,
      user_agent: row.userAgent,
      current: row.id === claims.sid,
    }));
    return c.json({ sessions: list, next }, 200, NO_STORE);
  })
  .delete('/sessions', requireSession, async (c) => {
    const { sub: userId, sid } = c.get('caller').claims;
    await revokeAllSessions(database(c.env.DB), userId, nowSeconds(), {
      sessionId: sid,
      ...activityOrigin(c),
    });
    c.get('sessionCheck').forget({ userId });
    return c.body(null, 204);
  })
  .delete('/sessions/:id', requireSession, async (c) => {
    const id = c.req.param('id');
    const { claims } = c.get('caller');
    // Another person's session id is indistinguishable from one that does not exist.
    const ended =
      SESSION_ID.test(id) &&
      (await revokeSession(database(c.env.DB), claims.sub, id, nowSeconds(), {
        type: 'session_ended',
        ...activityOrigin(c),
      }));
    if (!ended) return problem('not-found', 'You have no active session with that id.');
    c.get('sessionCheck').forget({ sessionId: id });
    return c.body(null, 204);
  });
