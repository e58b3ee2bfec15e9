import { describe, expect, it } from 'vitest';
import { decodeBase64url, encodeBase64url } from './base64url';
import { asciiJson, createKeyring, MAX_TOKEN_LENGTH, signJwt, type VerifyOptions, verifyJwt } from './jwt';

const SECRET = 'jwt-test-secret-abcdefghijklmnopqrstuvwxyz-0123456789';
const OTHER_SECRET = 'another-secret-ABCDEFGHIJKLMNOPQRSTUVWXYZ-9876543210';
const NOW = 1_800_000_000;
const options: VerifyOptions = { now: NOW, leeway: 30 };
const utf8 = new TextEncoder();

const keyring = await createKeyring([SECRET]);
const b64 = (value: unknown) =>
  encodeBase64url(utf8.encode(typeof value === 'string' ? value : JSON.stringify(value)));

/** Signs arbitrary header/payload segments with an HMAC of the given hash, as an attacker with the secret could. */
async function forge(header: string, payload: string, secret = SECRET, hash = 'SHA-256'): Promise<string> {
  const key = await crypto.subtle.importKey('raw', utf8.encode(secret), { name: 'HMAC', hash }, false, [
    'sign',
  ]);
  const signature = await crypto.subtle.sign('HMAC', key, utf8.encode(`${header}.${payload}`));
  return `${header}.${payload}.${encodeBase64url(new Uint8Array(signature))}`;
}

const ourHeader = () => keyring.current.header;
const validClaims = { sub: 'user-1', sid: 'session-1', username: 'alice', iat: NOW, exp: NOW + 3600 };

describe('signJwt / verifyJwt', () => {
  it('round-trips a payload', async () => {
    const token = await signJwt(validClaims, keyring);
    expect(await verifyJwt(token, keyring, options)).toEqual(validClaims);
  });

  it('writes the header docs/contract.md §3 asks for, with a key id', async () => {
    const token = await signJwt(validClaims, keyring);
    const header = JSON.parse(
      new TextDecoder().decode(decodeBase64url(token.split('.')[0] as string) as Uint8Array),
    );
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT', kid: keyring.current.kid });
  });

  it('writes a pure-ASCII payload that still decodes to the original text', async () => {
    const token = await signJwt({ ...validClaims, username: 'josé 🦊 Ωmega' }, keyring);
    const bytes = decodeBase64url(token.split('.')[1] as string) as Uint8Array;
    expect(bytes.every((byte) => byte < 0x80)).toBe(true);
    expect(JSON.parse(new TextDecoder().decode(bytes)).username).toBe('josé 🦊 Ωmega');
    expect(asciiJson('é')).toBe('"\\u00e9"');
  });

  it('verifies tokens signed with a previous secret after rotation, and signs with the current one', async () => {
    const old = await signJwt(validClaims, keyring);
    const rotated = await createKeyring([OTHER_SECRET, SECRET]);
    expect(await verifyJwt(old, rotated, options)).toEqual(validClaims);
    const fresh = await signJwt(validClaims, rotated);
    expect(await verifyJwt(fresh, rotated, options)).toEqual(validClaims);
    expect(await verifyJwt(fresh, keyring, options)).toBeNull();
  });
});

