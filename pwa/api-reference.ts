// Puts the OpenAPI document and the API reference page into the build (docs/openapi.md): /openapi.json,
// and /docs (docs.html with its own stylesheet), rendered from the same document. Static files, so the
// Worker's bundle carries none of it, and the service worker keeps /docs for offline reading.
import { build } from 'esbuild';
import type { Plugin } from 'vite';

interface OpenApiModule {
  openApiDocument(): { readonly openapi: string };
  referencePage(document: unknown, stylesheet: string): string;
  stylesheet: string;
}

// The document is built from the Worker's own modules, TypeScript importing packages: bundled for
// Node with esbuild and imported from memory.
const ENTRY = `
export { openApiDocument } from './worker/openapi/document.ts';
export { referencePage } from './worker/openapi/reference-page.ts';
export { default as stylesheet } from './pwa/api-reference.css';
`;

async function loadOpenApi(repositoryRoot: string): Promise<OpenApiModule> {
  const result = await build({
    stdin: { contents: ENTRY, resolveDir: repositoryRoot, loader: 'ts', sourcefile: 'openapi-entry.ts' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    loader: { '.css': 'text' },
    write: false,
    logLevel: 'error',
  });
  const code = result.outputFiles[0]?.text ?? '';
  return (await import(`data:text/javascript,${encodeURIComponent(code)}`)) as OpenApiModule;
}

/**
 * Navigations the service worker must leave to the network (or to its copy of docs.html), never answer
 * with the app's page: the reference and the document are not the app.
 */
export const API_REFERENCE_NAVIGATION = /^\/(?:docs(?:\.html)?|openapi\.json)(?:[?/]|$)/;

export function apiReference(): Plugin {
  let repositoryRoot = '';
  return {
    name: 'gatehouse-api-reference',
    apply: 'build',
    configResolved(config) {
      // The build's root is pwa/.
      repositoryRoot = `${config.root}/..`;
    },
    async generateBundle() {
      const { openApiDocument, referencePage, stylesheet } = await loadOpenApi(repositoryRoot);
      const document = openApiDocument();
      const css = this.emitFile({ type: 'asset', name: 'api-reference.css', source: stylesheet });
      this.emitFile({
        type: 'asset',
        fileName: 'openapi.json',
        source: `${JSON.stringify(document, null, 2)}\n`,
      });
      this.emitFile({
        type: 'asset',
        fileName: 'docs.html',
        source: referencePage(document, `/${this.getFileName(css)}`),
      });
    },
  };
}
