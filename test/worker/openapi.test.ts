// The OpenAPI document (docs/openapi.md) names every route of the app, and the response check that
// every Worker test runs (openapi-conformance.ts) refuses what the document does not describe.
import { describe, expect, it } from 'vitest';
import { createApp } from '../../worker/app';
import { type OpenApiDocument, openApiDocument, openApiPath } from '../../worker/openapi/document';
import { newAccount, ORIGIN, PASSWORD, postCredentials, request, uniqueName } from './http';
import { type ReceivedResponse, responseChecker, UndescribedResponse } from './openapi-conformance';

const document = openApiDocument();

/** Every route the app answers, as `METHOD /openapi/{path}`; Hono lists middleware as `ALL`. */
function appRoutes(): string[] {
  const routes = createApp()
    .routes.filter((route) => route.method !== 'ALL')
    .map((route) => `${route.method} ${openApiPath(route.path)}`);
  return [...new Set(routes)].sort();
}

function documentedRoutes(of: OpenApiDocument = document): string[] {
  return Object.entries(of.paths)
    .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
}

/** A response as the check receives it, read once, with the request body that was sent, if any. */
async function received(
  method: string,
  path: string,
  response: Response,
  sent?: { contentType: string; body: string },
): Promise<ReceivedResponse> {
  const { status, headers } = response;
  return {
    method,
    url: `${ORIGIN}${path}`,
    status,
    headers,
    body: await response.text(),
    ...(sent === undefined ? {} : { request: sent }),
  };
}

/** The document as JSON a test may change anywhere. */
// biome-ignore lint/suspicious/noExplicitAny: each test reaches deep into the JSON it edits.
type EditableDocument = { paths: Record<string, any>; components: Record<string, any> };

/** A check of a copy of the document, changed by `edit`. */
function edited(edit: (copy: EditableDocument) => void) {
  const copy = structuredClone(document) as unknown as EditableDocument;
  edit(copy);
  return responseChecker(copy as unknown as OpenApiDocument);
}

describe('the OpenAPI document', () => {
  it('describes every route of the app, and no route the app does not have', () => {
    expect(appRoutes().length).toBeGreaterThan(0);
    expect(documentedRoutes()).toEqual(appRoutes());
  });

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(document))).toEqual(document);
  });

  it('describes request bodies in both media types, responses in both forms, and the security scheme', () => {
    const login = document.paths['/login']?.post;
    expect(Object.keys(login?.requestBody?.content ?? {})).toEqual([
      'application/x-www-form-urlencoded',
      'application/json',
    ]);
    expect(Object.keys(login?.responses['200']?.content ?? {})).toEqual(['text/plain', 'application/json']);
    expect(document.paths['/data']?.get?.security).toEqual([{ bearer: [] }, { token: [] }]);
    expect(document.paths['/login']?.post?.security).toBeUndefined();
  });
});

