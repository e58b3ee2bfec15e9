// Device tokens (OWASP's "device cookies"): proof that this browser has logged in to an account with
// its password before. /login returns one in its JSON answer when the request carries a
// `device_token` field (empty to ask for a first one); a later log-in that sends it back is counted
// against that device rather than against the network it comes from, so a stranger's failures on the
// same network, or a hard stop of the name, do not keep the device's owner out (auth/login-throttle.ts).
// Stateless: an HS256 JWT of its own type, signed with JWT_SECRET, naming the account and the device.

import { type JwtKeyring, signJwt, verifyJwt } from './jwt';
import { randomId } from './random-id';

export const DEVICE_TOKEN_TYP = 'gatehouse-device';
/** A device that has not logged in for this long is a stranger again. */
export const DEVICE_TOKEN_TTL_SECONDS = 180 * 86400;

export interface DeviceClaims {
  /** The user id it was issued to. */
  readonly sub: string;
  /** The canonical username it was issued for. */
  readonly name: string;
  /** The device's id: kept across log-ins, so the device keeps its own failure count. */
  readonly did: string;
}

export function issueDeviceToken(
  keyring: JwtKeyring,
  account: Pick<DeviceClaims, 'sub' | 'name'>,
  did: string | undefined,
  now: number,
): Promise<string> {
  return signJwt(
    {
      sub: account.sub,
      name: account.name,
      did: did ?? randomId(),
      iat: now,
      exp: now + DEVICE_TOKEN_TTL_SECONDS,
    },
    keyring,
  );
}

/** The claims of a valid, unexpired device token; null for anything else. */
export async function readDeviceToken(
  token: string,
  keyring: JwtKeyring,
  now: number,
): Promise<DeviceClaims | null> {
  const payload = await verifyJwt(token, keyring, { now, leeway: 0 });
  if (payload === null) return null;
  const { sub, name, did } = payload;
  if (typeof sub !== 'string' || typeof name !== 'string' || typeof did !== 'string') return null;
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(did)) return null;
  return { sub, name, did };
}
