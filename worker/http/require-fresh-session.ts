// The fresh-session rule (docs/passkeys.md): adding or deleting a passkey needs a session signed in
// (with a password or a passkey) within FRESH_SESSION_SECONDS. A refresh keeps the session's sign-in
// time, so a token kept alive for weeks is not enough: a stolen one cannot add the thief's passkey.
// Runs after requireCurrentSession.
import { createMiddleware } from 'hono/factory';
import { database } from '../db/client';
import { sessionStartedAt } from '../db/queries';
import type { AppEnv } from './context';
import { problem } from './problem';

export const FRESH_SESSION_SECONDS = 10 * 60;

export const requireFreshSession = createMiddleware<AppEnv>(async (c, next) => {
  const now = Math.floor(c.get('clock')() / 1000);
  const startedAt = await sessionStartedAt(database(c.env.DB), c.get('caller').claims.sid);
  if (startedAt === undefined) return problem('invalid-token');
  if (now - startedAt > FRESH_SESSION_SECONDS) {
    return problem(
      'reauthentication-required',
      'Adding or deleting a passkey needs a recent sign-in. Log in again, then retry.',
    );
  }
  await next();
});
