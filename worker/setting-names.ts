import type { Bindings } from './config';

/**
 * The name of every setting the Worker reads (config.ts), for whoever must set all of them: the Worker
 * tests pin each one, so a developer's `.dev.vars` cannot change what they test. A setting added to
 * `Bindings` and not listed here is a type error.
 */
export const SETTING_NAMES = Object.keys({
  JWT_SECRET: true,
  TOKEN_TTL_SECONDS: true,
  PBKDF2_ITERATIONS: true,
  JWT_ISSUER: true,
  JWT_AUDIENCE: true,
  JWT_LEEWAY_SECONDS: true,
  SESSION_LIFETIME_SECONDS: true,
  CORS_ORIGINS: true,
  LOGIN_FREE_FAILURES: true,
  LOGIN_MAX_BACKOFF_SECONDS: true,
  LOGIN_HARD_STOP_FAILURES: true,
  LOGIN_HARD_STOP_SECONDS: true,
  SIGNUPS_PER_MINUTE: true,
  FAILED_LOGINS_PER_MINUTE: true,
  THROTTLING: true,
  REVOCATION_MAX_STALENESS_MS: true,
  SESSION_CACHE_ENTRIES: true,
  ACTIVITY_RETENTION_DAYS: true,
  PASSKEY_RP_ID: true,
  PASSKEY_ORIGINS: true,
} satisfies Record<Exclude<keyof Bindings, keyof Env>, true>);
