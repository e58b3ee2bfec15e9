// The API reference page (/docs) rendered from the OpenAPI document (docs/openapi.md): every
// operation and schema on it, every link within it resolving, no script, nothing unescaped.
import { describe, expect, it } from 'vitest';
import { type OpenApiDocument, openApiDocument } from '../../worker/openapi/document';
import { referencePage } from '../../worker/openapi/reference-page';

const document = openApiDocument();
const STYLESHEET = '/assets/api-reference-test.css';
const page = referencePage(document, STYLESHEET);

describe('the API reference page', () => {
  it('has a section for every operation, headed by its method and path', () => {
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const section = page.match(
          new RegExp(`<section class="operation" id="${operation.operationId}">\\n<h3>(.*)</h3>`),
        );
        expect(section?.[1]?.replace(/<[^>]+>/g, ''), operation.operationId).toBe(
          `${method.toUpperCase()} ${path}`,
        );
      }
    }
  });

  it('has a section for every schema, and every link within the page has its target', () => {
    const ids = new Set([...page.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1]));
    for (const name of Object.keys(document.components.schemas)) expect(ids).toContain(`schema-${name}`);
    const targets = [...page.matchAll(/\shref="#([^"]+)"/g)].map((match) => match[1]);
    expect(targets.length).toBeGreaterThan(20);
    expect(targets.filter((target) => !ids.has(target))).toEqual([]);
  });

  it('loads nothing but its own stylesheet and icon: no script, no inline style or handler', () => {
    expect(page).not.toMatch(/<script|<style|\sstyle=|\son[a-z]+=/i);
    expect(page).toContain(`<link rel="stylesheet" href="${STYLESHEET}">`);
    const addresses = [...page.matchAll(/\s(?:href|src)="([^"]+)"/g)].map((match) => match[1]);
    expect(addresses.filter((address) => !/^[/#]/.test(address ?? ''))).toEqual([]);
  });

  it("escapes the document's names and summaries", () => {
    const hostile = structuredClone(document) as unknown as {
      info: { title: string };
      paths: Record<string, Record<string, { summary: string }>>;
    };
    hostile.info.title = '<img src=x onerror=alert(1)>';
    const login = hostile.paths['/login']?.post;
    if (login === undefined) throw new Error('no POST /login');
    login.summary = '</section><script>alert(1)</script>';
    const rendered = referencePage(hostile as unknown as OpenApiDocument, STYLESHEET);
    expect(rendered).not.toMatch(/<img|<script/);
    expect(rendered).toContain('&#60;/section&#62;&#60;script&#62;');
  });
});
