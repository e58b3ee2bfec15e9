// Settings from the Worker's environment, validated once per isolate (per `env` object) and cached.
// A bad setting never crashes the Worker: requests get a 503 and the log says which setting is wrong.
import { DEVICE_TOKEN_TYP } from './auth/device-token';
import { createKeyring, type JwtKeyring } from './auth/jwt';
import {
  DEFAULT_GLOBAL_LIMITS,
  DEFAULT_LOGIN_THROTTLE,
  type GlobalLimits,
  type LoginThrottlePolicy,
} from './auth/login-throttle';
import { dummyHash, MAX_PBKDF2_ITERATIONS, MIN_PBKDF2_ITERATIONS } from './auth/password';
import { MIN_SECRET_BITS, secretBits } from './auth/secret-entropy';
import { log } from './log';

/** Secrets and settings that are not bindings (`wrangler types` only sees wrangler.toml). */
export interface Bindings extends Omit<Env, 'JWT_SECRET'> {
  /** Current secret first, then previous ones still accepted for verification, comma-separated. */
  JWT_SECRET?: string;
  TOKEN_TTL_SECONDS?: string;
  PBKDF2_ITERATIONS?: string;
  JWT_ISSUER?: string;
  JWT_AUDIENCE?: string;
  JWT_LEEWAY_SECONDS?: string;
  SESSION_LIFETIME_SECONDS?: string;
  /** Comma-separated origins allowed to call the API from a browser (CORS); none by default. */
  CORS_ORIGINS?: string;
  LOGIN_FREE_FAILURES?: string;
  LOGIN_MAX_BACKOFF_SECONDS?: string;
  LOGIN_HARD_STOP_FAILURES?: string;
  LOGIN_HARD_STOP_SECONDS?: string;
  SIGNUPS_PER_MINUTE?: string;
  FAILED_LOGINS_PER_MINUTE?: string;
  /** `off` disables log-in/sign-up throttling (tests only); anything else keeps it on. */
  THROTTLING?: string;
  /** How old an isolate's view of revocations may be when it answers; 0 reads D1 every time. */
  REVOCATION_MAX_STALENESS_MS?: string;
  /** How many sessions each isolate remembers. */
  SESSION_CACHE_ENTRIES?: string;
  /** How many days the activity log keeps an event (docs/activity.md). */
  ACTIVITY_RETENTION_DAYS?: string;
  /** The WebAuthn relying party ID (a domain); by default the request's own host name. */
  PASSKEY_RP_ID?: string;
  /** Comma-separated origins whose pages may use passkeys; by default the request's own origin. */
  PASSKEY_ORIGINS?: string;
}

export interface Settings {
  readonly keyring: JwtKeyring;
  /** The same secrets for device tokens, under their own header type (auth/device-token.ts). */
  readonly deviceKeyring: JwtKeyring;
  /** Lifetime of one access token; refreshing issues a new one. */
  readonly tokenTtlSeconds: number;
  /** Absolute lifetime of a session from log-in: no refresh extends a session past it. */
  readonly sessionLifetimeSeconds: number;
  readonly pbkdf2Iterations: number;
  readonly leewaySeconds: number;
  readonly issuer: string | undefined;
  readonly audience: string | undefined;
  /** Checked against when a username is unknown, so that costs the same as a wrong password. */
  readonly dummyPasswordHash: string;
  readonly corsOrigins: ReadonlySet<string>;
  readonly throttling: boolean;
  readonly loginThrottle: LoginThrottlePolicy;
  readonly globalLimits: GlobalLimits;
  /** The revocation bound (docs/session-check.md); 0 is strict mode: D1 on every request. */
  readonly revocationMaxStalenessMs: number;
  readonly sessionCacheEntries: number;
  /** The nightly clean-up deletes activity older than this (worker/cleanup.ts). */
  readonly activityRetentionDays: number;
  /** The relying party ID for passkeys; undefined: the host name of each request (docs/passkeys.md). */
  readonly passkeyRpId: string | undefined;
  /** Origins whose pages may register and use passkeys; empty: each request's own origin. */
  readonly passkeyOrigins: ReadonlySet<string>;
}

export type SettingsResult =
  | { readonly ok: true; readonly settings: Settings }
  | { readonly ok: false; readonly error: string };

export const DEFAULTS = {
  tokenTtlSeconds: 15 * 24 * 60 * 60, // the tutorial's 15 days
  sessionLifetimeSeconds: 30 * 24 * 60 * 60,
  pbkdf2Iterations: MAX_PBKDF2_ITERATIONS,
  leewaySeconds: 30,
  revocationMaxStalenessMs: 1000,
  // About 220 bytes each (measured by `npm run bench`): a full cache is about 2 MB of the isolate's 128 MB.
  sessionCacheEntries: 10_000,
  activityRetentionDays: 90,
} as const;

