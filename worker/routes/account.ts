// The caller's account: change the password, delete the account. Both re-check the password.

import { randomId } from '../auth/access-token';
import { hashPassword, verifyPassword } from '../auth/password';
import { newPasswordRefusal, normalizePassword, passwordInputProblem } from '../auth/password-policy';
import type { Settings } from '../config';
import { type Database, database } from '../db/client';
import {
  changePassword,
  deleteAccount,
  findLoginFailures,
  findUserById,
  isCommonPassword,
  recordLoginFailure,
} from '../db/queries';
import { readStringFields } from '../http/body';
import { type AppEnv, nowSeconds } from '../http/context';
import { Hono } from '../http/hono';
import { ipRateLimit } from '../http/ip-rate-limit';
import { ProblemError } from '../http/problem';
import { requireCurrentSession } from '../http/require-session';
import { tokenResponse } from '../http/token-response';

/**
 * The caller's user row when `password` is theirs; otherwise a ProblemError (401, 403 or 429). Wrong
 * passwords count against the name like failed log-ins, so a stolen token cannot be used to guess it.
 */
async function confirmPassword(db: Database, settings: Settings, userId: string, password: string) {
  const inputProblem = passwordInputProblem(password);
  if (inputProblem !== null) throw new ProblemError('invalid-request', inputProblem);
  const user = await findUserById(db, userId);
  if (user === undefined) throw new ProblemError('invalid-token');
  const now = nowSeconds();
  if (settings.throttling) {
    const failures = await findLoginFailures(db, user.usernameCanonical);
    if (failures !== undefined && failures.blockedUntil > now) {
      throw new ProblemError(
        'too-many-requests',
        'Too many wrong passwords for this account. Try again later.',
        {
          'Retry-After': String(failures.blockedUntil - now),
        },
      );
    }
  }
  const check = await verifyPassword(
    normalizePassword(password),
    user.passwordHash,
    settings.pbkdf2Iterations,
  );
  if (!check.ok) {
    if (settings.throttling)
      await recordLoginFailure(db, user.usernameCanonical, now, settings.loginThrottle);
    throw new ProblemError('wrong-password');
  }
  return user;
}

export const accountRoutes = new Hono<AppEnv>()
  .post('/password', requireCurrentSession, ipRateLimit, async (c) => {
    const settings = c.get('settings');
    const { claims } = c.get('caller');
    const fields = await readStringFields(c.req.raw, ['current_password', 'new_password']);
    const db = database(c.env.DB);
    const user = await confirmPassword(db, settings, claims.sub, fields.current_password);
    const refusal = await newPasswordRefusal(fields.new_password, user.usernameCanonical, (p) =>
      isCommonPassword(db, p),
    );
    if (refusal !== null) throw new ProblemError('invalid-request', refusal);
    const hash = await hashPassword(normalizePassword(fields.new_password), settings.pbkdf2Iterations);
    // Every token of the old password is out, the caller's too (a stolen copy of it included); the
    // caller continues in a new session, answered like a log-in.
    const now = nowSeconds();
    const session = {
      id: randomId(),
      userId: user.id,
      createdAt: now,
      expiresAt: now + settings.sessionLifetimeSeconds,
      userAgent: c.req.header('User-Agent')?.slice(0, 256) ?? null,
    };
    await changePassword(db, user.id, hash, session, now);
    c.get('sessionCheck').forget({ userId: user.id });
    const subject = { sub: user.id, sid: session.id, username: user.username, gen: 0 };
    return tokenResponse(c, settings, subject, session.expiresAt, now);
  })
  .delete('/account', requireCurrentSession, ipRateLimit, async (c) => {
    const { claims } = c.get('caller');
    const { password } = await readStringFields(c.req.raw, ['password']);
    const db = database(c.env.DB);
    const user = await confirmPassword(db, c.get('settings'), claims.sub, password);
    await deleteAccount(db, user.id, nowSeconds());
    c.get('sessionCheck').forget({ userId: user.id });
    return c.body(null, 204);
  });
