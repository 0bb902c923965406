// Applies edits and fixes: non-overlapping edits per pass, recomputed from the current
// text on every pass (never replayed), up to MAX_FIX_PASSES, guarded by a parse check.
import { DocumentModel, honouredDirectives, KNOWN_KEYWORDS } from '../model/document-model';
import { applyEdits, Text, type TextEdit } from '../model/text';
import { directivesKept } from '../engine/directive-guard';
import { lint, type Finding, type LintOptions, type LintResult } from '../engine/lint';
import type { Applicability, Fix, LintEnvironment } from '../rules/types';
import { Workspace } from '../workspace/workspace';
import { normalizeContextPath, readerWorkspaceFs } from '../workspace/workspace-fs';

// Callers take it from here with the rest of the fix machinery; it lives with the text model.
export { applyEdits };

export const MAX_FIX_PASSES = 10;
/**
 * Lints one fix-all run may do, undone passes included. Each undo rejects at least one more fix
 * or code, so the loop ends anyway; this only bounds the work on a file full of circles.
 */
export const MAX_FIX_LINTS = 4 * MAX_FIX_PASSES;

/**
 * Gives the rewritten text the line endings of the original when the original used one kind
 * only. Fixes take the style from the text they edit, and a pass can leave a text without any
 * line break (a removed instruction), after which new lines would get the default LF: a CRLF
 * file must not come back with LF lines (nor an LF file with CRLF ones).
 */
export function keepLineEndingStyle(original: string, rewritten: string): string {
  const crlf = original.includes('\r\n');
  const loneCr = /\r(?!\n)/.test(original);
  const bareLf = /(^|[^\r])\n/.test(original);
  if (crlf && !bareLf && !loneCr) return rewritten.replace(/\r?\n/g, '\r\n');
  if (bareLf && !crlf && !loneCr) return rewritten.replace(/\r\n/g, '\n');
  return rewritten;
}

/**
 * The smallest offset span covering all edits of a fix, and whether one of its edits is an
 * insertion at either end of the span (a fix of several edits can insert at its edge).
 */
function fixSpan(text: Text, fix: Fix): { start: number; end: number; insertsAtStart: boolean; insertsAtEnd: boolean } {
  let start = Infinity;
  let end = -Infinity;
  const insertions: number[] = [];
  for (const e of fix.edits) {
    const from = text.offsetAt(e.range.start);
    const to = text.offsetAt(e.range.end);
    start = Math.min(start, from);
    end = Math.max(end, to);
    if (from === to) insertions.push(from);
  }
  return { start, end, insertsAtStart: insertions.includes(start), insertsAtEnd: insertions.includes(end) };
}

/** Counts constructs that Docker would reject or misread; a fix must not add any. */
export function syntaxProblemCount(model: DocumentModel): number {
  let problems = 0;
  let seenFrom = false;
  for (const info of model.instructions) {
    if (!KNOWN_KEYWORDS.has(info.keyword)) problems++;
    if (info.keyword === 'FROM') seenFrom = true;
    else if (!seenFrom && info.keyword !== 'ARG') problems++;
    if (info.node.getArguments().length === 0) problems++;
    const script = model.shellOf(info);
    if (script?.error !== undefined) problems++;
    // Docker accepts SHELL only as a JSON array ("SHELL requires the arguments to be in JSON form").
    else if (info.keyword === 'SHELL' && info.node.getArguments().length > 0 && !model.isExecForm(info)) problems++;
  }
  return problems;
}

/** Picks the fix to apply for a finding at a given level (first safe fix, else first fix). */
export function chooseFix(finding: Finding, level: Applicability): Fix | undefined {
  const safe = finding.fixes.find((f) => f.applicability === 'safe');
  if (safe) return safe;
  return level === 'unsafe' ? finding.fixes[0] : undefined;
}

