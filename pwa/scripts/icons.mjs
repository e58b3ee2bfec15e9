// Renders the app icons from their one source, pwa/public/icon.svg, with the Chromium the browser
// tests use. The PNGs are committed (so a build needs no image tooling); run this again after
// changing the SVG: `node pwa/scripts/icons.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';
import { launchChromium } from '../../tools/chromium.mjs';

const publicDir = new URL('../public/', import.meta.url);
const source = readFileSync(new URL('icon.svg', publicDir), 'utf8');
// Maskable icons and iOS touch icons must be full-bleed: the platform cuts its own shape.
const fullBleed = source.replace(/ rx="\d+"/, '');

const targets = [
  { file: 'icons/icon-192.png', size: 192, svg: source },
  { file: 'icons/icon-512.png', size: 512, svg: source },
  { file: 'icons/maskable-512.png', size: 512, svg: fullBleed },
  { file: 'icons/apple-touch-icon-180.png', size: 180, svg: fullBleed },
];

const browser = await launchChromium();
try {
  const page = await browser.newPage();
  for (const { file, size, svg } of targets) {
    await page.setViewportSize({ width: size, height: size });
    const src = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
    await page.setContent(
      `<style>html,body{margin:0;background:transparent}img{display:block}</style>` +
        `<img src="${src}" width="${size}" height="${size}" alt="">`,
    );
    await page.locator('img').evaluate((img) => /** @type {HTMLImageElement} */ (img).decode());
    writeFileSync(new URL(file, publicDir), await page.screenshot({ omitBackground: true }));
    console.log(`wrote pwa/public/${file}`);
  }
} finally {
  await browser.close();
}
