// How the report writes numbers and tables (Markdown, en-US grouping, '–' for what was not measured).

/** @param {number} value */
export const number = (value, digits = 0) =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : '–';

/** Milliseconds with the digits that matter at that size. */
export const ms = (/** @type {number} */ value) => number(value, value >= 100 ? 0 : value >= 10 ? 1 : 2);

export const kB = (/** @type {number} */ bytes) =>
  Number.isFinite(bytes) ? `${number(bytes / 1000, 1)} kB` : '–';

/** A Markdown table, the first column left-aligned and the others right-aligned. */
export function table(/** @type {string[]} */ headers, /** @type {string[][]} */ rows) {
  const align = headers.map((_, i) => (i === 0 ? '---' : '--:'));
  return [headers, align, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}
