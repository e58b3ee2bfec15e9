// Forged tokens at the unit level: verifyJwt, readAccessToken and tokenFromAuthorization, with the
// settings the Worker would build from its environment. Complements worker/auth/jwt.test.ts.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { readAccessToken, tokenFromAuthorization } from '../../../worker/auth/access-token';
import { createKeyring, MAX_TOKEN_LENGTH, signJwt, verifyJwt } from '../../../worker/auth/jwt';
import { type Bindings, loadSettings, type Settings } from '../../../worker/config';
import { type Base, controls, type Forgery, forgeries } from './forgeries';
import { b64, forge, segmentsOf } from './harness';

const SECRET = 'adversarial-unit-secret-0123456789-abcdefghijklmnop';
const OLD_SECRET = 'adversarial-old-secret-ZYXWVUTSRQPONMLKJIHGFEDCBA-98765';

async function settingsFor(secrets: string): Promise<Settings> {
  const result = await loadSettings({ ...env, JWT_SECRET: secrets } as unknown as Bindings);
  if (!result.ok) throw new Error(result.error);
  return result.settings;
}

const now = Math.floor(Date.now() / 1000);
const claims = { username: 'alice', sub: 'user-1', sid: 'session-1', jti: 'j', iat: now, exp: now + 3600 };

let settings: Settings;
let base: Base;
let catalogue: Forgery[];

const verify = (token: string, s = settings) =>
  verifyJwt(token, s.keyring, { now, leeway: s.leewaySeconds, issuer: s.issuer, audience: s.audience });

beforeAll(async () => {
  settings = await settingsFor(SECRET);
  base = {
    header: settings.keyring.current.header,
    kid: settings.keyring.current.kid,
    claims,
    secret: SECRET,
    now,
  };
  catalogue = await forgeries(base);
});

describe('verifyJwt and readAccessToken against the forgery catalogue', () => {
  it('accept the controls, so every refusal below is about the forgery', async () => {
    for (const { label, token } of await controls(base)) {
      expect(await verify(token), label).not.toBeNull();
      expect(await readAccessToken(token, settings, now), label).toMatchObject({
        sub: 'user-1',
        sid: 'session-1',
      });
    }
  });

  it('refuse every forgery, never throwing', async () => {
    expect(catalogue.length).toBeGreaterThan(150);
    for (const { label, token, claimsLayer } of catalogue) {
      expect(await readAccessToken(token, settings, now), label).toBeNull();
      if (!claimsLayer) expect(await verify(token), label).toBeNull();
    }
  });

  it('refuse a well-formed token with surrounding or inner white space (trimming is the header parser’s job)', async () => {
    const token = await signJwt(claims, settings.keyring);
    expect(await verify(token)).not.toBeNull();
    for (const spaced of [` ${token}`, `${token} `, `${token}\n`, `\t${token}`, token.replace('.', ' .')]) {
      expect(await verify(spaced), JSON.stringify(spaced.slice(0, 3))).toBeNull();
    }
  });

  it('accept the longest token up to MAX_TOKEN_LENGTH characters and refuse the shortest above it', async () => {
    // base64url grows by one or two characters per byte, so pad a claim and keep both sides of the limit.
    let longestAccepted = '';
    let shortestRefused = '';
    for (let pad = Math.floor(((MAX_TOKEN_LENGTH - 400) * 3) / 4); shortestRefused === ''; pad++) {
      const token = await signJwt({ ...claims, pad: 'x'.repeat(pad) }, settings.keyring);
      if (token.length <= MAX_TOKEN_LENGTH) longestAccepted = token;
      else shortestRefused = token;
    }
    expect(longestAccepted.length).toBeGreaterThanOrEqual(MAX_TOKEN_LENGTH - 1);
    expect(shortestRefused.length).toBeLessThanOrEqual(MAX_TOKEN_LENGTH + 2);
    expect(await verify(longestAccepted)).not.toBeNull();
    expect(await verify(shortestRefused)).toBeNull();
  });

  it('picks the key by the exact header: a previous secret’s header with the current secret’s signature is refused', async () => {
    const rotated = await settingsFor(`${SECRET},${OLD_SECRET}`);
    const oldSettings = await settingsFor(OLD_SECRET);
    const oldHeader = oldSettings.keyring.current.header;
    const newHeader = rotated.keyring.current.header;
    expect(oldHeader).not.toBe(newHeader);
    const payload = b64(claims);
    // Each header with its own secret: both accepted after rotation.
    expect(await verify(await forge(newHeader, payload, SECRET), rotated)).not.toBeNull();
    expect(await verify(await forge(oldHeader, payload, OLD_SECRET), rotated)).not.toBeNull();
    // Crossed: refused.
    expect(await verify(await forge(oldHeader, payload, SECRET), rotated)).toBeNull();
    expect(await verify(await forge(newHeader, payload, OLD_SECRET), rotated)).toBeNull();
  });

  it('does not accept a token issued for another keyring that happens to share our header text', async () => {
    // The header names a kid derived from the secret: another secret can never produce our header,
    // and a token carrying our header but signed elsewhere fails the HMAC.
    const other = await createKeyring([OLD_SECRET]);
    const foreign = await signJwt(claims, other);
    const [, payload, signature] = segmentsOf(foreign);
    expect(await verify(`${base.header}.${payload}.${signature}`)).toBeNull();
  });
});

describe('tokenFromAuthorization', () => {
  const token = 'aaa.bbb.ccc';

  it('reads the raw token and the Bearer scheme in any case, with any spaces around', () => {
    for (const header of [
      token,
      `Bearer ${token}`,
      `bearer ${token}`,
      `bEaReR ${token}`,
      `Bearer     ${token}`,
      `  Bearer ${token}  `,
      `\t${token}\t`,
    ]) {
      expect(tokenFromAuthorization(header), JSON.stringify(header)).toBe(token);
    }
  });

  it('refuses every other form', () => {
    for (const header of [
      null,
      undefined,
      '',
      ' ',
      '\t',
      'Bearer',
      'Bearer ',
      `Bearer Bearer ${token}`,
      `Bearer ${token} ${token}`,
      `${token} ${token}`,
      `${token}, ${token}`,
      `Bearer ${token}, Bearer ${token}`,
      `Basic ${token}`,
      `Token ${token}`,
      `JWT ${token}`,
      `Digest ${token}`,
      `Bearer: ${token}`,
      `Bearer, ${token}`,
      `${token} Bearer`,
      `Bearer\t${token}`,
      `Bearer=${token}`,
      `"${token}"`,
    ]) {
      const result = tokenFromAuthorization(header);
      // Nothing, or (for a header without a space) the whole value, which is then not a token.
      if (result !== null) expect(result, JSON.stringify(header)).not.toBe(token);
      if (typeof header === 'string' && header.trim().includes(' '))
        expect(result, JSON.stringify(header)).toBeNull();
    }
  });
});
