// Small statistics and formatting helpers for the benchmark report.

/**
 * The q-quantile (0..1) of a list of numbers, by the nearest-rank method (no interpolation,
 * so every reported value is a real measurement).
 * @param {readonly number[]} values
 * @param {number} q
 * @returns {number}
 */
export function quantile(values, q) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

/** @param {readonly number[]} values */
export const median = (values) => quantile(values, 0.5);

/** @param {readonly number[]} values */
export const sum = (values) => values.reduce((a, b) => a + b, 0);

/**
 * Milliseconds with a precision that suits their size.
 * @param {number | null | undefined} ms
 */
export function formatMs(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return 'n/a';
  if (ms < 1) return `${ms.toFixed(3)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms)} ms`;
}

/** @param {number | null | undefined} bytes */
export function formatBytes(bytes) {
  if (bytes === null || bytes === undefined || Number.isNaN(bytes)) return 'n/a';
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/**
 * A ratio such as `0.42×`, or n/a when either side is missing.
 * @param {number | null | undefined} ours
 * @param {number | null | undefined} theirs
 */
export function formatRatio(ours, theirs) {
  const r = ratio(ours, theirs);
  return r === null ? 'n/a' : `${r < 10 ? r.toFixed(2) : r.toFixed(1)}×`;
}

/**
 * @param {number | null | undefined} ours
 * @param {number | null | undefined} theirs
 * @returns {number | null}
 */
export function ratio(ours, theirs) {
  if (ours === null || ours === undefined || theirs === null || theirs === undefined || !(theirs > 0) || Number.isNaN(ours)) return null;
  return ours / theirs;
}

/**
 * A Markdown table with right-aligned number columns (every column but the first).
 * @param {readonly string[]} header
 * @param {readonly (readonly string[])[]} rows
 * @returns {string}
 */
export function markdownTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? ` ${'-'.repeat(w)} ` : ` ${'-'.repeat(w - 1)}: `)).join('|')}|`;
  return [line(header), rule, ...rows.map((r) => line(header.map((_, i) => r[i] ?? '')))].join('\n');
}
