// PBKDF2-HMAC-SHA256 password hashing on Web Crypto.
// Stored form: `$pbkdf2-sha256$i=<iterations>$<salt>$<hash>` (salt and hash base64url), so each hash
// carries its own parameters and can be upgraded on the next successful log-in.
import { decodeBase64url, encodeBase64url } from './base64url';

/** Production Workers refuse PBKDF2 above this count (local `wrangler dev` does not). */
export const MAX_PBKDF2_ITERATIONS = 100_000;
/** Below this the hash is too cheap to be worth storing. */
export const MIN_PBKDF2_ITERATIONS = 10_000;
const SALT_BYTES = 16;
const HASH_BITS = 256;
const PREFIX = '$pbkdf2-sha256$i=';

const utf8 = new TextEncoder();

interface ParsedHash {
  iterations: number;
  salt: Uint8Array;
  hash: Uint8Array;
}

export function assertIterations(iterations: number): void {
  if (
    !Number.isSafeInteger(iterations) ||
    iterations < MIN_PBKDF2_ITERATIONS ||
    iterations > MAX_PBKDF2_ITERATIONS
  ) {
    throw new RangeError(
      `PBKDF2 iterations must be an integer from ${MIN_PBKDF2_ITERATIONS} to ${MAX_PBKDF2_ITERATIONS}`,
    );
  }
}

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  assertIterations(iterations);
  const material = await crypto.subtle.importKey('raw', utf8.encode(password), 'PBKDF2', false, [
    'deriveBits',
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    material,
    HASH_BITS,
  );
  return new Uint8Array(bits);
}

export async function hashPassword(password: string, iterations: number): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, salt, iterations);
  return `${PREFIX}${iterations}$${encodeBase64url(salt)}$${encodeBase64url(hash)}`;
}

function parseHash(stored: string): ParsedHash | null {
  if (!stored.startsWith(PREFIX)) return null;
  const [count, salt, hash, extra] = stored.slice(PREFIX.length).split('$');
  if (count === undefined || salt === undefined || hash === undefined || extra !== undefined) return null;
  if (!/^[1-9][0-9]{0,8}$/.test(count)) return null;
  const iterations = Number(count);
  const saltBytes = decodeBase64url(salt);
  const hashBytes = decodeBase64url(hash);
  if (iterations > MAX_PBKDF2_ITERATIONS || iterations < MIN_PBKDF2_ITERATIONS) return null;
  if (saltBytes === null || hashBytes === null || hashBytes.length !== HASH_BITS / 8) return null;
  return { iterations, salt: saltBytes, hash: hashBytes };
}

/** Compares without an early exit, so the time taken does not reveal where two hashes differ. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] as number) ^ (b[i] as number);
  return difference === 0;
}

/**
 * A well-formed hash that no password matches, at the given cost. Checking a password against it
 * makes a log-in for an unknown name do exactly the work of a wrong password.
 */
export function dummyHash(iterations: number): string {
  const zeros = encodeBase64url(new Uint8Array(HASH_BITS / 8));
  return `${PREFIX}${iterations}$${encodeBase64url(new Uint8Array(SALT_BYTES))}$${zeros}`;
}

export interface PasswordCheck {
  readonly ok: boolean;
  /** True when the stored hash used other parameters than today's: store a fresh one. */
  readonly needsRehash: boolean;
}

export async function verifyPassword(
  password: string,
  stored: string,
  iterations: number,
): Promise<PasswordCheck> {
  const parsed = parseHash(stored);
  // An unreadable stored hash still costs one full derivation, so it cannot be told apart by timing.
  const target = parsed ?? {
    iterations,
    salt: new Uint8Array(SALT_BYTES),
    hash: new Uint8Array(HASH_BITS / 8),
  };
  const candidate = await derive(password, target.salt, target.iterations);
  const ok = parsed !== null && constantTimeEqual(candidate, target.hash);
  return { ok, needsRehash: ok && target.iterations !== iterations };
}
