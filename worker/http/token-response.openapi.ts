// The token response of token-response.ts, as the OpenAPI document describes it (docs/openapi.md).
import * as v from 'valibot';
import type { HeaderDescription, JsonSchema, SuccessDescription } from '../openapi/route-description';

/** A JWS in compact form (docs/contract.md §3): three base64url parts. */
const JWS_PATTERN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** The plain-text answer: the token alone, no newline; the tutorial's client stores the whole body. */
const ACCESS_TOKEN_TEXT: JsonSchema = {
  type: 'string',
  pattern: JWS_PATTERN.source,
  description: 'The access token alone: no quotes, no newline.',
};

/** RFC 6749 §5.1. */
export const TokenResponse = v.strictObject({
  access_token: v.pipe(
    v.string(),
    v.regex(JWS_PATTERN),
    v.description('The access token, sent back in `Authorization`.'),
  ),
  token_type: v.literal('Bearer'),
  expires_in: v.pipe(
    v.number(),
    v.integer(),
    v.minValue(1),
    v.description('Seconds until the token expires; never past the end of its session.'),
  ),
  username: v.pipe(v.string(), v.description('The account name as it was registered.')),
});

/** POST /login's answer, which carries a device token when the request sent the field. */
export const LoginResponse = v.strictObject({
  ...TokenResponse.entries,
  device_token: v.optional(
    v.pipe(
      v.string(),
      v.regex(JWS_PATTERN),
      v.description(
        'Present when the request sent `device_token` (empty for a first one): keep it and send it with the next log-in to this account (docs/security.md, Device tokens).',
      ),
    ),
  ),
});

/** Token answers and anything personal are never stored by a cache. */
export const NO_STORE_HEADERS: Readonly<Record<string, HeaderDescription>> = {
  'Cache-Control': { description: 'Never stored by a cache.', schema: { const: 'no-store' } },
  Pragma: { description: 'The same, for HTTP/1.0 caches.', schema: { const: 'no-cache' } },
};

/** What /refresh and /password answer; /login adds the device token. */
export function tokenSuccess(description: string, json = { name: 'TokenResponse', schema: TokenResponse }) {
  return {
    status: 200,
    description: `${description} The bare token by default; with \`Accept: application/json\`, an OAuth 2 token response.`,
    text: ACCESS_TOKEN_TEXT,
    json,
    headers: NO_STORE_HEADERS,
  } as const satisfies SuccessDescription;
}
