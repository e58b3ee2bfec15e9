// The caller's sessions (sessions.ts), described for the OpenAPI document (docs/openapi.md).
import * as v from 'valibot';
import { SESSIONS_PAGE_SIZE } from '../http/session-cursor';
import { NO_STORE_HEADERS, tokenSuccess } from '../http/token-response.openapi';
import type { RouteDescriptions } from '../openapi/route-description';
import { SESSION_ID } from './sessions';

const unixTime = (description: string) => v.pipe(v.number(), v.integer(), v.description(description));

const Session = v.strictObject({
  id: v.pipe(v.string(), v.regex(SESSION_ID), v.description('Names the session in DELETE /sessions/{id}.')),
  created_at: unixTime('Unix time, seconds: the log-in.'),
  last_used_at: v.pipe(
    v.nullable(v.pipe(v.number(), v.integer())),
    v.description('Unix time, seconds, to the minute; null until first used.'),
  ),
  expires_at: unixTime("Unix time, seconds: the session's absolute end."),
  user_agent: v.pipe(
    v.nullable(v.string()),
    v.description('The User-Agent of the log-in, at most 256 characters.'),
  ),
  current: v.pipe(v.boolean(), v.description('The session of the token that asked.')),
});

export const sessionDescriptions: RouteDescriptions = {
  'POST /logout': {
    operationId: 'logout',
    summary: 'Log out: end this session',
    description: 'Ends the session of the token sent; its tokens stop working (docs/session-check.md).',
    tag: 'Sessions',
    authenticated: true,
    success: { status: 204, description: 'The session has ended.' },
  },
  'POST /refresh': {
    operationId: 'refresh',
    summary: 'A new access token for this session',
    description:
      "One-time: the token sent is replaced, and presenting a replaced token again ends the session (docs/security.md). The new token never outlives the session's absolute end.",
    tag: 'Sessions',
    authenticated: true,
    success: tokenSuccess('The next token of the same session.'),
  },
  'GET /sessions': {
    operationId: 'listSessions',
    summary: "List the caller's active sessions",
    description: `Newest first, ${SESSIONS_PAGE_SIZE} at most per page. A full page may have more after it: pass \`next\` as \`cursor\`; an empty page or a null \`next\` is the end.`,
    tag: 'Sessions',
    authenticated: true,
    query: {
      limit: {
        description: `Sessions per page, 1 to ${SESSIONS_PAGE_SIZE}.`,
        schema: { type: 'integer', minimum: 1, maximum: SESSIONS_PAGE_SIZE, default: SESSIONS_PAGE_SIZE },
      },
      cursor: {
        description: 'The `next` of the previous page, unchanged.',
        schema: { type: 'string', maxLength: 200 },
      },
    },
    success: {
      status: 200,
      description: 'One page of sessions. Always JSON.',
      json: {
        name: 'SessionList',
        schema: v.strictObject({
          sessions: v.array(Session),
          next: v.pipe(
            v.nullable(v.string()),
            v.description('The cursor of the next page; null at the end.'),
          ),
        }),
        definitions: { Session },
      },
      headers: NO_STORE_HEADERS,
    },
    problems: ['invalid-request'],
  },
  'DELETE /sessions': {
    operationId: 'endAllSessions',
    summary: 'Log out everywhere',
    description: "Ends every session of the caller's account, this one included.",
    tag: 'Sessions',
    authenticated: true,
    success: { status: 204, description: 'Every session has ended.' },
  },
  'DELETE /sessions/:id': {
    operationId: 'endSession',
    summary: 'End one session',
    description: "Ends one of the caller's sessions, for example a lost device's.",
    tag: 'Sessions',
    authenticated: true,
    path: {
      id: {
        description: 'The `id` from GET /sessions.',
        schema: { type: 'string', pattern: SESSION_ID.source },
      },
    },
    success: { status: 204, description: 'The session has ended.' },
    problems: ['not-found'],
  },
};
