// The sign-up race (docs/contract.md §4): N simultaneous sign-ups of one name, in look-alike spellings and both
// encodings, give exactly one 201 and N-1 409, and every spelling then logs in to the one account.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { canonicalUsername, parseUsername } from '../../../worker/auth/username';
import { claimsOf, credentials, freshName, freshPassword } from './harness';

const fullwidth = (text: string) =>
  [...text]
    .map((c) => (c >= '!' && c <= '~' ? String.fromCodePoint((c.codePointAt(0) as number) + 0xfee0) : c))
    .join('');

describe('concurrent sign-ups', () => {
  it('of one name in 8 look-alike spellings, 24 at once: exactly one 201, 23 409, one row', async () => {
    const t = Math.random().toString(36).slice(2, 8);
    const T = t.toUpperCase();
    const spellings = [
      `k\u00E5ra${t}`, // composed å
      `ka\u030Ara${t}`, // decomposed
      `\u212A\u00E5ra${t}`, // Kelvin sign
      `K\u212BRA${T}`, // Ångström sign, upper case
      fullwidth(`K\u00C5RA${T}`),
      `  K\u00C5ra${t} `,
      `KA\u030ARA${T}`,
      `k\u00E5RA${t}\u00A0`,
    ];
    const canonical = new Set(spellings.map((s) => (parseUsername(s) as { canonical: string }).canonical));
    expect(canonical.size).toBe(1);

    const passwords = Array.from({ length: 24 }, () => freshPassword());
    const responses = await Promise.all(
      passwords.map((password, i) =>
        credentials('/signup', spellings[i % spellings.length] as string, password, i % 3 === 0),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(
      statuses.filter((s) => s === 201),
      statuses.join(','),
    ).toHaveLength(1);
    expect(
      statuses.filter((s) => s === 409),
      statuses.join(','),
    ).toHaveLength(23);

    const row = await env.DB.prepare('SELECT count(*) AS n FROM users WHERE username_canonical = ?')
      .bind([...canonical][0])
      .first<{ n: number }>();
    expect(row?.n).toBe(1);

    // The winner's password opens the account from every spelling; the losers' passwords open nothing.
    const winner = statuses.indexOf(201);
    const password = passwords[winner] as string;
    const subs = new Set<unknown>();
    for (const spelling of spellings) {
      const login = await credentials('/login', spelling, password);
      expect(login.status, spelling).toBe(200);
      subs.add(claimsOf(login.text).sub);
    }
    expect(subs.size).toBe(1);
    const loser = passwords[(winner + 1) % passwords.length] as string;
    expect((await credentials('/login', spellings[0] as string, loser)).status).toBe(401);
  });

  it('of different names at once all succeed: the race guard refuses only real collisions', async () => {
    const names = Array.from({ length: 8 }, () => freshName('par'));
    const password = freshPassword();
    const responses = await Promise.all(names.map((name) => credentials('/signup', name, password)));
    expect(responses.map((r) => r.status)).toEqual(names.map(() => 201));
    for (const name of names) {
      const row = await env.DB.prepare('SELECT count(*) AS n FROM users WHERE username_canonical = ?')
        .bind(canonicalUsername(name))
        .first<{ n: number }>();
      expect(row?.n, name).toBe(1);
    }
  });

  it('of a name and its case variants, raced against log-ins of it, never lets a log-in through a losing password', async () => {
    const name = freshName('mix');
    const passwords = Array.from({ length: 6 }, () => freshPassword());
    const results = await Promise.all([
      ...passwords.map((password, i) => credentials('/signup', i % 2 ? name : name.toUpperCase(), password)),
      ...passwords.map((password) => credentials('/login', name, password)),
    ]);
    const signups = results.slice(0, passwords.length).map((r) => r.status);
    expect(signups.filter((s) => s === 201)).toHaveLength(1);
    const winner = signups.indexOf(201);
    results.slice(passwords.length).forEach((login, i) => {
      // A log-in may lose the race to the sign-up (401), but only the winner's password can ever work.
      if (i === winner) expect([200, 401]).toContain(login.status);
      else expect(login.status, `password ${i}`).toBe(401);
    });
  });
});
