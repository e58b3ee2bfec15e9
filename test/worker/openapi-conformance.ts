// Every response the Worker tests receive is checked against the OpenAPI document (docs/openapi.md):
// the operation of its method and path, its status, its media type, its body's schema and its
// required headers. A response the document does not describe fails the test that received it.
// @cfworker/json-schema rather than Ajv: Ajv compiles schemas with `new Function`, which workerd
// forbids.
import { dereference, type Schema, validate } from '@cfworker/json-schema';
import { isApiPath } from '../../worker/http/api-paths';
import {
  type OpenApiDocument,
  type OpenApiHeader,
  type OpenApiOperation,
  problemSchemaName,
  UNROUTED_PROBLEMS,
} from '../../worker/openapi/document';

export class UndescribedResponse extends Error {}

/** Where the document's own `$ref`s (`#/components/…`) resolve. */
const DOCUMENT_URI = 'https://gatehouse.test/openapi.json';

export interface ReceivedResponse {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
  /** The request as sent: its body is held to the document's when the response is a success. */
  readonly request?: { readonly contentType: string | null; readonly body: string };
}

type Check = (response: ReceivedResponse) => void;

/** `{id}` → one path segment. */
function pathPattern(template: string): RegExp {
  const escaped = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/\{[^}]+\}/g, '[^/]+')}$`);
}

function decodedPath(pathname: string): string {
  const decode = (text: string, fallback: (text: string) => string) => {
    try {
      return decodeURI(text);
    } catch {
      return fallback(text);
    }
  };
  // Like Hono: when the whole path does not decode, each run of escapes that does is decoded.
  return decode(pathname, (path) =>
    path.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => decode(run, (undecodable) => undecodable)),
  );
}

/** The checks of one document, ready to run on any number of responses. */
export function responseChecker(original: OpenApiDocument): Check {
  // The validator annotates the schemas it indexes; the caller's document stays untouched.
  const document = structuredClone(original);
  const lookup = dereference(document as unknown as Schema, Object.create(null), new URL(DOCUMENT_URI));
  const routes = Object.entries(document.paths).map(([template, item]) => ({
    template,
    pattern: pathPattern(template),
    item,
  }));

  const resolve = <T>(node: T | { $ref: string }): T => {
    if (typeof node === 'object' && node !== null && '$ref' in node) {
      const target = lookup[new URL(node.$ref, DOCUMENT_URI).href];
      if (target === undefined) throw new UndescribedResponse(`the document has no ${node.$ref}`);
      return target as T;
    }
    return node as T;
  };

  const conforms = (where: string, what: string, instance: unknown, schema: unknown) => {
    const result = validate(instance, schema as Schema, '2020-12', lookup, false);
    if (!result.valid) {
      const errors = result.errors
        .slice(-4)
        .map((error) => `${error.instanceLocation} ${error.keyword}: ${error.error}`)
        .join('\n  ');
      throw new UndescribedResponse(`${where}: ${what} does not match the document:\n  ${errors}`);
    }
  };

  const parsedBody = (where: string, mediaType: string, body: string): unknown => {
    if (!/[/+]json$/.test(mediaType)) return body;
    try {
      return JSON.parse(body);
    } catch {
      throw new UndescribedResponse(`${where}: a ${mediaType} body that is not JSON: ${body.slice(0, 200)}`);
    }
  };

  /** What the document says of requests that reach no operation (worker/openapi/document.ts). */
  const checkUnrouted = (where: string, response: ReceivedResponse, mediaType: string) => {
    if (response.method === 'OPTIONS' && response.status === 204 && response.body === '') return;
    if (response.status === 405 && !response.headers.has('Allow')) {
      throw new UndescribedResponse(`${where}: a 405 without Allow`);
    }
    if (mediaType !== 'application/problem+json') {
      throw new UndescribedResponse(
        `${where}: no operation describes this request, and this is no problem document`,
      );
    }
    if (response.method === 'HEAD') return;
    const body = parsedBody(where, mediaType, response.body) as { status?: unknown };
    conforms(
      where,
      `the problem of a request no operation describes (${UNROUTED_PROBLEMS.join(', ')})`,
      body,
      {
        oneOf: UNROUTED_PROBLEMS.map((type) => ({
          $ref: `${DOCUMENT_URI}#/components/schemas/${problemSchemaName(type)}`,
        })),
      },
    );
    if (body.status !== response.status)
      throw new UndescribedResponse(`${where}: the problem's status is not the response's`);
    if (response.status === 405 && !response.headers.has('Allow')) {
      throw new UndescribedResponse(`${where}: a 405 without Allow`);
    }
  };

  /**
   * A body the route accepted must be one the document describes: the media type among the request
   * body's, the fields against its schema. This is what holds the bodies checked by hand (the passkey
   * routes' WebAuthn JSON) to their description; a refused body proves nothing, so it is not checked.
   */
  const checkAcceptedBody = (
    where: string,
    operation: OpenApiOperation,
    request: ReceivedResponse['request'],
  ) => {
    if (request === undefined || request.body === '' || operation.requestBody === undefined) return;
    const mediaType = (request.contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
    const content = operation.requestBody.content[mediaType];
    if (content === undefined) {
      throw new UndescribedResponse(
        `${where}: accepted a ${mediaType || 'body without Content-Type'}, where the document has ${Object.keys(operation.requestBody.content).join(', ')}`,
      );
    }
    const fields =
      mediaType === 'application/x-www-form-urlencoded'
        ? Object.fromEntries(new URLSearchParams(request.body))
        : parsedBody(where, mediaType, request.body);
    conforms(where, 'the request body it accepted', fields, content.schema);
  };

  return (response) => {
    const { pathname } = new URL(response.url);
    // The PWA's static files are not the API's (worker/index.ts).
    if (!isApiPath(pathname)) return;
    const where = `${response.method} ${pathname.slice(0, 80)} → ${response.status}`;
    const mediaType =
      (response.headers.get('Content-Type') ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
    const method = response.method === 'HEAD' ? 'get' : response.method.toLowerCase();
    // Routes match the path as Hono reads it: percent-decoded, but for reserved characters (decodeURI).
    const routed = decodedPath(pathname);
    const route = routes.find((candidate) => candidate.pattern.test(routed));
    const operation: OpenApiOperation | undefined = route?.item[method];
    if (operation === undefined) return checkUnrouted(where, response, mediaType);

    const described = operation.responses[String(response.status)] ?? operation.responses.default;
    if (described === undefined) {
      throw new UndescribedResponse(
        `${where}: ${route?.template} has no ${response.status} response in the document`,
      );
    }
    for (const [name, header] of Object.entries(described.headers ?? {})) {
      const { required, schema } = resolve<OpenApiHeader>(header);
      const value = response.headers.get(name);
      if (value === null) {
        if (required) throw new UndescribedResponse(`${where}: the header ${name} is missing`);
        continue;
      }
      conforms(where, `the header ${name}`, value, schema);
    }
    if (response.status < 300) checkAcceptedBody(where, operation, response.request);
    if (response.method === 'HEAD') return;
    if (described.content === undefined) {
      if (response.body !== '') throw new UndescribedResponse(`${where}: a body where the document has none`);
      return;
    }
    const content = described.content[mediaType];
    if (content === undefined) {
      throw new UndescribedResponse(
        `${where}: ${mediaType || 'no Content-Type'}, where the document has ${Object.keys(described.content).join(', ')}`,
      );
    }
    conforms(where, 'the body', parsedBody(where, mediaType, response.body), content.schema);
  };
}
