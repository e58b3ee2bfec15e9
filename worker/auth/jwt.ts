// HS256 JSON Web Tokens on Web Crypto. Verification order matters: the header must be one we issue,
// then the signature is checked, and only then is the payload decoded and its claims read.
import { decodeBase64url, encodeBase64url } from './base64url';

export type JwtPayload = Record<string, unknown>;

export interface JwtKeyring {
  /** Signs new tokens. */
  readonly current: { readonly kid: string; readonly header: string; readonly key: CryptoKey };
  /** Every accepted header segment (current and previous secrets) and the key that verifies it. */
  readonly verifiers: ReadonlyMap<string, CryptoKey>;
}

export interface VerifyOptions {
  /** Unix seconds. */
  readonly now: number;
  /** Seconds of clock skew tolerated on `exp`, `nbf` and `iat`. */
  readonly leeway: number;
  readonly issuer?: string | undefined;
  readonly audience?: string | undefined;
}

/** Longer tokens are refused before any work: ours are about 400 characters. */
export const MAX_TOKEN_LENGTH = 4096;

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Builds the keys for one or more secrets; the first signs, all verify (rotation).
 * A key id is derived from each secret so that tokens name the secret that signed them. `typ` sets the
 * header's type: a keyring only verifies its own type, so one kind of token never passes as another.
 */
export async function createKeyring(secrets: readonly string[], typ = 'JWT'): Promise<JwtKeyring> {
  if (secrets.length === 0) throw new Error('at least one secret is required');
  const entries = await Promise.all(
    secrets.map(async (secret) => {
      const raw = utf8.encode(secret);
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', raw));
      const kid = encodeBase64url(digest.subarray(0, 6));
      const key = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, [
        'sign',
        'verify',
      ]);
      const header = encodeBase64url(utf8.encode(JSON.stringify({ alg: 'HS256', typ, kid })));
      return { kid, header, key };
    }),
  );
  const verifiers = new Map<string, CryptoKey>();
  for (const entry of entries) verifiers.set(entry.header, entry.key);
  return { current: entries[0] as JwtKeyring['current'], verifiers };
}

/** JSON with every non-ASCII character escaped, so that clients decoding the payload as ASCII work. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u0080-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export async function signJwt(payload: JwtPayload, keyring: JwtKeyring): Promise<string> {
  const { header, key } = keyring.current;
  const signingInput = `${header}.${encodeBase64url(utf8.encode(asciiJson(payload)))}`;
  const signature = await crypto.subtle.sign('HMAC', key, utf8.encode(signingInput));
  return `${signingInput}.${encodeBase64url(new Uint8Array(signature))}`;
}

/**
 * Returns the payload of a valid token, or null for every kind of invalid one (the caller answers
 * all of them the same way, so the reason is deliberately not reported).
 */
export async function verifyJwt(
  token: string,
  keyring: JwtKeyring,
  options: VerifyOptions,
): Promise<JwtPayload | null> {
  if (token.length > MAX_TOKEN_LENGTH) return null;
  const firstDot = token.indexOf('.');
  const lastDot = token.lastIndexOf('.');
  if (firstDot <= 0 || lastDot === firstDot || token.indexOf('.', firstDot + 1) !== lastDot) return null;

  // The header must be byte-for-byte one we issue. This pins alg to HS256 and rejects `none`,
  // other algorithms, `crit`, `jku`, embedded keys and unknown `kid`s without parsing attacker JSON.
  const key = keyring.verifiers.get(token.slice(0, firstDot));
  if (key === undefined) return null;

  const signature = decodeBase64url(token.slice(lastDot + 1));
  if (signature === null || signature.length !== 32) return null;
  // Web Crypto's verify compares in constant time.
  const valid = await crypto.subtle.verify('HMAC', key, signature, utf8.encode(token.slice(0, lastDot)));
  if (!valid) return null;

  const payload = parsePayload(token.slice(firstDot + 1, lastDot));
  if (payload === null || !claimsAreValid(payload, options)) return null;
  return payload;
}

function parsePayload(segment: string): JwtPayload | null {
  const bytes = decodeBase64url(segment);
  if (bytes === null) return null;
  try {
    const value: unknown = JSON.parse(strictUtf8.decode(bytes));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
    return value as JwtPayload;
  } catch {
    return null;
  }
}

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function claimsAreValid(payload: JwtPayload, { now, leeway, issuer, audience }: VerifyOptions): boolean {
  const { exp, nbf, iat, iss, aud } = payload;
  if (!isNumericDate(exp) || now >= exp + leeway) return false;
  if (nbf !== undefined && (!isNumericDate(nbf) || now + leeway < nbf)) return false;
  if (iat !== undefined && (!isNumericDate(iat) || iat > now + leeway || iat > exp)) return false;
  if (issuer !== undefined && iss !== issuer) return false;
  if (audience !== undefined && !(aud === audience || (Array.isArray(aud) && aud.includes(audience))))
    return false;
  return true;
}
