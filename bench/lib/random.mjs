// Random values for the benchmark's accounts and secrets.
import { randomBytes } from 'node:crypto';

/** A JWT secret of 32 random bytes, the minimum Gatehouse accepts. */
export const secret = () => randomBytes(32).toString('base64url');
export const randomPassword = () => `${randomBytes(12).toString('base64url')}-Pw`;
/** A few random hex characters, to keep names apart. */
export const randomHex = (bytes = 3) => randomBytes(bytes).toString('hex');
