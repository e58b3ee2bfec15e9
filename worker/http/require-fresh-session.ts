// The fresh-session rule (docs/passkeys.md): adding or deleting a passkey needs a session signed in
// (with a password or a passkey) within FRESH_SESSION_SECONDS. A refresh keeps the session's sign-in
// time, so a token kept alive for weeks is not enough: a stolen one cannot add the thief's passkey.
// Runs after requireCurrentSession, whose read of the session from the primary carries its sign-in time.
import { createMiddleware } from 'hono/factory';
import { secondsBy } from '../clock';
import type { AppEnv } from './context';
import { problem } from './problem';

export const FRESH_SESSION_SECONDS = 10 * 60;

export const requireFreshSession = createMiddleware<AppEnv>(async (c, next) => {
  if (secondsBy(c.get('clock')) - c.get('caller').session.createdAt > FRESH_SESSION_SECONDS) {
    return problem(
      'reauthentication-required',
      'Adding or deleting a passkey needs a recent sign-in. Log in again, then retry.',
    );
  }
  await next();
});