/** An edit as a comparable string: its range and its new text. */
function editKey(edit: TextEdit): string {
  const { start, end } = edit.range;
  return `${start.line}:${start.character}-${end.line}:${end.character}\u0000${edit.newText}`;
}

/**
 * The candidates left out of a pass whose fix the pass applies anyway: each of their edits is
 * an edit of an applied fix, and they edit no other file. Two findings can share one fix
 * (PYD405 reports PYTHONUNBUFFERED and PYTHONFAULTHANDLER separately, and one ENV line fixes
 * both); only one copy of the edit can go in, but both problems are fixed, and the counts say
 * so (the "Fixed N problems" line counts problems, like "[*] N problems fixable"). `applied`
 * must hold fixes that cannot fail, i.e. without edits of other files.
 */
export function sharingFixes<T extends { finding: Finding; fix: Fix }>(candidates: readonly T[], applied: readonly { finding: Finding; fix: Fix }[]): T[] {
  // By finding: the applied entries can be copies of the candidates (selectNonOverlapping adds spans).
  const appliedSet = new Set(applied.map((c) => c.finding));
  const edits = new Set(applied.filter((c) => (c.fix.fileEdits?.length ?? 0) === 0).flatMap((c) => c.fix.edits.map(editKey)));
  if (edits.size === 0) return [];
  return candidates.filter((c) => !appliedSet.has(c.finding) && (c.fix.fileEdits?.length ?? 0) === 0 && c.fix.edits.length > 0 && c.fix.edits.every((e) => edits.has(editKey(e))));
}

/** Selects fixes whose spans do not overlap, in document order. */
export function selectNonOverlapping(text: Text, candidates: readonly { finding: Finding; fix: Fix }[]): { finding: Finding; fix: Fix }[] {
  const withSpans = candidates
    .filter((c) => c.fix.edits.length > 0)
    .map((c) => ({ ...c, span: fixSpan(text, c.fix) }))
    .sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  const chosen: typeof withSpans = [];
  let last: ReturnType<typeof fixSpan> | null = null;
  for (const c of withSpans) {
    if (last) {
      // Spans may touch, unless one of them inserts at the shared point: then the order of the
      // two edits would decide the result (text inserted inside the other fix's change). A fix
      // of several edits may insert at its edge (PYD301 appends after the install it moves to).
      const touching = c.span.start === last.end;
      const insertion = c.span.insertsAtStart || last.insertsAtEnd;
      if (c.span.start < last.end || (touching && insertion)) continue;
    }
    chosen.push(c);
    last = c.span;
  }
  return chosen;
}

export interface FixAllOptions extends LintOptions {
  /** `safe` applies safe fixes only; `unsafe` applies unsafe ones too. */
  level: Applicability;
  /** Restrict to these codes (e.g. "fix all PYD201 problems"). */
  codes?: readonly string[];
  /**
   * False when the caller cannot write other files (`check --fix -` reads standard input):
   * fixes that edit one are left out, like without a workspace, instead of being applied to
   * the Dockerfile alone and counted as fixed. The lint still reads the build context.
   */
  otherFiles?: boolean;
}

export interface FixAllResult {
  text: string;
  /**
   * Problems fixed per code, over all passes: findings whose fix was applied, including those
   * whose fix another finding's identical fix applied (see `sharingFixes`).
   */
  applied: Map<string, number>;
  /** Passes whose fixes are in `text` (passes undone because they went in a circle do not count). */
  passes: number;
  /**
   * Fixes that were dropped: they broke the Dockerfile's syntax, could not edit another file,
   * or made no progress (`reason` says which when it is not the syntax).
   */
  rejected: { code: string; title: string; reason?: string }[];
  /** Other files of the build context the applied fixes change or create, by path. */
  files: FileChange[];
  /**
   * The lint of `text` with the same options, when fix-all's last pass already made it (no
   * other file involved, the pass limit not reached, line endings unchanged): callers that
   * report what remains can use it instead of linting the same text again.
   */
  lint?: LintResult;
}

