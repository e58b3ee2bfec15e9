// The API reference at /docs: one static HTML page rendered from the OpenAPI document at build time
// (docs/openapi.md). No script at all, one stylesheet of our own: it reads offline from the service
// worker's cache and under the app's Content-Security-Policy unchanged.
import { marked } from 'marked';
import type { OpenApiDocument, OpenApiHeader, OpenApiOperation, OpenApiResponse } from './document';
import type { JsonSchema } from './route-description';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** Our own descriptions, in Markdown (CommonMark and tables). */
const markdown = (text: string) => marked.parse(text, { async: false, gfm: true });
const inlineMarkdown = (text: string) => marked.parseInline(text, { async: false, gfm: true });

const schemaName = (ref: string) => ref.slice(ref.lastIndexOf('/') + 1);
const schemaLink = (ref: string) =>
  `<a href="#schema-${escapeHtml(schemaName(ref))}">${escapeHtml(schemaName(ref))}</a>`;

/** A schema in a few words: `string`, `integer or null`, `array of Session`, `"Bearer"`. */
function typeOf(schema: JsonSchema): string {
  if (typeof schema.$ref === 'string') return schemaLink(schema.$ref);
  if ('const' in schema) return `<code>${escapeHtml(JSON.stringify(schema.const))}</code>`;
  if (Array.isArray(schema.enum)) {
    return `one of ${schema.enum.map((value) => `<code>${escapeHtml(JSON.stringify(value))}</code>`).join(', ')}`;
  }
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const options = schema[keyword];
    if (Array.isArray(options)) return options.map((option) => typeOf(option as JsonSchema)).join(' or ');
  }
  if (Array.isArray(schema.allOf))
    return schema.allOf.map((part) => typeOf(part as JsonSchema)).join(' and ');
  if (schema.type === 'array' && typeof schema.items === 'object') {
    return `array of ${typeOf(schema.items as JsonSchema)}`;
  }
  return typeof schema.type === 'string' ? escapeHtml(schema.type) : 'any';
}

/** The rules of a schema beyond its type: bounds, patterns, defaults. */
function constraintsOf(schema: JsonSchema): string {
  const rules: string[] = [];
  if (typeof schema.pattern === 'string') rules.push(`matches <code>${escapeHtml(schema.pattern)}</code>`);
  if (typeof schema.minimum === 'number') rules.push(`≥ ${schema.minimum}`);
  if (typeof schema.maximum === 'number') rules.push(`≤ ${schema.maximum}`);
  if (typeof schema.maxLength === 'number') rules.push(`at most ${schema.maxLength} characters`);
  if (schema.default !== undefined)
    rules.push(`default <code>${escapeHtml(JSON.stringify(schema.default))}</code>`);
  return rules.join('; ');
}

function describedType(schema: JsonSchema): string {
  const rules = constraintsOf(schema);
  return rules === '' ? typeOf(schema) : `${typeOf(schema)}; ${rules}`;
}

/** One name of a list: what it is called and holds, and what it means. */
const member = (name: string, type: string, meaning: string) =>
  `<dt><code>${escapeHtml(name)}</code> ${type}</dt><dd>${meaning}</dd>`;

/** An object schema as the list of its members; anything else in a line. */
function schemaBody(schema: JsonSchema): string {
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  if (schema.type !== 'object' || properties === undefined) return `<p>${describedType(schema)}</p>`;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const members = Object.entries(properties).map(([name, property]) =>
    member(
      name,
      `${describedType(property)}${required.has(name) ? '' : ' <span class="optional">(optional)</span>'}`,
      typeof property.description === 'string' ? inlineMarkdown(property.description) : '',
    ),
  );
  const closed = schema.additionalProperties === false ? '<p class="note">No other members.</p>' : '';
  return `<dl class="members">${members.join('')}</dl>${closed}`;
}

function headersList(
  document: OpenApiDocument,
  headers: OpenApiResponse['headers'],
  skip: ReadonlySet<string>,
): string {
  const items = Object.entries(headers ?? {})
    .filter(([name]) => !skip.has(name))
    .map(([name, header]) => {
      const resolved: OpenApiHeader =
        '$ref' in header ? (document.components.headers[schemaName(header.$ref)] as OpenApiHeader) : header;
      return `<li><code>${escapeHtml(name)}</code>: ${describedType(resolved.schema)}${resolved.description ? ` — ${inlineMarkdown(resolved.description)}` : ''}</li>`;
    });
  return items.length === 0 ? '' : `<ul class="headers">${items.join('')}</ul>`;
}

