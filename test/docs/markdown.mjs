// The project's Markdown as the docs tests read it: which files, their fenced blocks, their links and
// the anchors GitHub makes for their headings. A few regular expressions rather than a Markdown parser:
// the docs use plain ATX headings, fenced blocks and inline links, and this is all the tests need.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../tools/paths.mjs';

/** Every Markdown file of the project's documentation, as paths relative to the root. */
export function docFiles() {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', 'BENCHMARKS.md', ...docs];
}

/** @param {string} file relative to the root */
export function readDoc(file) {
  return readFileSync(join(ROOT, file), 'utf8');
}

const FENCE = /^```(\w*)\n([\s\S]*?)^```$/gm;

/**
 * The fenced blocks of a file, in order.
 * @param {string} text
 * @returns {{ lang: string, body: string }[]}
 */
export function fencedBlocks(text) {
  return [...text.matchAll(FENCE)].map((match) => ({ lang: match[1] ?? '', body: match[2] ?? '' }));
}

/** The text outside fenced blocks and inline code, where links and headings live. @param {string} text */
function prose(text) {
  return text.replace(FENCE, '').replace(/`[^`\n]*`/g, '``');
}

/**
 * Every inline link and image target in a file, in order (`[text](target)`, `![alt](target)`).
 * @param {string} text
 */
export function linkTargets(text) {
  return [...prose(text).matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] ?? '');
}

/**
 * The anchors GitHub gives a file's headings: the heading's text in lower case, without punctuation,
 * spaces as hyphens, and `-1`, `-2`, … after repeats.
 * @param {string} text
 * @returns {Set<string>}
 */
export function headingAnchors(text) {
  const anchors = new Set();
  const seen = new Map();
  for (const match of text.replace(FENCE, '').matchAll(/^#{1,6} +(.+?) *#* *$/gm)) {
    const heading = (match[1] ?? '')
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]+>/g, '')
      .replace(/[`*]/g, '');
    const slug = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const repeats = seen.get(slug) ?? 0;
    seen.set(slug, repeats + 1);
    anchors.add(repeats === 0 ? slug : `${slug}-${repeats}`);
  }
  return anchors;
}
