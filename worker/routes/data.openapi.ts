// GET /data (data.ts), described for the OpenAPI document (docs/openapi.md).
import * as v from 'valibot';
import type { RouteDescriptions } from '../openapi/route-description';

export const dataDescriptions: RouteDescriptions = {
  'GET /data': {
    operationId: 'getData',
    summary: 'Read the protected data',
    description:
      "The tutorial's protected resource (docs/contract.md §2): any valid, unrevoked access token reads it.",
    tag: 'Data',
    authenticated: true,
    success: {
      status: 200,
      description: 'The data: a sentence by default; with `Accept: application/json`, an object.',
      text: { type: 'string' },
      json: {
        name: 'Data',
        schema: v.strictObject({
          username: v.pipe(v.string(), v.description("The caller's name as registered.")),
          data: v.string(),
          session_expires_at: v.pipe(
            v.number(),
            v.integer(),
            v.description("Unix time, seconds: the absolute end of the caller's session."),
          ),
        }),
      },
      headers: {
        'Cache-Control': { description: 'Never stored by a cache.', schema: { const: 'no-store' } },
      },
    },
  },
};
