// Builds the PWA into pwa/dist, which the Worker serves as static assets (wrangler.toml `[assets]`).
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { API_NAVIGATION_DENYLIST } from './api-paths.ts';
import { API_REFERENCE_NAVIGATION, apiReference } from './api-reference.ts';

// Light theme surface and accent; the dark theme is chosen by CSS and index.html's theme-color.
const THEME_COLOUR = '#0f766e';
const BACKGROUND_COLOUR = '#f6f8f8';

// The root is this folder: `vite build pwa` (see package.json) finds this file there.
export default defineConfig({
  plugins: [
    preact(),
    // /openapi.json and the /docs page, before the service worker lists the files to keep.
    apiReference(),
    VitePWA({
      // A new version waits until the person chooses to reload (the update prompt in the app).
      registerType: 'prompt',
      // Registration happens in the app through `virtual:pwa-register/preact`: no injected script.
      injectRegister: false,
      // The shell is listed once, by workbox.globPatterns below.
      includeManifestIcons: false,
      manifest: {
        id: '/',
        name: 'Gatehouse',
        short_name: 'Gatehouse',
        description: 'Sign up, log in and read your secret data.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        theme_color: THEME_COLOUR,
        background_color: BACKGROUND_COLOUR,
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // The shell: everything the app needs to start without a network.
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        navigateFallback: 'index.html',
        // docs.html is among the files kept, so /docs reads offline; the shell never stands in for it.
        navigateFallbackDenylist: [...API_NAVIGATION_DENYLIST, API_REFERENCE_NAVIGATION],
        cleanupOutdatedCaches: true,
        // No runtimeCaching on purpose: API responses are personal and always go to the network.
      },
    }),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // dist/.vite/manifest.json: read by tools/first-load.mjs to find every file the page loads at start.
    // Not served: public/.assetsignore keeps it out of the Worker's static assets.
    manifest: true,
    // Every browser that can install this app supports modulepreload natively. A page loaded on opening
    // does not preload what it shares with another such page (pwa/src/when.tsx): the list of those files
    // would sit in the first load (100 bytes gzip, measured by the build's budget check), and the
    // service worker has them precached anyway.
    modulePreload: { polyfill: false, resolveDependencies: () => [] },
  },
});
