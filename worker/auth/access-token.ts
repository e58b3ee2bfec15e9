// The access token: what it carries (docs/contract.md §3) and how it is read back.
import type { Settings } from '../config';
import { type JwtPayload, signJwt, verifyJwt } from './jwt';
import { randomId } from './random-id';

export interface AccessClaims {
  /** User id. */
  readonly sub: string;
  /** Session id: the token works only while this session is active. */
  readonly sid: string;
  /** Display username, which the tutorial's client reads to greet the person. */
  readonly username: string;
  /** The session's token generation when this token was issued (0 for tokens from before refresh rotation). */
  readonly gen: number;
  readonly iat: number;
  readonly exp: number;
}

export async function issueAccessToken(
  settings: Settings,
  subject: Pick<AccessClaims, 'sub' | 'sid' | 'username' | 'gen'>,
  now: number,
  expiresAt: number,
): Promise<string> {
  const payload: JwtPayload = {
    username: subject.username,
    sub: subject.sub,
    sid: subject.sid,
    gen: subject.gen,
    jti: randomId(),
    iat: now,
    exp: expiresAt,
  };
  if (settings.issuer !== undefined) payload.iss = settings.issuer;
  if (settings.audience !== undefined) payload.aud = settings.audience;
  return signJwt(payload, settings.keyring);
}

export async function readAccessToken(
  token: string,
  settings: Settings,
  now: number,
): Promise<AccessClaims | null> {
  const payload = await verifyJwt(token, settings.keyring, {
    now,
    leeway: settings.leewaySeconds,
    issuer: settings.issuer,
    audience: settings.audience,
  });
  if (payload === null) return null;
  const { sub, sid, username, iat, exp, gen = 0 } = payload;
  if (typeof sub !== 'string' || typeof sid !== 'string' || typeof username !== 'string') return null;
  if (!Number.isSafeInteger(gen) || (gen as number) < 0) return null;
  return {
    sub,
    sid,
    username,
    gen: gen as number,
    iat: typeof iat === 'number' ? iat : 0,
    exp: exp as number,
  };
}

/**
 * `Authorization: <jwt>` (the tutorial's client) or `Authorization: Bearer <jwt>`, scheme
 * case-insensitive. As in RFC 9110 §11.4, only spaces separate the scheme from the token, and only
 * spaces and tabs may surround the value.
 */
export function tokenFromAuthorization(header: string | null | undefined): string | null {
  if (header === null || header === undefined) return null;
  const value = header.replace(/^[ \t]+|[ \t]+$/g, '');
  if (value === '') return null;
  if (!/[ \t]/.test(value)) return value;
  const bearer = /^bearer +([^ \t]+)$/i.exec(value);
  return bearer === null ? null : (bearer[1] as string);
}
