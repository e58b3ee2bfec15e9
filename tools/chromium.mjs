// Debian's Chromium (or CHROMIUM_PATH) driven by playwright-core: headless, without the sandbox (the
// machines run as root), and without the background traffic a fresh profile would start.
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/** One browser; each `browser.newContext()` in it is a fresh incognito profile. */
export function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS });
}

/**
 * A browser with a real profile in `profileDir`, for what Chromium does only outside incognito (its
 * installability check answers `in-incognito` there). Closing the context closes the browser.
 * @param {string} profileDir
 * @param {import('playwright-core').BrowserContextOptions} [options]
 */
export function launchChromiumWithProfile(profileDir, options = {}) {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    args: ARGS,
    ...options,
  });
}
