// How a route group describes its routes for the OpenAPI document (docs/openapi.md). Each group's
// descriptions live beside it (`worker/routes/<group>.openapi.ts`) and are read only when the document
// is built, never by the Worker: none of this text is in its bundle.
import type * as v from 'valibot';
import type { FieldsSchema } from '../http/body';
import type { ProblemType } from '../http/problem';

/** A JSON Schema (draft 2020-12, OpenAPI 3.1's dialect), for what no valibot schema describes. */
export type JsonSchema = { readonly [keyword: string]: unknown };

/** A route as Hono has it: method and path, `:name` for a path parameter (`DELETE /sessions/:id`). */
export type RouteKey = `${'GET' | 'POST' | 'PATCH' | 'DELETE'} /${string}`;

/** The body a route reads with `readFields` (worker/http/body.ts), in both media types. */
export interface BodyDescription {
  readonly schema: FieldsSchema;
  /** What each field holds, by name. */
  readonly fields: Readonly<Record<string, string>>;
}

/** Describes the schema the route validates with; `fields` must name exactly the schema's fields. */
export function describeBody<const Schema extends FieldsSchema>(
  schema: Schema,
  fields: { readonly [Name in keyof Schema['entries'] & string]: string },
): BodyDescription {
  return { schema, fields };
}

/**
 * A body of nested JSON that the route reads with `readJsonFields` (worker/http/body.ts) and checks by
 * hand, as the passkey routes do (worker/passkeys/credential-json.ts). `application/json` only. The
 * schema is written here after those checks and describes them; it validates nothing, so unlike a
 * `BodyDescription` it can differ from what the route accepts (docs/openapi.md, "Bodies checked by
 * hand").
 */
export interface JsonBodyDescription {
  /** Each member says what it holds with `v.description`. */
  readonly schema: v.GenericSchema;
  /** False when the route takes an empty body too. */
  readonly required: boolean;
}

export interface ParameterDescription {
  readonly description: string;
  readonly schema: JsonSchema;
}

export interface HeaderDescription {
  readonly description: string;
  readonly schema: JsonSchema;
}

/** The answer of a route that did what it was asked. */
export interface SuccessDescription {
  readonly status: 200 | 201 | 204;
  readonly description: string;
  /**
   * The `text/plain` form: the default, and what the tutorial's client reads (docs/contract.md §2).
   * Absent when the route answers only JSON or nothing.
   */
  readonly text?: JsonSchema;
  /**
   * The `application/json` form, under its name among the document's schemas; `definitions` are
   * schemas within it that are named too (a list's items).
   */
  readonly json?: {
    readonly name: string;
    readonly schema: v.GenericSchema;
    readonly definitions?: Readonly<Record<string, v.GenericSchema>>;
  };
  readonly headers?: Readonly<Record<string, HeaderDescription>>;
}

export interface RouteDescription {
  /** The name generated clients give the call, such as `login` or `listSessions`. */
  readonly operationId: string;
  readonly summary: string;
  readonly description: string;
  /** The group it is listed under. */
  readonly tag: string;
  /** Guarded by an access token (worker/http/require-session.ts). */
  readonly authenticated?: boolean;
  readonly body?: BodyDescription;
  /** A JSON-only body checked by hand; a route has this or `body`, never both. */
  readonly jsonBody?: JsonBodyDescription;
  readonly path?: Readonly<Record<string, ParameterDescription>>;
  readonly query?: Readonly<Record<string, ParameterDescription>>;
  readonly success: SuccessDescription;
  /**
   * The problems the route's own code answers with. Those of the middleware every such route passes
   * (the token check, body parsing, cross-site refusal, body limit, configuration) are added by the
   * document itself (worker/openapi/document.ts).
   */
  readonly problems?: readonly ProblemType[];
}

export type RouteDescriptions = Readonly<Partial<Record<RouteKey, RouteDescription>>>;
