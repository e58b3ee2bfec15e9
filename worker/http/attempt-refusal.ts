// The 429 for a password check the throttle refused (auth/login-throttle.ts), before any hashing.
// Its words and Retry-After are the same for names that exist and names that do not.
import type { Context } from 'hono';
import type { Reservation } from '../db/throttle';
import type { AppEnv } from './context';
import { ProblemError } from './problem';

type Refusal = Extract<Reservation, { ok: false }>;

const REASONS: Readonly<Record<Refusal['blockedBy'], string>> = {
  source: 'Too many failed attempts for this name from here. Try again later.',
  name: 'Too many failed attempts for this name. Try again later.',
  global: 'Too many failed log-ins right now. Try again in a minute.',
};

export function attemptRefused(c: Context<AppEnv>, refusal: Refusal): ProblemError {
  c.set('throttled', refusal.blockedBy === 'global' ? 'global' : 'account');
  return new ProblemError('too-many-requests', REASONS[refusal.blockedBy], {
    'Retry-After': String(refusal.retryAfter),
  });
}