/** The net change fix-all makes to another file of the build context. */
export interface FileChange {
  /** Path relative to the build context. */
  path: string;
  /** The file does not exist yet. */
  created: boolean;
  before: string;
  after: string;
}

/** The build context a lint reads and fixes of other files are applied to, when it is known. */
export function baseWorkspace(env: Partial<LintEnvironment> | undefined): Workspace | undefined {
  if (env?.workspace) return env.workspace;
  return env?.readContextFile ? new Workspace(readerWorkspaceFs(env.readContextFile)) : undefined;
}

/**
 * Keeps, in order, the candidates whose other-file edits touch no file an earlier candidate
 * touches: edits of two fixes to one file are made against the same text, so only one of them
 * may go per pass (the other is recomputed on the next pass). Without a workspace, fixes of
 * other files cannot be applied at all.
 */
function oneFixPerFile<T extends { fix: Fix }>(candidates: readonly T[], hasWorkspace: boolean): T[] {
  const taken = new Set<string>();
  return candidates.filter((c) => {
    const paths = (c.fix.fileEdits ?? []).map((f) => normalizeContextPath(f.path));
    if (paths.length === 0) return true;
    if (!hasWorkspace || paths.some((p) => p === null || taken.has(p))) return false;
    for (const p of paths) taken.add(p as string);
    return true;
  });
}

