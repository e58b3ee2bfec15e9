// The OpenAPI 3.1 document of the API (docs/openapi.md), built from the route groups' descriptions and
// the very schemas their routes validate with. Built at build time into the PWA's assets (served as
// /openapi.json) and by the tests, which check every response they receive against it; never by the
// Worker, whose bundle carries none of it.
import { toJsonSchema } from '@valibot/to-json-schema';
import type * as v from 'valibot';
import { version } from '../../package.json';
import { PROBLEMS, type ProblemType, problemTypeUri } from '../http/problem';
import { accountDescriptions } from '../routes/account.openapi';
import { activityDescriptions } from '../routes/activity.openapi';
import { authDescriptions } from '../routes/auth.openapi';
import { dataDescriptions } from '../routes/data.openapi';
import { passkeyDescriptions } from '../routes/passkeys.openapi';
import { problemDescriptions } from '../routes/problems.openapi';
import { sessionDescriptions } from '../routes/sessions.openapi';
import type { JsonSchema, RouteDescription, RouteDescriptions, RouteKey } from './route-description';

/** Every route of the app, by group. A route missing here fails test/worker/openapi.test.ts. */
const ROUTE_DESCRIPTIONS: RouteDescriptions = {
  ...authDescriptions,
  ...dataDescriptions,
  ...sessionDescriptions,
  ...accountDescriptions,
  ...passkeyDescriptions,
  ...activityDescriptions,
  ...problemDescriptions,
};

/**
 * What a request that matches no route gets: an unknown path, a known path with another method, or
 * a refusal by the middleware every request meets first (worker/app.ts).
 */
export const UNROUTED_PROBLEMS = [
  'not-found',
  'method-not-allowed',
  'cross-site-request',
  'payload-too-large',
  'internal-error',
  'service-unavailable',
] as const satisfies readonly ProblemType[];

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

export interface OpenApiMediaType {
  readonly schema: JsonSchema;
}
export interface OpenApiHeader {
  readonly description?: string;
  readonly required?: boolean;
  readonly schema: JsonSchema;
}
export interface OpenApiResponse {
  readonly description: string;
  readonly headers?: Readonly<Record<string, OpenApiHeader | { readonly $ref: string }>>;
  readonly content?: Readonly<Record<string, OpenApiMediaType>>;
}
export interface OpenApiParameter {
  readonly name: string;
  readonly in: 'path' | 'query';
  readonly description: string;
  readonly required: boolean;
  readonly schema: JsonSchema;
}
export interface OpenApiOperation {
  readonly operationId: string;
  readonly tags: readonly string[];
  readonly summary: string;
  readonly description: string;
  readonly security?: readonly Readonly<Record<string, readonly string[]>>[];
  readonly parameters?: readonly OpenApiParameter[];
  readonly requestBody?: {
    readonly required: boolean;
    readonly content: Readonly<Record<string, OpenApiMediaType>>;
  };
  readonly responses: Readonly<Record<string, OpenApiResponse>>;
}
export interface OpenApiDocument {
  readonly openapi: string;
  readonly info: { readonly title: string; readonly version: string; readonly description: string };
  readonly servers: readonly { readonly url: string }[];
  readonly tags: readonly { readonly name: string }[];
  readonly paths: Readonly<Record<string, Readonly<Record<string, OpenApiOperation>>>>;
  readonly components: {
    readonly schemas: Readonly<Record<string, JsonSchema>>;
    readonly headers: Readonly<Record<string, OpenApiHeader>>;
    readonly securitySchemes: Readonly<Record<string, Json>>;
  };
}

const PROBLEM_SCHEMA: JsonSchema = {
  type: 'object',
  description:
    'An RFC 9457 problem document, sent as `application/problem+json` with every 4xx and 5xx. Compare `type`, never `title` or `detail`.',
  required: ['type', 'title', 'status'],
  additionalProperties: false,
  properties: {
    type: {
      type: 'string',
      format: 'uri-reference',
      description: 'A path relative to the API, `/problems/<name>`; GET it for what the type means.',
    },
    title: { type: 'string', description: "The type's title, the same for every occurrence." },
    status: { type: 'integer', description: 'The HTTP status.' },
    detail: { type: 'string', description: 'What went wrong this time, in words for people.' },
  },
};

const HEADERS: Readonly<Record<string, OpenApiHeader>> = {
  'X-Request-Id': {
    description: 'Names the request in the server log; quote it when reporting a problem.',
    required: true,
    schema: { type: 'string' },
  },
  'WWW-Authenticate': {
    description: 'The scheme that would work (RFC 9110 §15.5.2).',
    required: true,
    schema: { const: 'Bearer realm="gatehouse"' },
  },
  'Retry-After': {
    description: 'Seconds to wait before trying again.',
    required: true,
    schema: { type: 'string', pattern: '^[0-9]+$' },
  },
};

