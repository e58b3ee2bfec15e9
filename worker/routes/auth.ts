// POST /signup and POST /login: the tutorial's contract (docs/contract.md §2), plain text or JSON by Accept.

import * as v from 'valibot';
import { issueDeviceToken, readDeviceToken } from '../auth/device-token';
import { deviceSource, GLOBAL_WINDOW_SECONDS, networkSource, windowStart } from '../auth/login-throttle';
import { hashPassword, verifyPassword } from '../auth/password';
import { newPasswordRefusal, normalizePassword, passwordInputProblem } from '../auth/password-policy';
import { parseUsername } from '../auth/username';
import { mixedScriptProblem } from '../auth/username-script';
import { nowSeconds } from '../clock';
import { database } from '../db/client';
import { beginLogin, insertUser, isCommonPassword } from '../db/queries';
import { reserveSignup } from '../db/throttle';
import { activityOrigin, countAttemptAfterResponse } from '../http/activity';
import { attemptRefused } from '../http/attempt-refusal';
import { readFields } from '../http/body';
import { clientNetwork } from '../http/client-network';
import type { AppEnv } from '../http/context';
import { Hono } from '../http/hono';
import { ipRateLimit, ipThrottle } from '../http/ip-rate-limit';
import { wantsJson } from '../http/negotiate';
import { ProblemError, problem } from '../http/problem';
import { signIn } from '../http/sign-in';

/** The bodies of the two routes (worker/http/body.ts); described for clients in auth.openapi.ts. */
export const SignupBody = v.object({ username: v.string(), password: v.string() });
export const LoginBody = v.object({
  username: v.string(),
  password: v.string(),
  device_token: v.optional(v.string()),
});

function validUsername(input: string) {
  const name = parseUsername(input);
  if (!name.ok) throw new ProblemError('invalid-request', name.reason);
  return name;
}

export const authRoutes = new Hono<AppEnv>()
  .post('/signup', ipRateLimit, async (c) => {
    const settings = c.get('settings');
    const { username, password } = await readFields(c.req.raw, SignupBody);
    const name = validUsername(username);
    // New names only: accounts made before this rule keep logging in.
    const scriptProblem = mixedScriptProblem(name.canonical);
    if (scriptProblem !== null) throw new ProblemError('invalid-request', scriptProblem);
    const db = database(c.env.DB);
    const createdAt = nowSeconds();
    // Across all clients, so a flood from many addresses cannot make us hash without end. Counted
    // while the password rules are checked; a refused password has used its slot.
    const [refusal, reserved] = await Promise.all([
      newPasswordRefusal(password, name.canonical, (p) => isCommonPassword(db, p)),
      !settings.throttling || reserveSignup(db, createdAt, settings.globalLimits.signupsPerMinute),
    ]);
    if (refusal !== null) throw new ProblemError('invalid-request', refusal);
    if (!reserved) {
      c.set('throttled', 'global');
      return problem('too-many-requests', 'Too many sign-ups right now. Try again in a minute.', {
        'Retry-After': String(windowStart(createdAt) + GLOBAL_WINDOW_SECONDS - createdAt),
      });
    }

    const inserted = await insertUser(
      db,
      {
        id: crypto.randomUUID(),
        username: name.display,
        usernameCanonical: name.canonical,
        passwordHash: await hashPassword(normalizePassword(password), settings.pbkdf2Iterations),
        createdAt,
      },
      activityOrigin(c),
    );
    if (!inserted) return problem('username-taken');
    if (wantsJson(c)) return c.json({ username: name.display, created_at: createdAt }, 201);
    return c.text('Created', 201);
  })
  .post('/login', async (c) => {
    const settings = c.get('settings');
    // The per-network answer travels while the body is read; nothing is counted or hashed before it
    // has said yes.
    const ipRefusal = ipThrottle(c);
    const fields = await readFields(c.req.raw, LoginBody);
    const { username, password } = fields;
    const name = validUsername(username);
    const inputProblem = passwordInputProblem(password);
    if (inputProblem !== null) throw new ProblemError('invalid-request', inputProblem);

    const refusal = await ipRefusal;
    if (refusal !== null) return refusal;

    const db = database(c.env.DB);
    const now = nowSeconds();
    // A device that has logged in to this name before is counted on its own, not with its network.
    const device =
      fields.device_token === undefined || fields.device_token === ''
        ? null
        : await readDeviceToken(fields.device_token, settings.deviceKeyring, now);
    const source =
      device !== null && device.name === name.canonical
        ? deviceSource(device.did, device.sub)
        : networkSource(clientNetwork(c));
    const { user, reservation, feedHead } = await beginLogin(
      db,
      name.canonical,
      settings.throttling ? { source, now, limits: settings } : null,
    );
    // Refused before any hashing, and the same for names that do not exist. The account's activity
    // counts refusals that concern it; the cap across all clients does not (docs/activity.md).
    if (reservation !== null && !reservation.ok) {
      if (reservation.blockedBy !== 'global') {
        countAttemptAfterResponse(c, db, { userId: user?.id ?? '', type: 'sign_in_throttled', at: now });
      }
      throw attemptRefused(c, reservation);
    }

    const normalized = normalizePassword(password);
    // An unknown name is checked against a dummy hash: same work, same answer as a wrong password.
    // The throttle counted the attempt before the check; the account's activity counts a failure
    // after the response.
    const check = await verifyPassword(
      normalized,
      user?.passwordHash ?? settings.dummyPasswordHash,
      settings.pbkdf2Iterations,
    );
    if (user === undefined || !check.ok) {
      // An unknown name is counted too, against no account (the statement matches no row): the same
      // work after either answer, so the time of a wrong password does not tell that the name exists.
      countAttemptAfterResponse(c, db, { userId: user?.id ?? '', type: 'sign_in_failed', at: now });
      return problem('invalid-credentials');
    }

    const upgradedHash = check.needsRehash
      ? await hashPassword(normalized, settings.pbkdf2Iterations)
      : undefined;
    return signIn(c, db, {
      user,
      proof: { passwordHash: user.passwordHash, upgradedHash },
      activity: 'sign_in',
      attempt: reservation?.ok ? reservation.attempt : undefined,
      feedHead,
      now,
      refusal: 'invalid-credentials',
      // Asked for by sending the field (empty for a first one); JSON answers only, so the tutorial's
      // client, which takes the whole body as its token, never sees one.
      extra:
        fields.device_token !== undefined && wantsJson(c)
          ? async () => ({
              device_token: await issueDeviceToken(
                settings.deviceKeyring,
                { sub: user.id, name: name.canonical },
                device?.did,
                now,
              ),
            })
          : undefined,
    });
  });