/** Applies fixes to a fixpoint (at most MAX_FIX_PASSES passes). */
export function fixAll(content: string, options: FixAllOptions): FixAllResult {
  const applied = new Map<string, number>();
  const rejected: FixAllResult['rejected'] = [];
  const rejectedKeys = new Set<string>();
  // Codes whose fixes went in a circle: their titles and messages can change on each turn of
  // the circle (PYD103 and PYD108 retagging one image back and forth), so rejecting the exact
  // fix is not enough to stop it; every fix of the code is dropped for the rest of the run.
  const rejectedCodes = new Set<string>();
  // Fixes left out of the next pass only (`deferredOnce`: every fix deferred so far, at most
  // once each). A fix can look stuck because another fix of the same pass moved its target: an
  // unsafe PYD003 fix that turns `\uFEFFFROM` into a FROM makes a new final stage, and PYD405's
  // ENV, inserted below the old final FROM, leaves its finding in place. Such a fix gets one
  // more try on the text the other fixes leave; rejecting it at once left work for a second run.
  const deferredOnce = new Set<string>();
  const skipNext = new Set<string>();
  // The pass the deferred fixes sat out: they come back once it stands. Until then they stay
  // out, since a second finding with the same fix (PYD405 has two) would take their place.
  let skippedIn: PassUndo | undefined;
  // The state before each pass, to undo passes whose fixes made no progress or went in a circle.
  const history: PassUndo[] = [];
  const workspace = baseWorkspace(options.env);
  // Other files as the applied fixes left them, and what they were before (null: created).
  const overlay = new Map<string, string>();
  const originals = new Map<string, string | null>();
  let current = content;
  // The model of `current` when the syntax check below already parsed it: parse each text once.
  let parsed: DocumentModel | undefined;
  let lastLint: LintResult | undefined;
  let passes = 0;
  let lints = 0;
  while (passes < MAX_FIX_PASSES && lints < MAX_FIX_LINTS) {
    lints++;
    // Later passes must see the other files as earlier passes changed them.
    const view = workspace?.withOverlay(overlay);
    const { readContextFile: _unused, ...env } = options.env ?? {};
    const passOptions: LintOptions = view ? { ...options, env: { ...env, workspace: view } } : options;
    const linted = lint(parsed?.content === current ? parsed : current, passOptions);
    lastLint = view === undefined ? linted : undefined;
    const { model, findings } = linted;
    const last = history[history.length - 1];
    const stuck = last ? stuckFixes(model.text, findings, last.expected) : [];
    // Back where an earlier pass started: fixes of different rules undo each other.
    const loopStart = history.findIndex((h) => h.text === current && h.overlayKey === overlayKey(overlay));
    if (last && (stuck.length > 0 || loopStart >= 0)) {
      // Either a fix of the last pass left its own finding where it was (it edits text the rule
      // does not read, such as the body of an unterminated heredoc), so applying it again would
      // only pile up copies; or the passes since `loopStart` went in a circle. Undo those passes,
      // drop the fixes at fault and redo the others: the result no longer depends on where the
      // pass limit happens to cut the circle, so fix-all stays idempotent.
      // A circle restarts the run from the start without its codes: resuming where the circle
      // was detected would depend on where the run entered it, and a second run would cut it
      // elsewhere.
      const from = stuck.length > 0 ? history.length - 1 : 0;
      const start = history[from] as PassUndo;
      const culprits = stuck.length > 0 ? stuck : history.slice(loopStart).flatMap((h) => h.keys);
      const reason = stuck.length > 0 ? 'the fix does not resolve its own problem' : 'the fix undoes another fix (or is undone by it)';
      current = start.text;
      restore(overlay, start.overlay);
      restore(originals, start.originals);
      restore(applied, start.applied);
      history.length = from;
      // The undone passes give their budget back: a circle found late would otherwise leave
      // too few passes for the fixes that remain, and a second run would still find work
      // (PYD103/PYD108 circling next to PYD310's cache mounts; npm run fuzz, seed 1101778035).
      passes = from;
      // Stuck beside other fixes for the first time: deferred, not rejected (see `deferredOnce`).
      const others = stuck.length > 0 && start.keys.some((k) => !culprits.some((c) => c.key === k.key));
      for (const c of culprits) {
        if (stuck.length === 0) rejectedCodes.add(c.code);
        if (others && !deferredOnce.has(c.key)) {
          deferredOnce.add(c.key);
          skipNext.add(c.key);
          continue;
        }
        if (rejectedKeys.has(c.key)) continue;
        rejectedKeys.add(c.key);
        rejected.push({ code: c.code, title: c.title, reason });
      }
      continue;
    }
    if (skippedIn && history.includes(skippedIn)) {
      skipNext.clear();
      skippedIn = undefined;
    }
    const baseline = syntaxProblemCount(model);
    const candidates = oneFixPerFile(
      findings
        .filter((f) => !options.codes || options.codes.includes(f.code))
        .map((finding) => ({ finding, fix: chooseFix(finding, options.level) }))
        .filter((c): c is { finding: Finding; fix: Fix } => c.fix !== undefined && !rejectedCodes.has(c.finding.code) && !rejectedKeys.has(fixKey(c.finding, c.fix)) && !skipNext.has(fixKey(c.finding, c.fix)) && !isNoOp(model.text, c.fix)),
      view !== undefined && options.otherFiles !== false,
    );
    const chosen = selectNonOverlapping(model.text, candidates);
    // Fixes that only edit other files have no span in the Dockerfile.
    const fileOnly = candidates.filter((c) => c.fix.edits.length === 0 && (c.fix.fileEdits?.length ?? 0) > 0);
    if (chosen.length === 0 && fileOnly.length === 0) {
      // Nothing else to do: the deferred fixes get their try now.
      if (skipNext.size === 0) break;
      skipNext.clear();
      continue;
    }
    passes++;
    let next = applyEdits(current, chosen.flatMap((c) => c.fix.edits));
    parsed = new DocumentModel(next);
    // A fix must not break the file, nor change the escape character Docker reads it with or
    // another parser directive (removing a comment line can make a later `# escape=` or
    // `# syntax=` line a real directive; see engine/directive-guard.ts), unless it writes it.
    const directives = honouredDirectives(current);
    const breaks = (m: DocumentModel, edits: readonly TextEdit[]): boolean => syntaxProblemCount(m) > baseline || m.escapeChar !== model.escapeChar || !directivesKept(directives, m.content, edits);
    if (breaks(parsed, chosen.flatMap((c) => c.fix.edits))) {
      // Some fix broke the file: apply them one by one and keep only the harmless ones.
      next = current;
      const kept: typeof chosen = [];
      for (const c of chosen) {
        const edits = [...kept, c].flatMap((k) => k.fix.edits);
        const attempt = applyEdits(current, edits);
        if (breaks(new DocumentModel(attempt), edits)) {
          rejectedKeys.add(fixKey(c.finding, c.fix));
          rejected.push({ code: c.finding.code, title: c.fix.title });
        } else {
          kept.push(c);
          next = attempt;
        }
      }
      chosen.splice(0, chosen.length, ...kept);
      if (kept.length === 0 && fileOnly.length === 0) continue;
    }
    // Findings whose fix is one of the chosen ones (the same edits) are fixed by this pass too.
    const sharing = sharingFixes(candidates, chosen);
    history.push({
      text: current,
      overlay: new Map(overlay),
      overlayKey: overlayKey(overlay),
      originals: new Map(originals),
      applied: new Map(applied),
      expected: expectedAfter(model.text, chosen, sharing),
      keys: [...chosen, ...fileOnly, ...sharing].map((c) => ({ key: fixKey(c.finding, c.fix), code: c.finding.code, title: c.fix.title })),
    });
    if (skipNext.size > 0) skippedIn = history[history.length - 1];
    let filesChanged = false;
    for (const c of [...chosen, ...fileOnly]) {
      const ok = view === undefined || applyFileEdits(view, c.fix, overlay, originals);
      if (ok === 'changed') filesChanged = true;
      if (ok === false) {
        rejectedKeys.add(fixKey(c.finding, c.fix));
        rejected.push({ code: c.finding.code, title: c.fix.title });
        continue;
      }
      applied.set(c.finding.code, (applied.get(c.finding.code) ?? 0) + 1);
    }
    for (const c of sharing) applied.set(c.finding.code, (applied.get(c.finding.code) ?? 0) + 1);
    if (next === current && !filesChanged) break;
    current = next;
  }
  const files = fileChanges(overlay, originals);
  const text = keepLineEndingStyle(content, current);
  // The last lint is of the final text unless the loop stopped at the pass limit.
  const finalLint = lastLint && lastLint.model.content === text ? lastLint : undefined;
  return { text, applied, passes, rejected, files, ...(finalLint ? { lint: finalLint } : {}) };
}