describe('the response check', () => {
  it('accepts what the document describes, and refuses a status it does not', async () => {
    const name = uniqueName();
    await postCredentials('/signup', name, PASSWORD);
    const taken = await received('POST', '/signup', await postCredentials('/signup', name, PASSWORD));
    expect(taken.status).toBe(409);
    expect(() => responseChecker(document)(taken)).not.toThrow();
    const without409 = edited((copy) => {
      delete copy.paths['/signup'].post.responses['409'];
    });
    expect(() => without409(taken)).toThrow(UndescribedResponse);
    expect(() => without409(taken)).toThrow(/has no 409 response/);
  });

  it('refuses a JSON member the schema does not have, and one it requires that is missing', async () => {
    const name = uniqueName();
    const json = { json: true, accept: 'application/json' };
    const created = await received('POST', '/signup', await postCredentials('/signup', name, PASSWORD, json));
    expect(() => responseChecker(document)(created)).not.toThrow();
    const noCreatedAt = edited((copy) => {
      delete copy.components.schemas.CreatedAccount.properties.created_at;
      copy.components.schemas.CreatedAccount.required = ['username'];
    });
    expect(() => noCreatedAt(created)).toThrow(/the body does not match/);
    const moreRequired = edited((copy) => {
      copy.components.schemas.CreatedAccount.required.push('id');
    });
    expect(() => moreRequired(created)).toThrow(/the body does not match/);
  });

  it('refuses a media type the response does not list, and text the schema does not allow', async () => {
    const { token } = await newAccount();
    const data = await received(
      'GET',
      '/data',
      await request('/data', { headers: { Authorization: token } }),
    );
    expect(data.headers.get('Content-Type')).toMatch(/^text\/plain/);
    expect(() => responseChecker(document)(data)).not.toThrow();
    const jsonOnly = edited((copy) => {
      delete copy.paths['/data'].get.responses['200'].content['text/plain'];
    });
    expect(() => jsonOnly(data)).toThrow(/text\/plain, where the document has application\/json/);
    const otherText = edited((copy) => {
      copy.paths['/data'].get.responses['200'].content['text/plain'].schema = { const: 'something else' };
    });
    expect(() => otherText(data)).toThrow(/the body does not match/);
  });

  it('refuses a response without a header the document requires, or with a problem type it does not list', async () => {
    const refused = await received('GET', '/data', await request('/data'));
    expect(refused.status).toBe(401);
    expect(() => responseChecker(document)(refused)).not.toThrow();
    const moreHeaders = edited((copy) => {
      copy.paths['/data'].get.responses['401'].headers['X-Never-Sent'] = { required: true, schema: {} };
    });
    expect(() => moreHeaders(refused)).toThrow(/the header X-Never-Sent is missing/);
    const otherType = edited((copy) => {
      copy.paths['/data'].get.responses['401'].content['application/problem+json'].schema = {
        $ref: '#/components/schemas/InvalidCredentialsProblem',
      };
    });
    expect(() => otherType(refused)).toThrow(/the body does not match/);
  });

  it('refuses a body where the document has none, and a request no operation describes unless it is a problem', async () => {
    const { token } = await newAccount();
    const logout = await received(
      'POST',
      '/logout',
      await request('/logout', { method: 'POST', headers: { Authorization: token } }),
    );
    expect(logout.status).toBe(204);
    expect(() => responseChecker(document)({ ...logout, body: 'Bye' })).toThrow(
      /a body where the document has none/,
    );
    const notFound = await received('GET', '/sessions/x/y', await request('/sessions/x/y'));
    expect(notFound.status).toBe(404);
    expect(() => responseChecker(document)(notFound)).not.toThrow();
    expect(() => responseChecker(document)({ ...notFound, body: '{"type":"/problems/not-found"}' })).toThrow(
      /does not match/,
    );
  });

  it('refuses an accepted request body the document does not describe, in fields or media type', async () => {
    const json = { contentType: 'application/json', body: JSON.stringify({ username: uniqueName() }) };
    const init = { method: 'POST', headers: { 'Content-Type': json.contentType }, body: json.body };
    const options = await received(
      'POST',
      '/passkeys/login/options',
      await request('/passkeys/login/options', init),
      json,
    );
    expect(options.status).toBe(200);
    expect(() => responseChecker(document)(options)).not.toThrow();
    const moreRequired = edited((copy) => {
      copy.components.schemas.PasskeyLoginOptionsBody.required = ['username', 'device'];
    });
    expect(() => moreRequired(options)).toThrow(/the request body it accepted does not match/);
    const otherType = edited((copy) => {
      copy.components.schemas.PasskeyLoginOptionsBody.properties.username = { type: 'integer' };
    });
    expect(() => otherType(options)).toThrow(/the request body it accepted does not match/);

    const name = uniqueName();
    await postCredentials('/signup', name, PASSWORD);
    const login = await received('POST', '/login', await postCredentials('/login', name, PASSWORD), {
      contentType: 'application/x-www-form-urlencoded; charset=utf-8',
      body: new URLSearchParams({ username: name, password: PASSWORD }).toString(),
    });
    expect(login.status).toBe(200);
    expect(() => responseChecker(document)(login)).not.toThrow();
    const jsonOnly = edited((copy) => {
      delete copy.paths['/login'].post.requestBody.content['application/x-www-form-urlencoded'];
    });
    expect(() => jsonOnly(login)).toThrow(
      /accepted a application\/x-www-form-urlencoded, where the document has application\/json/,
    );
    // A refusal says nothing about what the route accepts: its body is not held to the document.
    const refused = await received('POST', '/login', await postCredentials('/login', name, 'wrong'), {
      contentType: 'application/x-www-form-urlencoded',
      body: 'password=wrong',
    });
    expect(refused.status).toBe(401);
    expect(() => responseChecker(document)(refused)).not.toThrow();
  });
});
