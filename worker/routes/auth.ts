// POST /signup and POST /login: the tutorial's contract (SPEC §2), plain text or JSON by Accept.
import { Hono } from 'hono';
import { issueAccessToken, randomId } from '../auth/access-token';
import { hashPassword, verifyPassword } from '../auth/password';
import { newPasswordProblem, normalizePassword, passwordInputProblem } from '../auth/password-policy';
import { parseUsername } from '../auth/username';
import { database } from '../db/client';
import { findUserByCanonicalName, insertUser, startSession } from '../db/queries';
import { readStringFields } from '../http/body';
import { type AppEnv, BEARER_CHALLENGE, nowSeconds } from '../http/context';
import { wantsJson } from '../http/negotiate';
import { ProblemError, problem } from '../http/problem';

const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

function validUsername(input: string) {
  const name = parseUsername(input);
  if (!name.ok) throw new ProblemError('invalid-request', name.reason);
  return name;
}

export const authRoutes = new Hono<AppEnv>()
  .post('/signup', async (c) => {
    const settings = c.get('settings');
    const { username, password } = await readStringFields(c.req.raw, ['username', 'password']);
    const name = validUsername(username);
    const passwordProblem = newPasswordProblem(password, name.canonical);
    if (passwordProblem !== null) throw new ProblemError('invalid-request', passwordProblem);

    const createdAt = nowSeconds();
    const inserted = await insertUser(database(c.env.DB), {
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
    const { username, password } = await readStringFields(c.req.raw, ['username', 'password']);
    const name = validUsername(username);
    const inputProblem = passwordInputProblem(password);
    if (inputProblem !== null) throw new ProblemError('invalid-request', inputProblem);

    const db = database(c.env.DB);
    const user = await findUserByCanonicalName(db, name.canonical);
    const normalized = normalizePassword(password);
    // An unknown name is checked against a dummy hash: same work, same answer as a wrong password.
    const check = await verifyPassword(
      normalized,
      user?.passwordHash ?? settings.dummyPasswordHash,
      settings.pbkdf2Iterations,
    );
    if (user === undefined || !check.ok) return problem('invalid-credentials', undefined, BEARER_CHALLENGE);

    const now = nowSeconds();
    const expiresAt = now + settings.tokenTtlSeconds;
    const sessionId = randomId();
    const upgradedHash = check.needsRehash
      ? await hashPassword(normalized, settings.pbkdf2Iterations)
      : undefined;
    await startSession(
      db,
      {
        id: sessionId,
        userId: user.id,
        createdAt: now,
        expiresAt,
        userAgent: c.req.header('User-Agent')?.slice(0, 256) ?? null,
      },
      upgradedHash,
    );
    const token = await issueAccessToken(
      settings,
      { userId: user.id, sessionId, username: user.username },
      now,
      expiresAt,
    );

    if (wantsJson(c)) {
      // The shape of an OAuth 2 token response (RFC 6749 §5.1).
      return c.json(
        { access_token: token, token_type: 'Bearer', expires_in: expiresAt - now, username: user.username },
        200,
        NO_STORE,
      );
    }
    // The tutorial's client stores the whole body as the token: nothing but the token, no newline.
    return c.text(token, 200, NO_STORE);
  });
