// GET /activity: what happened to the caller's account, newest first (docs/activity.md).

import { listActivity } from '../db/activity';
import { database } from '../db/client';
import { ACTIVITY_PAGE_SIZE, encodeActivityCursor, readActivityCursor } from '../http/activity-cursor';
import { type AppEnv, NO_STORE } from '../http/context';
import { Hono } from '../http/hono';
import { requireSession } from '../http/require-session';

export const activityRoutes = new Hono<AppEnv>().get('/activity', requireSession, async (c) => {
  const { claims } = c.get('caller');
  const after = readActivityCursor(c.req.query('cursor'));
  const rows = await listActivity(database(c.env.DB), claims.sub, { limit: ACTIVITY_PAGE_SIZE, after });
  const last = rows.at(-1);
  // A full page may have more after it; the next request tells (an empty page, `next` null).
  const next = rows.length === ACTIVITY_PAGE_SIZE && last !== undefined ? encodeActivityCursor(last) : null;
  const events = rows.map((row) => ({
    type: row.type,
    at: row.at,
    count: row.count,
    device: row.device,
    network: row.network,
    session_id: row.sessionId,
    current: row.sessionId === claims.sid,
  }));
  return c.json({ events, next }, 200, NO_STORE);
});
