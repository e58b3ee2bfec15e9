// Reads the token's payload the way the tutorial's client does:
// base64 (normalised) → ASCII → JSON, then `username` and `exp`. The signature is the server's business;
// the client only needs a name to greet and a time to stop.

export interface TokenPayload {
  readonly username: string;
  /** Expiry, in seconds since the epoch. */
  readonly exp: number;
  /** Issue time, in seconds since the epoch, when the token has one: with `exp`, its lifetime. */
  readonly iat: number | undefined;
}

/** Returns null for anything that is not a JWT with a string `username` and an integer `exp`. */
export function decodePayload(token: string): TokenPayload | null {
  const part = token.split('.')[1];
  if (part === undefined) return null;
  try {
    // Dart's base64.normalize: accept the URL-safe alphabet and missing padding.
    const base64 = part.replaceAll('-', '+').replaceAll('_', '/');
    const binary = atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '='));
    // Dart's ascii.decode refuses bytes above 0x7F; so do we (the server escapes non-ASCII as \uXXXX).
    if (/[\u0080-\u00ff]/.test(binary)) return null;
    const payload: unknown = JSON.parse(binary);
    if (typeof payload !== 'object' || payload === null) return null;
    const { username, exp, iat } = payload as Record<string, unknown>;
    if (typeof username !== 'string' || !Number.isInteger(exp)) return null;
    return { username, exp: exp as number, iat: Number.isInteger(iat) ? (iat as number) : undefined };
  } catch {
    return null;
  }
}

export function isExpired(payload: TokenPayload, nowMs = Date.now()): boolean {
  return payload.exp * 1000 <= nowMs;
}
