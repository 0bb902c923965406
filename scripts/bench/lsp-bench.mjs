// Language-server timings over stdio: start-up, change → diagnostics, code actions, hovers,
// and resident memory with 100 open documents, for our server and the peer alike.
import { pathToFileURL } from 'node:url';
import * as path from 'node:path';
import { LspSession } from './lsp-session.mjs';
import { median, quantile } from './stats.mjs';

/**
 * The line we type on: a one-line `RUN` (no continuation to break) nearest the middle of the
 * file, so every server has to look at real shell text after each keystroke.
 * @param {string} text
 * @returns {{ line: number, length: number }}
 */
export function editLine(text) {
  const lines = text.split(/\r?\n/);
  const middle = Math.floor(lines.length / 2);
  let best = -1;
  lines.forEach((l, i) => {
    const previous = i > 0 ? lines[i - 1] ?? '' : '';
    if (!l.startsWith('RUN ') || l.endsWith('\\') || previous.endsWith('\\')) return;
    if (best === -1 || Math.abs(i - middle) < Math.abs(best - middle)) best = i;
  });
  if (best === -1) best = Math.max(0, lines.length - 2);
  return { line: best, length: (lines[best] ?? '').length };
}

/**
 * The n-th keystroke on the edit line: odd versions type an `x` at its end, even ones delete
 * it again, so the text alternates between two states and never drifts.
 * @param {{ line: number, length: number }} at
 * @param {number} version
 */
function keystroke(at, version) {
  const pos = { line: at.line, character: at.length };
  if (version % 2 === 0) return [{ range: { start: pos, end: pos }, text: 'x' }];
  return [{ range: { start: pos, end: { line: at.line, character: at.length + 1 } }, text: '' }];
}

/**
 * @typedef {{ p50: number, p95: number, n: number }} Latency
 * @param {number[]} samples
 * @returns {Latency}
 */
function latency(samples) {
  return { p50: quantile(samples, 0.5), p95: quantile(samples, 0.95), n: samples.length };
}

/**
 * Types `edits` keystrokes (after three unmeasured ones) into an open document and returns the
 * change → diagnostics times. A slow server (or a busy machine) gets fewer keystrokes once
 * `budgetMs` is spent, never fewer than five.
 * @param {LspSession} session
 * @param {string} uri
 * @param {string} text
 * @param {number} edits
 * @param {number} budgetMs
 * @returns {Promise<number[]>}
 */
async function typeKeystrokes(session, uri, text, edits, budgetMs) {
  const at = editLine(text);
  const times = [];
  const began = performance.now();
  for (let v = 2; v < edits + 3 + 2; v++) {
    if (times.length >= 5 && performance.now() - began > budgetMs) break;
    const ms = await session.changeAndWait(uri, v, keystroke(at, v));
    if (v - 2 >= 3) times.push(ms);
  }
  return times;
}

/**
 * Runs the whole LSP scenario against one server.
 * @param {{ name: string, command: string, args: string[], pull?: boolean }} server
 * @param {{ workDir: string, small: string, medium?: string, large: string, many: readonly string[], smallEdits: number, steadyWarmup?: number, largeEdits: number, largeBudgetMs: number, log: (line: string) => void }} input
 */
