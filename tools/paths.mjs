// Where things are, for every script that runs from a checkout: the repository root and the built PWA
// (wrangler.toml's `[assets] directory`).
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const PWA_DIST = fileURLToPath(new URL('../pwa/dist/', import.meta.url));