function operationSection(
  document: OpenApiDocument,
  method: string,
  path: string,
  operation: OpenApiOperation,
) {
  const parts = [
    `<section class="operation" id="${escapeHtml(operation.operationId)}">`,
    `<h3><span class="method method-${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>`,
    `<p class="summary">${escapeHtml(operation.summary)}</p>`,
    markdown(operation.description),
  ];
  if (operation.security !== undefined) {
    parts.push('<p class="auth">Needs an access token: <a href="#authentication">Authorization</a>.</p>');
  }
  if (operation.parameters !== undefined) {
    const members = operation.parameters.map((parameter) =>
      member(
        parameter.name,
        `${describedType(parameter.schema)} <span class="optional">(${parameter.in}${parameter.required ? '' : ', optional'})</span>`,
        inlineMarkdown(parameter.description),
      ),
    );
    parts.push('<h4>Parameters</h4>', `<dl class="members">${members.join('')}</dl>`);
  }
  if (operation.requestBody !== undefined) {
    const types = Object.keys(operation.requestBody.content);
    const schema = operation.requestBody.content[types[0] as string]?.schema ?? {};
    const fields =
      typeof schema.$ref === 'string' ? document.components.schemas[schemaName(schema.$ref)] : schema;
    parts.push(
      '<h4>Request body</h4>',
      `<p>${types.map((type) => `<code>${escapeHtml(type)}</code>`).join(' or ')}: ${typeOf(schema)}. Other fields are ignored.</p>`,
      schemaBody(fields ?? schema),
    );
  }
  parts.push('<h4>Responses</h4><dl class="responses">');
  for (const [status, response] of Object.entries(operation.responses)) {
    const content = Object.entries(response.content ?? {})
      .map(([type, media]) => `<li><code>${escapeHtml(type)}</code>: ${describedType(media.schema)}</li>`)
      .join('');
    parts.push(
      `<dt class="status status-${status.charAt(0)}xx">${escapeHtml(status)}</dt>`,
      `<dd>${inlineMarkdown(response.description)}${content === '' ? '' : `<ul>${content}</ul>`}${headersList(document, response.headers, new Set(['X-Request-Id']))}</dd>`,
    );
  }
  parts.push('</dl></section>');
  return parts.join('\n');
}

/** The whole page; `stylesheet` is the address of its CSS. */
export function referencePage(document: OpenApiDocument, stylesheet: string): string {
  const byTag = new Map<string, [string, string, OpenApiOperation][]>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const tag = operation.tags[0] ?? 'Other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), [method, path, operation]]);
    }
  }
  const contents = [...byTag]
    .map(
      ([tag, operations]) =>
        `<li>${escapeHtml(tag)}<ul>${operations
          .map(
            ([method, path, operation]) =>
              `<li><a href="#${escapeHtml(operation.operationId)}"><span class="method method-${method}">${method.toUpperCase()}</span> ${escapeHtml(path)}</a></li>`,
          )
          .join('')}</ul></li>`,
    )
    .join('');
  const schemes = Object.entries(document.components.securitySchemes)
    .map(([name, scheme]) => {
      const description = (scheme as { description?: string }).description ?? '';
      return `<li><strong>${escapeHtml(name)}</strong>: ${inlineMarkdown(description)}</li>`;
    })
    .join('');
  const schemas = Object.entries(document.components.schemas)
    .map(
      ([name, schema]) =>
        `<section class="schema" id="schema-${escapeHtml(name)}"><h3>${escapeHtml(name)}</h3>` +
        `${typeof schema.description === 'string' ? markdown(schema.description) : ''}` +
        `${Array.isArray(schema.allOf) ? schemaBody({ type: 'object', properties: schema.properties, required: Object.keys(schema.properties ?? {}) }) : schemaBody(schema)}` +
        `${Array.isArray(schema.allOf) ? `<p class="note">A ${typeOf({ allOf: schema.allOf })} with these values.</p>` : ''}</section>`,
    )
    .join('\n');

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(document.info.title)} API reference</title>
<link rel="icon" href="/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${escapeHtml(stylesheet)}">
</head>
<body>
<header>
<h1>${escapeHtml(document.info.title)} API <span class="version">${escapeHtml(document.info.version)}</span></h1>
<p>Generated from <a href="/openapi.json">openapi.json</a> (OpenAPI ${escapeHtml(document.openapi)}), the description the tests hold every response to. <a href="/">Open the app</a>.</p>
</header>
<nav aria-label="Contents"><ul><li><a href="#overview">Overview</a></li><li><a href="#authentication">Authorization</a></li>${contents}<li><a href="#schemas">Schemas</a></li></ul></nav>
<main>
<section id="overview"><h2>Overview</h2>
${markdown(document.info.description)}
</section>
<section id="authentication"><h2>Authorization</h2>
<p>Routes that need an access token take it in the <code>Authorization</code> header, either way:</p>
<ul>${schemes}</ul>
</section>
${[...byTag]
  .map(
    ([tag, operations]) =>
      `<section class="tag"><h2>${escapeHtml(tag)}</h2>\n${operations.map(([method, path, operation]) => operationSection(document, method, path, operation)).join('\n')}</section>`,
  )
  .join('\n')}
<section id="schemas"><h2>Schemas</h2>
${schemas}
</section>
</main>
</body>
</html>
`;
}
