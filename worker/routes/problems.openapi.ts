// GET /problems/:type (problems.ts), described for the OpenAPI document (docs/openapi.md).
import { PROBLEMS } from '../http/problem';
import type { RouteDescriptions } from '../openapi/route-description';

export const problemDescriptions: RouteDescriptions = {
  'GET /problems/:type': {
    operationId: 'describeProblemType',
    summary: 'What a problem type means',
    description:
      "Every problem document's `type` is this path; it answers with the type's status, title and meaning.",
    tag: 'Problems',
    path: {
      type: { description: 'The last segment of a problem `type`.', schema: { enum: Object.keys(PROBLEMS) } },
    },
    success: {
      status: 200,
      description: 'The type, its status and title, and what it means.',
      text: { type: 'string' },
      headers: {
        'Cache-Control': {
          description: 'Types change only with the API.',
          schema: { const: 'public, max-age=86400' },
        },
      },
    },
    problems: ['not-found'],
  },
};
