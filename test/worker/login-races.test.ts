// Log-ins racing a password change or an account deletion. A log-in reads the user, checks the password
// (PBKDF2, the slow part) and then starts its session: whatever happens to the account in between must
// stop it. The interleaving is made exact by changing the account from inside the password check.
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hashPassword } from '../../worker/auth/password';
import { getData, newAccount, PASSWORD, payloadOf, postCredentials, request } from './http';

afterEach(() => vi.restoreAllMocks());

const LOGINS = 20;

/** Runs `change` once, when the first password check starts, and lets every check finish after it. */
function duringPasswordChecks(change: () => Promise<unknown>) {
  const original = crypto.subtle.deriveBits.bind(crypto.subtle);
  let done: Promise<unknown> | undefined;
  vi.spyOn(crypto.subtle, 'deriveBits').mockImplementation(async (...args) => {
    done ??= change();
    await done;
    return original(...args);
  });
}

const sessionsOf = async (userId: string) =>
  (await env.DB.prepare(
    'SELECT count(*) AS total, count(*) FILTER (WHERE revoked_at IS NULL) AS active FROM sessions WHERE user_id = ?',
  )
    .bind(userId)
    .first<{ total: number; active: number }>()) ?? { total: 0, active: 0 };

function statuses(responses: Response[]) {
  const counts: Record<number, number> = {};
  for (const { status } of responses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

describe('a log-in racing a password change', () => {
  it(`${LOGINS} log-ins checking the old password while it changes: none completes`, async () => {
    const { username, token } = await newAccount();
    const userId = payloadOf(token).sub as string;
    const newHash = await hashPassword('the new passphrase here', 100_000);
    duringPasswordChecks(() =>
      env.DB.prepare('UPDATE users SET password_hash = ? WHERE id = ?').bind(newHash, userId).run(),
    );
    const responses = await Promise.all(
      Array.from({ length: LOGINS }, () => postCredentials('/login', username, PASSWORD)),
    );
    expect(statuses(responses)).toEqual({ 401: LOGINS });
    for (const response of responses) {
      expect(JSON.parse(await response.text()).type).toBe('/problems/invalid-credentials');
    }
    // Only the session of newAccount() exists; no log-in inserted one.
    expect(await sessionsOf(userId)).toEqual({ total: 1, active: 1 });
  });

  it(`${LOGINS} log-ins against a real POST /password: no token from the old password keeps working`, async () => {
    const { username, token } = await newAccount();
    const userId = payloadOf(token).sub as string;
    const [change, ...logins] = await Promise.all([
      request('/password', {
        method: 'POST',
        headers: { Authorization: token, 'Content-Type': 'application/json' },
        body: JSON.stringify({ current_password: PASSWORD, new_password: 'the new passphrase here' }),
      }),
      ...Array.from({ length: LOGINS }, () => postCredentials('/login', username, PASSWORD)),
    ]);
    expect(change?.status).toBe(200);
    for (const login of logins) {
      expect([200, 401]).toContain(login.status);
      if (login.status === 200) expect((await getData(await login.text())).status).toBe(401);
    }
    // The new session the change answered is the only one left active; the caller's old one ended.
    expect((await sessionsOf(userId)).active).toBe(1);
    expect((await getData(await (change as Response).text())).status).toBe(200);
    expect((await getData(token)).status).toBe(401);
  });
});

describe('a log-in racing the deletion of its account', () => {
  it(`${LOGINS} log-ins while the account is deleted: all 401, never 500, nothing left behind`, async () => {
    const { username, token } = await newAccount();
    const userId = payloadOf(token).sub as string;
    duringPasswordChecks(() =>
      env.DB.batch([
        env.DB.prepare('DELETE FROM sessions WHERE user_id = ?').bind(userId),
        env.DB.prepare('DELETE FROM users WHERE id = ?').bind(userId),
      ]),
    );
    const responses = await Promise.all(
      Array.from({ length: LOGINS }, () => postCredentials('/login', username, PASSWORD)),
    );
    expect(statuses(responses)).toEqual({ 401: LOGINS });
    expect(await sessionsOf(userId)).toEqual({ total: 0, active: 0 });
  });

  it(`${LOGINS} log-ins against a real DELETE /account: none fails with 5xx or outlives the account`, async () => {
    const { username, token } = await newAccount();
    const userId = payloadOf(token).sub as string;
    const [deletion, ...logins] = await Promise.all([
      request('/account', {
        method: 'DELETE',
        headers: { Authorization: token, 'Content-Type': 'application/json' },
        body: JSON.stringify({ password: PASSWORD }),
      }),
      ...Array.from({ length: LOGINS }, () => postCredentials('/login', username, PASSWORD)),
    ]);
    expect(deletion?.status).toBe(204);
    for (const login of logins) {
      expect([200, 401]).toContain(login.status);
      if (login.status === 200) expect((await getData(await login.text())).status).toBe(401);
    }
    expect(await sessionsOf(userId)).toEqual({ total: 0, active: 0 });
  });
});

/** Runs `change` once all `count` password checks have started, and lets them finish after it. */
function onceAllChecking(count: number, change: () => Promise<unknown>) {
  const original = crypto.subtle.deriveBits.bind(crypto.subtle);
  let arrived = 0;
  let release: () => void = () => undefined;
  const allArrived = new Promise<void>((resolve) => {
    release = resolve;
  });
  let done: Promise<unknown> | undefined;
  vi.spyOn(crypto.subtle, 'deriveBits').mockImplementation(async (...args) => {
    arrived++;
    if (arrived === count) release();
    await allArrived;
    done ??= change();
    await done;
    return original(...args);
  });
}

describe('a log-in racing a log-out everywhere', () => {
  it(`${LOGINS} log-ins that began before it: none keeps a session after it`, async () => {
    const { username, token } = await newAccount();
    const userId = payloadOf(token).sub as string;
    onceAllChecking(LOGINS, () =>
      request('/sessions', { method: 'DELETE', headers: { Authorization: token } }).then((response) =>
        expect(response.status).toBe(204),
      ),
    );
    const responses = await Promise.all(
      Array.from({ length: LOGINS }, () => postCredentials('/login', username, PASSWORD)),
    );
    expect(statuses(responses)).toEqual({ 401: LOGINS });
    expect((await sessionsOf(userId)).active).toBe(0);
    vi.restoreAllMocks();
    // A log-in that begins afterwards works as usual.
    expect((await postCredentials('/login', username, PASSWORD)).status).toBe(200);
  });
});