describe('verifyJwt rejects', () => {
  const reject = async (token: string, opts = options) =>
    expect(await verifyJwt(token, keyring, opts)).toBeNull();

  it('a token signed with another secret', async () => {
    await reject(await signJwt(validClaims, await createKeyring([OTHER_SECRET])));
    await reject(await forge(ourHeader(), b64(validClaims), OTHER_SECRET));
  });

  it('a tampered payload or signature', async () => {
    const token = await signJwt(validClaims, keyring);
    const [header, , signature] = token.split('.') as [string, string, string];
    await reject(`${header}.${b64({ ...validClaims, username: 'mallory' })}.${signature}`);
    const flipped = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    await reject(`${header}.${token.split('.')[1]}.${flipped}`);
  });

  it('alg none in every spelling, and other algorithms even when signed with our secret', async () => {
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
      const header = b64({ alg, typ: 'JWT' });
      await reject(`${header}.${b64(validClaims)}.`);
      await reject(`${header}.${b64(validClaims)}`);
    }
    await reject(await forge(b64({ alg: 'HS512', typ: 'JWT' }), b64(validClaims), SECRET, 'SHA-512'));
    await reject(await forge(b64({ alg: 'HS384', typ: 'JWT' }), b64(validClaims), SECRET, 'SHA-384'));
    // A header we never issue, even if it claims HS256 and is correctly signed.
    await reject(await forge(b64({ alg: 'HS256', typ: 'JWT' }), b64(validClaims)));
    await reject(
      await forge(
        b64({ alg: 'HS256', typ: 'JWT', kid: keyring.current.kid, crit: ['b64'], b64: false }),
        b64(validClaims),
      ),
    );
  });

  it('stripped, blank, truncated or over-long signatures', async () => {
    const token = await signJwt(validClaims, keyring);
    const withoutSignature = token.slice(0, token.lastIndexOf('.'));
    await reject(withoutSignature);
    await reject(`${withoutSignature}.`);
    await reject(token.slice(0, -2));
    await reject(`${token}AA`);
  });

  it('non-canonical base64url in any segment', async () => {
    const token = await signJwt(validClaims, keyring);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    await reject(`${header}.${payload}=.${signature}`);
    await reject(`${header}.${payload}.${signature}=`);
    // The standard alphabet's + and / are not base64url.
    await reject(`${header}.${payload}.+${signature.slice(1)}`);
    await reject(`${header}.${payload}.${signature.slice(0, -2)}/${signature.slice(-1)}`);
    // The signature's last character carries unused bits; a variant with them set decodes to the same bytes.
    const last = signature.at(-1) as string;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) + 1] as string;
    await reject(`${header}.${payload}.${signature.slice(0, -1)}${sibling}`);
  });

  it('a missing, expired, non-numeric or infinite exp', async () => {
    const { exp: _, ...withoutExp } = validClaims;
    await reject(await forge(ourHeader(), b64(withoutExp)));
    await reject(await forge(ourHeader(), b64({ ...validClaims, exp: NOW - 31 })));
    await reject(await forge(ourHeader(), b64({ ...validClaims, exp: String(NOW + 3600) })));
    await reject(await forge(ourHeader(), b64(`{"sub":"user-1","sid":"s","username":"a","exp":1e400}`)));
    await reject(await forge(ourHeader(), b64({ ...validClaims, exp: null })));
  });

  it('accepts exp within the leeway, and refuses it just past', async () => {
    const token = await forge(ourHeader(), b64({ ...validClaims, iat: NOW - 100, exp: NOW - 29 }));
    expect(await verifyJwt(token, keyring, options)).not.toBeNull();
    await reject(token, { now: NOW + 1, leeway: 30 });
  });

  it('nbf in the future and iat in the future or after exp', async () => {
    await reject(await forge(ourHeader(), b64({ ...validClaims, nbf: NOW + 120 })));
    await reject(await forge(ourHeader(), b64({ ...validClaims, nbf: 'yesterday' })));
    await reject(await forge(ourHeader(), b64({ ...validClaims, iat: NOW + 120 })));
    await reject(await forge(ourHeader(), b64({ ...validClaims, iat: NOW + 7200, exp: NOW + 3600 })));
  });

  it('payloads that are not a JSON object or not UTF-8', async () => {
    for (const payload of ['[]', 'null', '42', '"text"', '{"exp":', '']) {
      await reject(await forge(ourHeader(), b64(payload)));
    }
    await reject(await forge(ourHeader(), encodeBase64url(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]))));
  });

  it('wrong issuer or audience when they are configured', async () => {
    const token = await forge(ourHeader(), b64({ ...validClaims, iss: 'https://a.example', aud: 'app' }));
    expect(
      await verifyJwt(token, keyring, { ...options, issuer: 'https://a.example', audience: 'app' }),
    ).not.toBeNull();
    await reject(token, { ...options, issuer: 'https://b.example' });
    await reject(token, { ...options, audience: 'other' });
  });

  it('malformed shapes and oversized tokens', async () => {
    for (const token of ['', '.', '..', 'a.b', 'a.b.c.d', `${ourHeader()}..`, ' ', 'Bearer x'])
      await reject(token);
    const huge = await forge(ourHeader(), b64({ ...validClaims, pad: 'x'.repeat(MAX_TOKEN_LENGTH) }));
    await reject(huge);
  });
});
