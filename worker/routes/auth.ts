// POST /signup and POST /login: the tutorial's contract (SPEC §2), plain text or JSON by Accept.

import { randomId } from '../auth/access-token';
import { hashPassword, verifyPassword } from '../auth/password';
import { newPasswordRefusal, normalizePassword, passwordInputProblem } from '../auth/password-policy';
import { parseUsername } from '../auth/username';
import { database } from '../db/client';
import {
  findLoginState,
  insertUser,
  isCommonPassword,
  recordLoginFailure,
  startSession,
} from '../db/queries';
import { readStringFields } from '../http/body';
import { type AppEnv, nowSeconds } from '../http/context';
import { Hono } from '../http/hono';
import { ipRateLimit, ipThrottle } from '../http/ip-rate-limit';
import { wantsJson } from '../http/negotiate';
import { ProblemError, problem } from '../http/problem';
import { tokenResponse } from '../http/token-response';

function validUsername(input: string) {
  const name = parseUsername(input);
  if (!name.ok) throw new ProblemError('invalid-request', name.reason);
  return name;
}

export const authRoutes = new Hono<AppEnv>()
  .post('/signup', ipRateLimit, async (c) => {
    const settings = c.get('settings');
    const { username, password } = await readStringFields(c.req.raw, ['username', 'password']);
    const name = validUsername(username);
    const db = database(c.env.DB);
    const refusal = await newPasswordRefusal(password, name.canonical, (p) => isCommonPassword(db, p));
    if (refusal !== null) throw new ProblemError('invalid-request', refusal);

    const createdAt = nowSeconds();
    const inserted = await insertUser(db, {
      id: crypto.randomUUID(),
      username: name.display,
      usernameCanonical: name.canonical,
      passwordHash: await hashPassword(normalizePassword(password), settings.pbkdf2Iterations),
      createdAt,
    });
    if (!inserted) return problem('username-taken');
    if (wantsJson(c)) return c.json({ username: name.display, created_at: createdAt }, 201);
    return c.text('Created', 201);
  })
  .post('/login', async (c) => {
    const settings = c.get('settings');
    // The per-IP answer travels while the body is read and the name looked up; nothing is hashed
    // before it has said yes.
    const ipRefusal = ipThrottle(c);
    const { username, password } = await readStringFields(c.req.raw, ['username', 'password']);
    const name = validUsername(username);
    const inputProblem = passwordInputProblem(password);
    if (inputProblem !== null) throw new ProblemError('invalid-request', inputProblem);

    const db = database(c.env.DB);
    const now = nowSeconds();
    const [refusal, { failures, user }] = await Promise.all([
      ipRefusal,
      findLoginState(db, name.canonical, settings.throttling),
    ]);
    if (refusal !== null) return refusal;
    // Refused before any hashing, and the same for names that do not exist.
    if (failures !== undefined && failures.blockedUntil > now) {
      c.set('throttled', 'account');
      return problem('too-many-requests', 'Too many failed log-ins for this name. Try again later.', {
        'Retry-After': String(failures.blockedUntil - now),
      });
    }

    const normalized = normalizePassword(password);
    // An unknown name is checked against a dummy hash: same work, same answer as a wrong password.
    const check = await verifyPassword(
      normalized,
      user?.passwordHash ?? settings.dummyPasswordHash,
      settings.pbkdf2Iterations,
    );
    if (user === undefined || !check.ok) {
      if (settings.throttling) await recordLoginFailure(db, name.canonical, now, settings.loginThrottle);
      return problem('invalid-credentials');
    }

    const sessionId = randomId();
    const sessionExpiresAt = now + settings.sessionLifetimeSeconds;
    const upgradedHash = check.needsRehash
      ? await hashPassword(normalized, settings.pbkdf2Iterations)
      : undefined;
    await startSession(
      db,
      {
        id: sessionId,
        userId: user.id,
        createdAt: now,
        expiresAt: sessionExpiresAt,
        userAgent: c.req.header('User-Agent')?.slice(0, 256) ?? null,
      },
      { upgradedHash, clearFailuresOf: failures === undefined ? undefined : name.canonical },
    );
    return tokenResponse(
      c,
      settings,
      { sub: user.id, sid: sessionId, username: user.username, gen: 0 },
      sessionExpiresAt,
      now,
    );
  });