export async function benchServer(server, input) {
  const folder = path.join(input.workDir, server.name.replace(/[^a-z0-9]+/gi, '-'));
  const uriOf = (name) => pathToFileURL(path.join(folder, name)).href;
  const session = await LspSession.start({ ...server, cwd: input.workDir, rootUri: pathToFileURL(folder).href });
  try {
    const result = { startupMs: session.startupMs };

    // Small file: keystrokes, each followed by a code-action and a hover request, as an editor does.
    const smallUri = uriOf('small/Dockerfile');
    result.smallOpenMs = await session.open(smallUri, input.small);
    const at = editLine(input.small);
    const change = [];
    const codeAction = [];
    const hover = [];
    let hoverHits = 0;
    let actionsOffered = 0;
    const warmup = 5;
    for (let v = 2; v < input.smallEdits + warmup + 2; v++) {
      const ms = await session.changeAndWait(smallUri, v, keystroke(at, v));
      const diagnostics = session.lastDiagnostics(smallUri);
      const first = diagnostics[0];
      const range = first ? first.range : { start: { line: at.line, character: 0 }, end: { line: at.line, character: 0 } };
      const action = await session.timed('textDocument/codeAction', { textDocument: { uri: smallUri }, range, context: { diagnostics: first ? [first] : [] } });
      // Ours explains a finding where it is reported; the peer documents instruction keywords.
      const position = server.hoverOnKeyword || !first ? { line: at.line, character: 1 } : first.range.start;
      const hovered = await session.timed('textDocument/hover', { textDocument: { uri: smallUri }, position });
      if (v - 2 < warmup) continue;
      change.push(ms);
      codeAction.push(action.ms);
      hover.push(hovered.ms);
      if (hovered.result) hoverHits++;
      if (Array.isArray(action.result) && action.result.length > 0) actionsOffered++;
    }
    result.smallChange = latency(change);
    result.codeAction = { ...latency(codeAction), answeredWithActions: actionsOffered };
    result.hover = { ...latency(hover), answeredWithContent: hoverHits };

    // A person types for minutes, not for 55 keystrokes: the same loop again after a few hundred
    // more keystrokes shows each server once its runtime has compiled the hot code (V8 optimises
    // a function only after many calls, and a linter with sixty rules has many functions).
    const steady = [];
    const steadyFrom = input.smallEdits + warmup + 2 + (input.steadyWarmup ?? 0);
    for (let v = input.smallEdits + warmup + 2; v < steadyFrom + input.smallEdits; v++) {
      const ms = await session.changeAndWait(smallUri, v, keystroke(at, v));
      const diagnostics = session.lastDiagnostics(smallUri);
      const first = diagnostics[0];
      const range = first ? first.range : { start: { line: at.line, character: 0 }, end: { line: at.line, character: 0 } };
      await session.timed('textDocument/codeAction', { textDocument: { uri: smallUri }, range, context: { diagnostics: first ? [first] : [] } });
      const position = server.hoverOnKeyword || !first ? { line: at.line, character: 1 } : first.range.start;
      await session.timed('textDocument/hover', { textDocument: { uri: smallUri }, position });
      if (v >= steadyFrom) steady.push(ms);
    }
    result.smallChangeSteady = { ...latency(steady), after: steadyFrom - 2 };
    result.smallDiagnostics = session.lastDiagnostics(smallUri).length;

    // A file the size of the largest real Dockerfiles (a few hundred lines): what typing in a
    // long real file costs, between the typical file and the 5,000-line stress case.
    if (input.medium !== undefined) {
      const mediumUri = uriOf('medium/Dockerfile');
      await session.open(mediumUri, input.medium);
      result.mediumChange = latency(await typeKeystrokes(session, mediumUri, input.medium, input.smallEdits, input.largeBudgetMs));
    }

    // Large file: open once, then keystrokes.
    const largeUri = uriOf('large/Dockerfile');
    result.largeOpenMs = await session.open(largeUri, input.large);
    result.largeChange = latency(await typeKeystrokes(session, largeUri, input.large, input.largeEdits, input.largeBudgetMs));
    result.largeDiagnostics = session.lastDiagnostics(largeUri).length;
    return result;
  } finally {
    await session.close();
  }
}

/**
 * Resident memory of a fresh server once 100 typical documents are open and their
 * diagnostics are in (opened one after another, as an editor restoring a session does).
 * @param {{ name: string, command: string, args: string[], pull?: boolean }} server
 * @param {{ workDir: string, many: readonly string[] }} input
 */
export async function memoryWithOpenDocuments(server, input) {
  const folder = path.join(input.workDir, `${server.name.replace(/[^a-z0-9]+/gi, '-')}-memory`);
  const session = await LspSession.start({ ...server, cwd: input.workDir, rootUri: pathToFileURL(folder).href });
  try {
    const idle = session.rss();
    for (const [i, text] of input.many.entries()) await session.open(pathToFileURL(path.join(folder, `p${String(i).padStart(3, '0')}`, 'Dockerfile')).href, text);
    await new Promise((resolve) => setTimeout(resolve, 500));
    return { rssIdle: idle, rssAfter100Docs: session.rss(), documents: input.many.length };
  } finally {
    await session.close();
  }
}

/**
 * Median time from spawning a server to its `initialize` result, over `runs` fresh processes
 * (a single start is too noisy to judge a 100 ms target by).
 * @param {{ name: string, command: string, args: string[] }} server
 * @param {{ workDir: string, runs: number }} input
 */
export async function startupTime(server, input) {
  const samples = [];
  for (let i = 0; i < input.runs; i++) {
    const session = await LspSession.start({ ...server, cwd: input.workDir, rootUri: pathToFileURL(input.workDir).href });
    samples.push(session.startupMs);
    await session.close();
  }
  return { median: median(samples), min: Math.min(...samples), samples };
}
