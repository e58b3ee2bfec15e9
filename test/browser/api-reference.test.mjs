// The OpenAPI document and the API reference page as the built app serves them (docs/openapi.md):
// /openapi.json for clients and viewers, /docs readable under the app's Content-Security-Policy, with
// no script, and offline from the service worker's cache.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { axe, checkLayouts, ROOT, useServer, withBrowsers } from './harness.mjs';

const server = useServer();

/** The API's roots (worker/http/api-paths.ts), read from its source. */
function apiRoots() {
  const source = readFileSync(join(ROOT, 'worker', 'http', 'api-paths.ts'), 'utf8');
  const list = source.match(/API_ROOTS = \[([^\]]*)\]/)?.[1] ?? '';
  return [...list.matchAll(/'([^']+)'/g)].map((match) => match[1]);
}

/** @returns {Promise<{ openapi: string, paths: Record<string, Record<string, { operationId: string }>> }>} */
async function servedDocument() {
  const response = await fetch(`${server.base}/openapi.json`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  return response.json();
}

describe('the OpenAPI document and its reference page', () => {
  test('/openapi.json is OpenAPI 3.1 with a path under every root of the API, open to other origins', async () => {
    const document = await servedDocument();
    assert.match(document.openapi, /^3\.1\./);
    const paths = Object.keys(document.paths);
    const roots = apiRoots();
    assert.ok(roots.length > 5);
    for (const root of roots) {
      assert.ok(
        paths.some((path) => path === `/${root}` || path.startsWith(`/${root}/`)),
        `a path under /${root}`,
      );
    }
    const response = await fetch(`${server.base}/openapi.json`, {
      headers: { Origin: 'https://viewer.example' },
    });
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
  });

  test('/docs is static HTML under the strict policy: no script, no inline style, our own stylesheet', async () => {
    const response = await fetch(`${server.base}/docs`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    const html = await response.text();
    assert.doesNotMatch(html, /<script|<style|\sstyle=|\son[a-z]+=/i);
    const stylesheet = html.match(/<link rel="stylesheet" href="([^"]+)">/)?.[1] ?? '';
    assert.match(stylesheet, /^\/assets\/api-reference-[\w-]+\.css$/);
    assert.equal((await fetch(`${server.base}${stylesheet}`)).status, 200);
    for (const resource of html.matchAll(/\s(?:href|src)="([^"]+)"/g)) {
      assert.match(resource[1] ?? '', /^(?:\/|#)/, 'every address is our own');
    }
  });

  test('/docs describes every operation of the served document, readable at 320 px, with no axe violations', async () => {
    const openapi = await servedDocument();
    await withBrowsers([{}], async ({ page }) => {
      await page.goto(`${server.base}/docs`);
      for (const [path, item] of Object.entries(openapi.paths)) {
        for (const [method, operation] of Object.entries(item)) {
          const heading = page.locator(`section#${operation.operationId} h3`);
          assert.equal(
            (await heading.textContent())?.replace(/\s+/g, ' ').trim(),
            `${method.toUpperCase()} ${path}`,
          );
        }
      }
      // The stylesheet applies: operations are cards, not the browser's default.
      const border = await page
        .locator('section.operation')
        .first()
        .evaluate((element) => getComputedStyle(element).borderTopStyle);
      assert.equal(border, 'solid');
      const links = await page
        .locator('a[href^="#"]')
        .evaluateAll((anchors) =>
          anchors
            .map((anchor) => anchor.getAttribute('href'))
            .filter((href) => !document.getElementById(href?.slice(1) ?? '')),
        );
      assert.deepEqual(links, [], 'every link within the page has a target');
      assert.deepEqual(await axe(page), []);
      await checkLayouts(page, 'api-reference');
    });
  });

  test('under the service worker, /docs reads offline and is never the shell; /openapi.json is never the shell', async () => {
    await withBrowsers([{}], async ({ page, context }) => {
      await page.goto(server.base);
      await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
      await page.reload();
      assert.equal(await page.evaluate(() => navigator.serviceWorker.controller !== null), true);

      const json = await page.goto(`${server.base}/openapi.json`);
      assert.equal(json?.fromServiceWorker(), false);
      assert.match(json?.headers()['content-type'] ?? '', /^application\/json/);

      await context.setOffline(true);
      const docs = await page.goto(`${server.base}/docs`);
      assert.equal(docs?.fromServiceWorker(), true, 'answered from the cache');
      await page.getByRole('heading', { level: 1, name: /API/ }).waitFor();
      assert.equal((await page.locator('section.operation').count()) > 5, true);
      const border = await page
        .locator('section.operation')
        .first()
        .evaluate((element) => getComputedStyle(element).borderTopStyle);
      assert.equal(border, 'solid', 'with its stylesheet');
      await context.setOffline(false);
    });
  });
});