/** The net changes of other files, by path: `files` as fixes left them, `originals` as they were (null: created). */
export function fileChanges(files: ReadonlyMap<string, string>, originals: ReadonlyMap<string, string | null>): FileChange[] {
  const out: FileChange[] = [];
  for (const [path, after] of files) {
    const before = originals.get(path);
    if (before === undefined || after === before) continue;
    out.push({ path, created: before === null, before: before ?? '', after });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Applies a fix's edits of other files, read through `view`, to `overlay` (recording each
 * file's first state in `originals`). Returns `changed` or `unchanged`, or false when the fix
 * cannot apply: a path outside the context, its file is missing (or exists although it should
 * be created), or its edits overlap. Nothing is recorded unless every edit applies.
 */
export function applyFileEdits(view: Workspace, fix: Fix, overlay: Map<string, string>, originals: Map<string, string | null>): 'changed' | 'unchanged' | false {
  const updates: [string, string, string | null][] = [];
  for (const fileEdit of fix.fileEdits ?? []) {
    const path = normalizeContextPath(fileEdit.path);
    if (path === null || path === '') return false;
    const existing = view.read(path);
    if (existing.kind === 'unreadable') return false;
    const text = existing.kind === 'text' ? existing.text : null;
    if ((text === null) !== (fileEdit.create === true)) return false;
    try {
      updates.push([path, applyEdits(text ?? '', fileEdit.edits), text]);
    } catch {
      return false;
    }
  }
  let changed = false;
  for (const [path, after, before] of updates) {
    if (!originals.has(path)) originals.set(path, before);
    if (overlay.get(path) !== after && before !== after) changed = true;
    overlay.set(path, after);
  }
  return changed ? 'changed' : 'unchanged';
}

/**
 * True for a fix that would not change anything: every edit writes back the text it replaces,
 * and it edits no other file. It cannot resolve its finding, and letting it win a place in a
 * pass would only keep the fixes it overlaps from being applied.
 */
function isNoOp(text: Text, fix: Fix): boolean {
  if ((fix.fileEdits?.length ?? 0) > 0) return false;
  return fix.edits.every((e) => text.slice(e.range) === e.newText);
}

/** What fix-all needs to undo one pass: the state before it, and the fixes it applied. */
interface PassUndo {
  text: string;
  overlay: Map<string, string>;
  /** The overlay as one comparable string (see `overlayKey`). */
  overlayKey: string;
  originals: Map<string, string | null>;
  applied: Map<string, number>;
  /** `code|message|offset` of each applied finding where it would be after the pass, if it stayed. */
  expected: Map<string, { key: string; code: string; title: string }>;
  /** The fixes the pass applied. */
  keys: { key: string; code: string; title: string }[];
}

/** The other files' state as a string, so two states of a run can be compared. */
function overlayKey(overlay: ReadonlyMap<string, string>): string {
  return JSON.stringify([...overlay].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Replaces the entries of `target` with those of `source`. */
function restore<K, V>(target: Map<K, V>, source: ReadonlyMap<K, V>): void {
  target.clear();
  for (const [k, v] of source) target.set(k, v);
}

/** Where `offset` moves when `spans` (sorted, non-overlapping) are applied. */
function mapOffset(offset: number, spans: readonly { start: number; end: number; length: number }[]): number {
  let shift = 0;
  for (const span of spans) {
    // An insertion at the offset goes in front of it; a replacement containing it swallows it.
    if (span.end <= offset) shift += span.length - (span.end - span.start);
    else if (span.start < offset) return span.start + shift;
  }
  return offset + shift;
}

/**
 * For each applied fix, where its finding would be after the pass if the fix did not resolve
 * it; `sharing` are findings whose fix is one of `chosen` (their edits are not applied twice).
 */
function expectedAfter(text: Text, chosen: readonly { finding: Finding; fix: Fix }[], sharing: readonly { finding: Finding; fix: Fix }[] = []): PassUndo['expected'] {
  const spans = chosen
    .flatMap((c) => c.fix.edits)
    .map((e) => ({ start: text.offsetAt(e.range.start), end: text.offsetAt(e.range.end), length: e.newText.length }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const expected: PassUndo['expected'] = new Map();
  for (const c of [...chosen, ...sharing]) {
    if (c.fix.edits.length === 0) continue;
    const at = mapOffset(text.offsetAt(c.finding.range.start), spans);
    expected.set(`${c.finding.code}|${c.finding.message}|${at}`, { key: fixKey(c.finding, c.fix), code: c.finding.code, title: c.fix.title });
  }
  return expected;
}

/** The applied fixes whose findings are still reported, unchanged, where they were. */
function stuckFixes(text: Text, findings: readonly Finding[], expected: PassUndo['expected']): { key: string; code: string; title: string }[] {
  const stuck = new Map<string, { key: string; code: string; title: string }>();
  for (const f of findings) {
    const hit = expected.get(`${f.code}|${f.message}|${text.offsetAt(f.range.start)}`);
    if (hit && hit.key === fixKey(f, f.fixes.find((fix) => fix.title === hit.title) ?? { title: '', applicability: 'safe', edits: [] })) stuck.set(hit.key, hit);
  }
  return [...stuck.values()];
}

/** Identifies a fix of a finding across passes, so a rejected fix is not tried again. */
export function fixKey(finding: Finding, fix: Fix): string {
  return `${finding.code}|${finding.message}|${fix.title}`;
}
