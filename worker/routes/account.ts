// The caller's account: change the password, delete the account. Both re-check the password.

import type { Context } from 'hono';
import * as v from 'valibot';
import { sessionSource } from '../auth/login-throttle';
import { hashPassword, verifyPassword } from '../auth/password';
import { newPasswordRefusal, normalizePassword, passwordInputProblem } from '../auth/password-policy';
import { randomId } from '../auth/random-id';
import { nowSeconds } from '../clock';
import { database } from '../db/client';
import { changePassword, deleteAccount, findUserById, isCommonPassword } from '../db/queries';
import { releaseAttempt, reserveAttempt } from '../db/throttle';
import { activityOrigin, countAttemptAfterResponse } from '../http/activity';
import { attemptRefused } from '../http/attempt-refusal';
import { readFields } from '../http/body';
import type { AppEnv, Caller } from '../http/context';
import { Hono } from '../http/hono';
import { ipRateLimit } from '../http/ip-rate-limit';
import { ProblemError } from '../http/problem';
import { requireCurrentSession } from '../http/require-session';
import { tokenResponse } from '../http/token-response';

/** The bodies of the two routes (worker/http/body.ts); described for clients in account.openapi.ts. */
export const PasswordChangeBody = v.object({ current_password: v.string(), new_password: v.string() });
export const AccountDeletionBody = v.object({ password: v.string() });

/**
 * The caller's user row when `password` is theirs; otherwise a ProblemError (401, 403 or 429). Wrong
 * passwords count against the caller's session and the name like failed log-ins, so a stolen token
 * cannot be used to guess the password; a stranger's failed log-ins never block the owner here.
 */
async function confirmPassword(c: Context<AppEnv>, caller: Caller, password: string) {
  const settings = c.get('settings');
  const inputProblem = passwordInputProblem(password);
  if (inputProblem !== null) throw new ProblemError('invalid-request', inputProblem);
  const db = database(c.env.DB);
  const user = await findUserById(db, caller.claims.sub);
  if (user === undefined) throw new ProblemError('invalid-token');
  const now = nowSeconds();
  const reservation = settings.throttling
    ? await reserveAttempt(
        db,
        user.usernameCanonical,
        sessionSource(caller.claims.sid, user.id),
        now,
        settings,
      )
    : null;
  // In the account's activity, counted per session (docs/activity.md).
  const attempt = { userId: user.id, at: now, sessionId: caller.claims.sid };
  if (reservation !== null && !reservation.ok) {
    countAttemptAfterResponse(c, db, { ...attempt, type: 'sign_in_throttled' });
    throw attemptRefused(c, reservation);
  }
  const check = await verifyPassword(
    normalizePassword(password),
    user.passwordHash,
    settings.pbkdf2Iterations,
  );
  // A failure was counted by the throttle before the check.
  if (!check.ok) {
    countAttemptAfterResponse(c, db, { ...attempt, type: 'sign_in_failed' });
    throw new ProblemError('wrong-password');
  }
  if (reservation?.ok) await releaseAttempt(db, reservation.attempt);
  return user;
}

export const accountRoutes = new Hono<AppEnv>()
  .post('/password', requireCurrentSession, ipRateLimit, async (c) => {
    const settings = c.get('settings');
    const caller = c.get('caller');
    const fields = await readFields(c.req.raw, PasswordChangeBody);
    const db = database(c.env.DB);
    const user = await confirmPassword(c, caller, fields.current_password);
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
    await changePassword(db, user.id, hash, session, now, activityOrigin(c));
    c.get('sessionCheck').forget({ userId: user.id });
    const subject = { sub: user.id, sid: session.id, username: user.username, gen: 0 };
    return tokenResponse(c, settings, subject, session.expiresAt, now);
  })
  .delete('/account', requireCurrentSession, ipRateLimit, async (c) => {
    const { password } = await readFields(c.req.raw, AccountDeletionBody);
    const user = await confirmPassword(c, c.get('caller'), password);
    await deleteAccount(database(c.env.DB), user.id, nowSeconds());
    c.get('sessionCheck').forget({ userId: user.id });
    return c.body(null, 204);
  });
