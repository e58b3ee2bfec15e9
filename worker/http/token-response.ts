import type { Context } from 'hono';
import { type AccessClaims, issueAccessToken } from '../auth/access-token';
import type { Settings } from '../config';
import { type AppEnv, NO_STORE } from './context';
import { wantsJson } from './negotiate';

/**
 * The token response of /login and /refresh: the bare token, or an OAuth 2 token response (RFC 6749
 * §5.1), which may carry `extra` members (a device token).
 */
export async function tokenResponse(
  c: Context<AppEnv>,
  settings: Settings,
  subject: Pick<AccessClaims, 'sub' | 'sid' | 'username' | 'gen'>,
  sessionExpiresAt: number,
  now: number,
  extra: Record<string, string> = {},
): Promise<Response> {
  const expiresAt = Math.min(now + settings.tokenTtlSeconds, sessionExpiresAt);
  const token = await issueAccessToken(settings, subject, now, expiresAt);
  if (wantsJson(c)) {
    return c.json(
      {
        access_token: token,
        token_type: 'Bearer',
        expires_in: expiresAt - now,
        username: subject.username,
        ...extra,
      },
      200,
      NO_STORE,
    );
  }
  // The tutorial's client stores the whole body as the token: nothing but the token, no newline.
  return c.text(token, 200, NO_STORE);
}