const SECURITY_SCHEMES = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'The access token of a log-in: `Authorization: Bearer <token>`.',
  },
  token: {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description:
      "The same token without the scheme, `Authorization: <token>`, as the tutorial's client sends it (docs/contract.md §2).",
  },
} as const;

const DESCRIPTION = `Sign-up, log-in and JWT-protected data.

- **Bodies in**: every request body is \`application/x-www-form-urlencoded\` or \`application/json\` (charset and case ignored), each field one string; repeated fields, arrays, objects and numbers are \`400\`. The passkey routes take \`application/json\` only, with WebAuthn's nested JSON.
- **Bodies out**: plain text unless the request says \`Accept: application/json\` (the tutorial's client sends no Accept header); GET /sessions, GET /activity and the passkey routes but POST /passkeys/login are always JSON.
- **Errors**: RFC 9457 problem documents (\`application/problem+json\`) with a stable \`type\`, listed below; each answers GET at its own path.
- **Paths** are exact: lowercase, no trailing slash. Any other path is \`404\`; a path with another method is \`405\` with \`Allow\`; \`OPTIONS\` is \`204\` with \`Allow\`. Browsers on other sites are refused (\`403\`) on every method but GET, HEAD and OPTIONS, unless listed in CORS_ORIGINS.

| Problem \`type\` | Status | Meaning |
|---|---|---|
${Object.entries(PROBLEMS)
  .map(([name, { status, description }]) => `| \`/problems/${name}\` | ${status} | ${description} |`)
  .join('\n')}
`;

const ref = (section: string, name: string) => ({ $ref: `#/components/${section}/${name}` });

/**
 * A valibot schema as OpenAPI 3.1 has JSON Schema (draft 2020-12), without `$schema`. `definitions`
 * become schemas of their own among the document's, referred to by name.
 */
function jsonSchemaOf(
  schema: v.GenericSchema,
  schemas: Record<string, JsonSchema>,
  definitions: Readonly<Record<string, v.GenericSchema>> = {},
): JsonSchema {
  const {
    $schema: _,
    $defs,
    ...rest
  } = toJsonSchema(schema, {
    target: 'draft-2020-12',
    definitions,
    overrideRef: ({ referenceId }) => `#/components/schemas/${referenceId}`,
  });
  Object.assign(schemas, $defs);
  return rest;
}

/** `/sessions/:id` → `/sessions/{id}`. */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

const upperFirst = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** `too-many-requests` → `TooManyRequestsProblem`. */
export const problemSchemaName = (type: ProblemType) =>
  `${type.replace(/(?:^|-)([a-z])/g, (_, letter: string) => letter.toUpperCase())}Problem`;

/** One schema per problem type: the problem document with its `type`, `title` and `status`. */
function problemSchemas(): Record<string, JsonSchema> {
  const schemas: Record<string, JsonSchema> = {};
  for (const [type, { status, title, description }] of Object.entries(PROBLEMS) as [
    ProblemType,
    (typeof PROBLEMS)[ProblemType],
  ][]) {
    schemas[problemSchemaName(type)] = {
      description,
      allOf: [ref('schemas', 'Problem')],
      properties: {
        type: { const: problemTypeUri(type) },
        title: { const: title },
        status: { const: status },
      },
    };
  }
  return schemas;
}

/** One response per status, naming every problem type the route can answer with under it. */
function problemResponses(types: readonly ProblemType[]): Record<string, OpenApiResponse> {
  const byStatus = new Map<number, ProblemType[]>();
  for (const type of types) {
    const { status } = PROBLEMS[type];
    byStatus.set(status, [...(byStatus.get(status) ?? []), type]);
  }
  const responses: Record<string, OpenApiResponse> = {};
  for (const [status, sameStatus] of [...byStatus].sort(([a], [b]) => a - b)) {
    const headers: Record<string, { $ref: string }> = { 'X-Request-Id': ref('headers', 'X-Request-Id') };
    if (status === 401) headers['WWW-Authenticate'] = ref('headers', 'WWW-Authenticate');
    if (status === 429) headers['Retry-After'] = ref('headers', 'Retry-After');
    const [only, ...others] = sameStatus.map((type) => ref('schemas', problemSchemaName(type)));
    responses[status] = {
      description: sameStatus.map((type) => `\`${type}\`: ${PROBLEMS[type].title}.`).join(' '),
      headers,
      content: {
        'application/problem+json': {
          schema: others.length === 0 && only ? only : { oneOf: [only, ...others] },
        },
      },
    };
  }
  return responses;
}