const MIN_SECRET_BYTES = 32;
/** The placeholder in .dev.vars.example: long enough, but public. */
const EXAMPLE_SECRET = 'replace-with-at-least-32-random-bytes';

class SettingError extends Error {}

function integerSetting(
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^[0-9]+$/.test(raw)) throw new SettingError(`${name} must be a whole number`);
  const value = Number(raw);
  if (value < min || value > max) throw new SettingError(`${name} must be from ${min} to ${max}`);
  return value;
}

function optionalText(raw: string | undefined): string | undefined {
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

/** How to make a good secret, said with every secret error: the log is where a developer looks. */
const MAKE_A_SECRET =
  'make one with `openssl rand -base64 32` or `node -e "console.log(crypto.randomBytes(32).toString(\'base64url\'))"`';

function parseSecrets(raw: string | undefined): string[] {
  if (raw === undefined || raw.trim() === '')
    throw new SettingError(
      `JWT_SECRET is not set: ${MAKE_A_SECRET}; locally in .dev.vars, deployed with wrangler secret put JWT_SECRET`,
    );
  const secrets = raw.split(',').map((secret) => secret.trim());
  for (const secret of secrets) {
    if (secret === EXAMPLE_SECRET) {
      throw new SettingError(
        `JWT_SECRET is still the placeholder from .dev.vars.example: ${MAKE_A_SECRET} (locally, npm start replaces it)`,
      );
    }
    if (new TextEncoder().encode(secret).length < MIN_SECRET_BYTES) {
      throw new SettingError(`every JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes: ${MAKE_A_SECRET}`);
    }
    // Long enough is not random enough: "abcdefgh" four times is 32 bytes and about 40 bits.
    if (secretBits(secret) < MIN_SECRET_BITS) {
      throw new SettingError(
        `every JWT_SECRET must carry at least ${MIN_SECRET_BITS} bits of randomness (e.g. 43 characters of base64url or 64 of hex from a random source): ${MAKE_A_SECRET}`,
      );
    }
  }
  return secrets;
}

function parseOrigins(raw: string | undefined, name = 'CORS_ORIGINS'): ReadonlySet<string> {
  const origins = new Set<string>();
  for (const entry of (raw ?? '').split(',')) {
    const value = entry.trim();
    if (value === '') continue;
    // Exact origins only: a wildcard or `null` would let any page call the API with a person's token.
    let origin: string;
    try {
      origin = new URL(value).origin;
    } catch {
      throw new SettingError(`${name} has an entry that is not an origin`);
    }
    if (origin === 'null' || value.includes('*') || origin !== value.replace(/\/$/, '')) {
      throw new SettingError(`${name} entries must be exact origins such as https://app.example`);
    }
    origins.add(origin);
  }
  return origins;
}

/** A host name as WebAuthn takes it for an RP ID: lower case, no scheme, port, path or IP address. */
const RP_ID =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Whether pages of `origin` may use passkeys of `rpId`: its host is the RP ID or under it. */
export function originFitsRpId(origin: string, rpId: string): boolean {
  const host = new URL(origin).hostname;
  return host === rpId || host.endsWith(`.${rpId}`);
}

function parsePasskeySettings(env: Bindings): Pick<Settings, 'passkeyRpId' | 'passkeyOrigins'> {
  const rpId = optionalText(env.PASSKEY_RP_ID);
  if (rpId !== undefined && (!RP_ID.test(rpId) || /^[0-9.]+$/.test(rpId))) {
    throw new SettingError('PASSKEY_RP_ID must be a domain name in lower case, such as app.example');
  }
  const origins = parseOrigins(env.PASSKEY_ORIGINS, 'PASSKEY_ORIGINS');
  // Browsers refuse a passkey whose RP ID is not the page's host or a parent of it: say so at start.
  if (origins.size > 0 && rpId === undefined) {
    throw new SettingError('PASSKEY_ORIGINS needs PASSKEY_RP_ID, the domain the origins share');
  }
  for (const origin of origins) {
    if (rpId !== undefined && !originFitsRpId(origin, rpId)) {
      throw new SettingError(`every PASSKEY_ORIGINS entry must be on PASSKEY_RP_ID or a subdomain of it`);
    }
  }
  return { passkeyRpId: rpId, passkeyOrigins: origins };
}

async function parseSettings(env: Bindings): Promise<Settings> {
  // The upper bound is the production Workers limit: a larger count would fail every log-in there.
  const pbkdf2Iterations = integerSetting(
    'PBKDF2_ITERATIONS',
    env.PBKDF2_ITERATIONS,
    DEFAULTS.pbkdf2Iterations,
    MIN_PBKDF2_ITERATIONS,
    MAX_PBKDF2_ITERATIONS,
  );
  const secrets = parseSecrets(env.JWT_SECRET);
  return {
    keyring: await createKeyring(secrets),
    deviceKeyring: await createKeyring(secrets, DEVICE_TOKEN_TYP),
    tokenTtlSeconds: integerSetting(
      'TOKEN_TTL_SECONDS',
      env.TOKEN_TTL_SECONDS,
      DEFAULTS.tokenTtlSeconds,
      60,
      366 * 86400,
    ),
    pbkdf2Iterations,
    leewaySeconds: integerSetting(
      'JWT_LEEWAY_SECONDS',
      env.JWT_LEEWAY_SECONDS,
      DEFAULTS.leewaySeconds,
      0,
      300,
    ),
    issuer: optionalText(env.JWT_ISSUER),
    audience: optionalText(env.JWT_AUDIENCE),
    sessionLifetimeSeconds: integerSetting(
      'SESSION_LIFETIME_SECONDS',
      env.SESSION_LIFETIME_SECONDS,
      DEFAULTS.sessionLifetimeSeconds,
      60,
      366 * 86400,
    ),
    dummyPasswordHash: dummyHash(pbkdf2Iterations),
    corsOrigins: parseOrigins(env.CORS_ORIGINS),
    ...parsePasskeySettings(env),
    throttling: env.THROTTLING?.trim().toLowerCase() !== 'off',
    revocationMaxStalenessMs: integerSetting(
      'REVOCATION_MAX_STALENESS_MS',
      env.REVOCATION_MAX_STALENESS_MS,
      DEFAULTS.revocationMaxStalenessMs,
      0,
      300_000,
    ),
    sessionCacheEntries: integerSetting(
      'SESSION_CACHE_ENTRIES',
      env.SESSION_CACHE_ENTRIES,
      DEFAULTS.sessionCacheEntries,
      1,
      1_000_000,
    ),
    activityRetentionDays: integerSetting(
      'ACTIVITY_RETENTION_DAYS',
      env.ACTIVITY_RETENTION_DAYS,
      DEFAULTS.activityRetentionDays,
      1,
      3660,
    ),
    loginThrottle: {
      freeFailures: integerSetting(
        'LOGIN_FREE_FAILURES',
        env.LOGIN_FREE_FAILURES,
        DEFAULT_LOGIN_THROTTLE.freeFailures,
        0,
        20,
      ),
      maxBackoffSeconds: integerSetting(
        'LOGIN_MAX_BACKOFF_SECONDS',
        env.LOGIN_MAX_BACKOFF_SECONDS,
        DEFAULT_LOGIN_THROTTLE.maxBackoffSeconds,
        2,
        86400,
      ),
      // NIST SP 800-63B allows no more than 100 consecutive failures.
      hardStopFailures: integerSetting(
        'LOGIN_HARD_STOP_FAILURES',
        env.LOGIN_HARD_STOP_FAILURES,
        DEFAULT_LOGIN_THROTTLE.hardStopFailures,
        10,
        100,
      ),
      hardStopSeconds: integerSetting(
        'LOGIN_HARD_STOP_SECONDS',
        env.LOGIN_HARD_STOP_SECONDS,
        DEFAULT_LOGIN_THROTTLE.hardStopSeconds,
        60,
        30 * 86400,
      ),
    },
    globalLimits: {
      signupsPerMinute: integerSetting(
        'SIGNUPS_PER_MINUTE',
        env.SIGNUPS_PER_MINUTE,
        DEFAULT_GLOBAL_LIMITS.signupsPerMinute,
        1,
        1_000_000,
      ),
      failedLoginsPerMinute: integerSetting(
        'FAILED_LOGINS_PER_MINUTE',
        env.FAILED_LOGINS_PER_MINUTE,
        DEFAULT_GLOBAL_LIMITS.failedLoginsPerMinute,
        1,
        1_000_000,
      ),
    },
  };
}

const cache = new WeakMap<object, Promise<SettingsResult>>();

export function loadSettings(env: Bindings): Promise<SettingsResult> {
  let result = cache.get(env);
  if (result === undefined) {
    result = parseSettings(env).then(
      (settings): SettingsResult => {
        if (!settings.throttling) log('warn', 'throttling_off');
        return { ok: true, settings };
      },
      (error: unknown): SettingsResult => {
        // Only our own messages are shown: they name the setting, never its value.
        const message = error instanceof SettingError ? error.message : 'settings could not be loaded';
        log('error', 'config_invalid', { message });
        return { ok: false, error: message };
      },
    );
    cache.set(env, result);
  }
  return result;
}
