// GET /data: the protected resource of the tutorial.

import type { AppEnv } from '../http/context';
import { Hono } from '../http/hono';
import { wantsJson } from '../http/negotiate';
import { requireSession } from '../http/require-session';

export const dataRoutes = new Hono<AppEnv>().get('/data', requireSession, (c) => {
  const { claims, session } = c.get('caller');
  const ends = new Date(session.expiresAt * 1000).toISOString();
  const message = `This is your secret data: only a valid, unrevoked token can read it. Your session ends ${ends}.`;
  const headers = { 'Cache-Control': 'no-store' };
  if (wantsJson(c)) {
    return c.json(
      { username: claims.username, data: message, session_expires_at: session.expiresAt },
      200,
      headers,
    );
  }
  return c.text(message, 200, headers);
});