/** The problems a route answers with: its own, and those of the middleware it passes. */
function problemsOf(method: string, route: RouteDescription): ProblemType[] {
  const types = new Set<ProblemType>(route.problems);
  if (route.body !== undefined || route.jsonBody !== undefined) {
    types.add('invalid-request').add('unsupported-media-type');
  }
  if (route.authenticated) types.add('invalid-token');
  // worker/http/cross-site.ts and the body limit of worker/app.ts: every method that may change state.
  if (method !== 'GET') types.add('cross-site-request').add('payload-too-large');
  types.add('internal-error').add('service-unavailable');
  return [...types];
}

function operation(
  key: RouteKey,
  route: RouteDescription,
  schemas: Record<string, JsonSchema>,
): OpenApiOperation {
  const method = key.slice(0, key.indexOf(' '));
  const { success } = route;
  const parameters: OpenApiParameter[] = [
    ...Object.entries(route.path ?? {}).map(([name, parameter]) => ({
      name,
      in: 'path' as const,
      required: true,
      ...parameter,
    })),
    ...Object.entries(route.query ?? {}).map(([name, parameter]) => ({
      name,
      in: 'query' as const,
      required: false,
      ...parameter,
    })),
  ];

  let requestBody: OpenApiOperation['requestBody'];
  if (route.body !== undefined) {
    const name = `${upperFirst(route.operationId)}Body`;
    const schema = jsonSchemaOf(route.body.schema, schemas) as { properties: Record<string, JsonSchema> };
    for (const [field, description] of Object.entries(route.body.fields)) {
      schema.properties[field] = { ...schema.properties[field], description };
    }
    schemas[name] = schema;
    // One schema, both encodings (worker/http/body.ts).
    requestBody = {
      required: true,
      content: {
        'application/x-www-form-urlencoded': { schema: ref('schemas', name) },
        'application/json': { schema: ref('schemas', name) },
      },
    };
  } else if (route.jsonBody !== undefined) {
    const name = `${upperFirst(route.operationId)}Body`;
    schemas[name] = jsonSchemaOf(route.jsonBody.schema, schemas);
    requestBody = {
      required: route.jsonBody.required,
      content: { 'application/json': { schema: ref('schemas', name) } },
    };
  }

  const content: Record<string, OpenApiMediaType> = {};
  if (success.text !== undefined) content['text/plain'] = { schema: success.text };
  if (success.json !== undefined) {
    const { name, schema, definitions } = success.json;
    schemas[name] = jsonSchemaOf(schema, schemas, definitions);
    content['application/json'] = { schema: ref('schemas', name) };
  }
  const successHeaders: Record<string, OpenApiHeader | { $ref: string }> = {
    'X-Request-Id': ref('headers', 'X-Request-Id'),
  };
  for (const [name, header] of Object.entries(success.headers ?? {})) {
    successHeaders[name] = { ...header, required: true };
  }

  return {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    description: route.description,
    ...(route.authenticated ? { security: [{ bearer: [] }, { token: [] }] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(requestBody !== undefined ? { requestBody } : {}),
    responses: {
      [success.status]: {
        description: success.description,
        headers: successHeaders,
        ...(Object.keys(content).length > 0 ? { content } : {}),
      },
      ...problemResponses(problemsOf(method, route)),
    },
  };
}

export function openApiDocument(): OpenApiDocument {
  const schemas: Record<string, JsonSchema> = { Problem: PROBLEM_SCHEMA, ...problemSchemas() };
  const paths: Record<string, Record<string, OpenApiOperation>> = {};
  const tags: string[] = [];
  for (const [key, route] of Object.entries(ROUTE_DESCRIPTIONS) as [RouteKey, RouteDescription][]) {
    const space = key.indexOf(' ');
    const path = openApiPath(key.slice(space + 1));
    paths[path] ??= {};
    paths[path][key.slice(0, space).toLowerCase()] = operation(key, route, schemas);
    if (!tags.includes(route.tag)) tags.push(route.tag);
  }
  return {
    openapi: '3.1.1',
    info: { title: 'Gatehouse', version, description: DESCRIPTION },
    // Relative: the API is wherever this document is served from.
    servers: [{ url: '/' }],
    tags: tags.map((name) => ({ name })),
    paths,
    components: { schemas, headers: HEADERS, securitySchemes: SECURITY_SCHEMES },
  };
}
