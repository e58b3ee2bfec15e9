// Strict request-body parsing for credential forms. Both encodings the API accepts end up as the same
// record of fields, checked by the route's schema; every way a body can be wrong is a ProblemError
// with a reason.
import * as v from 'valibot';
import { ProblemError } from './problem';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export type MediaType = 'form' | 'json';

/** The media type without parameters, case-insensitive; `null` for anything we do not accept. */
export function mediaTypeOf(contentType: string | null | undefined): MediaType | null {
  const essence = (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase();
  if (essence === 'application/x-www-form-urlencoded') return 'form';
  if (essence === 'application/json') return 'json';
  return null;
}

function decodeText(bytes: ArrayBuffer): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new ProblemError('invalid-request', 'The body is not valid UTF-8.');
  }
}

/** `application/x-www-form-urlencoded` as browsers and Dart write it: `+` is a space, `%XX` bytes are UTF-8. */
export function parseForm(text: string): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  if (text === '') return fields;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const rawName = equals === -1 ? pair : pair.slice(0, equals);
    const rawValue = equals === -1 ? '' : pair.slice(equals + 1);
    let name: string;
    let value: string;
    try {
      name = decodeURIComponent(rawName.replaceAll('+', ' '));
      value = decodeURIComponent(rawValue.replaceAll('+', ' '));
    } catch {
      throw new ProblemError('invalid-request', 'The form body has malformed percent-encoding.');
    }
    if (fields.has(name))
      throw new ProblemError('invalid-request', `The field "${safeName(name)}" is repeated.`);
    fields.set(name, value);
  }
  return fields;
}

/** The keys of the top-level object in already-validated JSON text, in order, duplicates included. */
function topLevelKeys(json: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < json.length; i++) {
    const char = json[i];
    if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') depth--;
    else if (char === '"') {
      const start = i;
      for (i++; json[i] !== '"'; i++) if (json[i] === '\\') i++;
      if (depth !== 1) continue;
      let next = i + 1;
      while (json[next] === ' ' || json[next] === '\n' || json[next] === '\r' || json[next] === '\t') next++;
      if (json[next] === ':') keys.push(JSON.parse(json.slice(start, i + 1)) as string);
    }
  }
  return keys;
}

export function parseJsonObject(text: string): Map<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ProblemError('invalid-request', 'The body is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProblemError('invalid-request', 'The body must be a JSON object.');
  }
  const keys = topLevelKeys(text);
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key)) throw new ProblemError('invalid-request', `The field "${safeName(key)}" is repeated.`);
    seen.add(key);
  }
  return new Map(Object.entries(value));
}

const ACCEPTED = 'application/x-www-form-urlencoded or application/json';

/** `"a"`, `"a" and "b"`, `"a", "b" and "c"`. */
function fieldList(names: readonly string[]): string {
  const quoted = names.map((name) => `"${name}"`);
  return quoted.length < 2 ? (quoted[0] ?? '') : `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`;
}

/** Field names are echoed in reasons, so keep them short and printable. */
function safeName(name: string): string {
  const printable = name.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > 40 ? `${printable.slice(0, 40)}…` : printable;
}

/**
 * A request body as the routes declare it: named fields, each exactly one string, the optional ones
 * possibly absent. The same schema object validates the body here and describes it in the OpenAPI
 * document (docs/openapi.md), so the two cannot disagree.
 */
export type FieldsSchema = v.ObjectSchema<
  Record<string, v.StringSchema<undefined> | v.OptionalSchema<v.StringSchema<undefined>, undefined>>,
  undefined
>;

/**
 * Reads the fields of `schema` from a form or JSON body. Other fields are ignored. The size limit is
 * enforced before this runs (body-limit middleware); the encodings, duplicates and media types are
 * checked here, the fields by the schema.
 */
export async function readFields<const Schema extends FieldsSchema>(
  request: Request,
  schema: Schema,
): Promise<v.InferOutput<Schema>> {
  const bytes = await request.arrayBuffer();
  // No body at all is a request that forgot its fields, whatever type it declares: say which.
  if (bytes.byteLength === 0) {
    const required = Object.keys(schema.entries).filter((name) => schema.entries[name]?.type !== 'optional');
    throw new ProblemError(
      'invalid-request',
      `The body is empty: send ${fieldList(required)} as ${ACCEPTED}.`,
    );
  }
  const contentType = request.headers.get('Content-Type');
  if (contentType === null) {
    throw new ProblemError('unsupported-media-type', `The Content-Type header is missing: send ${ACCEPTED}.`);
  }
  const mediaType = mediaTypeOf(contentType);
  if (mediaType === null) throw new ProblemError('unsupported-media-type', `Send ${ACCEPTED}.`);
  const text = decodeText(bytes);
  const fields = mediaType === 'form' ? parseForm(text) : parseJsonObject(text);
  // curl -d sends this Content-Type unless told otherwise, so JSON arrives labelled as a form: any
  // field it lacks, even an optional one, is most likely inside that JSON.
  if (
    mediaType === 'form' &&
    /^\s*\{/.test(text) &&
    Object.keys(schema.entries).some((name) => !fields.has(name))
  ) {
    throw new ProblemError(
      'unsupported-media-type',
      'The body looks like JSON but its Content-Type is application/x-www-form-urlencoded: send Content-Type: application/json.',
    );
  }
  // Without a prototype, `constructor` or `toString` are fields only when the client sent them.
  const input: Record<string, unknown> = Object.setPrototypeOf(Object.fromEntries(fields), null);
  // The first failing field in the schema's order, as the answer names one.
  const result = v.safeParse(schema, input, { abortEarly: true });
  if (result.success) return result.output;
  const [issue] = result.issues;
  const name = String(issue.path?.[0]?.key);
  // An `object` issue is a field that is not there; any other is a value of the wrong type.
  throw new ProblemError(
    'invalid-request',
    issue.type === 'object' ? `The field "${name}" is required.` : `The field "${name}" must be a string.`,
  );
}

/** `readFields` for a list of required names and one of optional names. */
export function readStringFields<const Name extends string, const Optional extends string = never>(
  request: Request,
  names: readonly Name[],
  optional: readonly Optional[] = [],
): Promise<Record<Name, string> & Partial<Record<Optional, string>>> {
  const entries: FieldsSchema['entries'] = {};
  for (const name of names) entries[name] = v.string();
  for (const name of optional) entries[name] = v.optional(v.string());
  return readFields(request, v.object(entries)) as Promise<
    Record<Name, string> & Partial<Record<Optional, string>>
  >;
}

/**
 * The top-level fields of a JSON object body (WebAuthn's JSON forms nest objects, so fields are not
 * flattened to strings). JSON only: a form cannot carry them. An empty body is `{}` when `allowEmpty`.
 */
export async function readJsonFields(
  request: Request,
  options: { allowEmpty?: boolean } = {},
): Promise<Map<string, unknown>> {
  const bytes = await request.arrayBuffer();
  if (bytes.byteLength === 0) {
    if (options.allowEmpty) return new Map();
    throw new ProblemError('invalid-request', 'The body is empty: send a JSON object.');
  }
  if (mediaTypeOf(request.headers.get('Content-Type')) !== 'json') {
    throw new ProblemError('unsupported-media-type', 'Send application/json.');
  }
  return parseJsonObject(decodeText(bytes));
}
