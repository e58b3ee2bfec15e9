// GET /activity (activity.ts), described for the OpenAPI document (docs/openapi.md).
import * as v from 'valibot';
import { ACTIVITY_TYPES, COUNTED_TYPES } from '../activity/event-types';
import { ACTIVITY_PAGE_SIZE } from '../http/activity-cursor';
import { NO_STORE_HEADERS } from '../http/token-response.openapi';
import type { RouteDescriptions } from '../openapi/route-description';

const list = (types: readonly string[]) => types.map((type) => `\`${type}\``).join(', ');

const ActivityEvent = v.strictObject({
  // A string, not an enumeration: types are added over time, and clients show unknown ones generically.
  type: v.pipe(
    v.string(),
    v.description(`What happened: ${list(ACTIVITY_TYPES)}. Show a type not listed here generically.`),
  ),
  at: v.pipe(
    v.number(),
    v.integer(),
    v.description("Unix time, seconds; for a counted row, its hour's first attempt."),
  ),
  count: v.pipe(
    v.number(),
    v.integer(),
    v.minValue(1),
    v.description(
      `1; for ${list(COUNTED_TYPES)}, the attempts counted in the row (one row per network, session and hour).`,
    ),
  ),
  device: v.pipe(
    v.nullable(v.string()),
    v.description('The requesting device as the Devices page names it ("Firefox on Android"), or null.'),
  ),
  network: v.pipe(
    v.nullable(v.string()),
    v.description("The requester's IPv4 /24 or IPv6 /48, never the address; or null."),
  ),
  session_id: v.pipe(
    v.nullable(v.string()),
    v.description('The session the event started, ended or came from; null for sign-up and log-in guesses.'),
  ),
  current: v.pipe(v.boolean(), v.description('`session_id` is the session of the token that asked.')),
});

export const activityDescriptions: RouteDescriptions = {
  'GET /activity': {
    operationId: 'listActivity',
    summary: "What happened to the caller's account",
    description: `Newest first, ${ACTIVITY_PAGE_SIZE} events a page (docs/activity.md). A full page may have more after it: pass \`next\` as \`cursor\`; an empty page or a null \`next\` is the end.`,
    tag: 'Activity',
    authenticated: true,
    query: {
      cursor: {
        description: 'The `next` of the previous page, unchanged; any other value is `400`.',
        schema: { type: 'string', maxLength: 100 },
      },
    },
    success: {
      status: 200,
      description: 'One page of events. Always JSON.',
      json: {
        name: 'ActivityPage',
        schema: v.strictObject({
          events: v.array(ActivityEvent),
          next: v.pipe(
            v.nullable(v.string()),
            v.description('The cursor of the next page; null at the end.'),
          ),
        }),
        definitions: { ActivityEvent },
      },
      headers: NO_STORE_HEADERS,
    },
    problems: ['invalid-request'],
  },
};
