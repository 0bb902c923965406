// Multipass fix application for Optimize: safe fixes plus the unsafe fixes of ticked codes,
// each pass guarded by the behaviour invariants, with offending fixes rejected one by one.
// Fixes that edit other files of the build context (`.dockerignore`, entry scripts) change an
// overlay, so later passes and steps see those files as the fixes left them.
import { lint, type Finding, type LintOptions, type LintResult } from '../engine/lint';
import { applyEdits, applyFileEdits, baseWorkspace, fileChanges, fixKey, MAX_FIX_PASSES, selectNonOverlapping, sharingFixes, type FileChange } from '../fix/apply';
import { DocumentModel } from '../model/document-model';
import type { Fix } from '../rules/types';
import { normalizeContextPath } from '../workspace/workspace-fs';
import { protectedStages, stageSpan } from './invariants';

/** Returns the broken invariants of a candidate text (empty = acceptable). */
export type Guard = (text: string) => string[];

/** Other files as the accepted fixes left them, and what they were before (null: created). */
export interface FileOverlay {
  files: Map<string, string>;
  originals: Map<string, string | null>;
}

export interface FixLoopOptions {
  lint: LintOptions;
  /** Codes whose unsafe fixes may be applied. */
  unsafeCodes: ReadonlySet<string>;
  /** Which codes' safe fixes are applied (default: every code). */
  safeCodes?: (code: string) => boolean;
  guard: Guard;
  /**
   * Stage texts that must stay untouched: fixes editing a stage whose text is one of these are
   * left out (they remain available as quick fixes).
   */
  protectedTexts: readonly string[];
  /** The other files so far; the loop works on a copy and returns it. */
  overlay: FileOverlay;
  /** Apply fixes that edit other files; when false they are left out. */
  otherFiles: boolean;
  /** Lints a text with other files as an overlay left them (a shared cache); plain `lint` when absent. */
  lintText?: LintText;
}

/** Lints a text, reading other files through an overlay. */
export type LintText = (text: string, overlay: FileOverlay) => LintResult;

/** How many lint results a {@link lintCache} keeps (the texts of a few consecutive steps). */
const LINT_CACHE_SIZE = 4;

/**
 * Parsed models of the last few texts: the guard parses a candidate, and the next pass lints
 * the same text, so both share one model (and its memoized shell parses).
 */
export function modelCache(size = 6): (text: string) => DocumentModel {
  const models = new Map<string, DocumentModel>();
  return (text) => {
    const hit = models.get(text);
    if (hit) {
      models.delete(text);
      models.set(text, hit);
      return hit;
    }
    const model = new DocumentModel(text);
    models.set(text, model);
    if (models.size > size) models.delete(models.keys().next().value as string);
    return model;
  };
}

/**
 * A lint function that remembers its last few results: the pipeline lints the same text
 * again and again (the last pass of a fix loop, the next step's findings, the "no new
 * problem" check), and on a large file each lint is the expensive part.
 */
export function lintCache(options: LintOptions, modelOf: (text: string) => DocumentModel = (text) => new DocumentModel(text)): LintText {
  const entries = new Map<string, LintResult>();
  return (text, overlay) => {
    const key = `${[...overlay.files].map(([p, t]) => `${p}\u0001${t}`).join('\u0002')}\u0000${text}`;
    const hit = entries.get(key);
    if (hit) {
      // Most recently used last.
      entries.delete(key);
      entries.set(key, hit);
      return hit;
    }
    const result = lint(modelOf(text), overlaidOptions(options, overlay));
    entries.set(key, result);
    if (entries.size > LINT_CACHE_SIZE) entries.delete(entries.keys().next().value as string);
    return result;
  };
}

/** A fix that was not applied, with the reason. */
export interface RejectedFix {
  code: string;
  title: string;
  reason: string;
}

export interface FixLoopResult {
  text: string;
  /** Problems fixed per code (findings whose fix, or an identical one, was applied). */
  applied: Map<string, number>;
  rejected: RejectedFix[];
  /** Codes whose fixes were left out because they edit a protected stage. */
  protectedCodes: Set<string>;
  /** The other files after the loop (commit it when the step is accepted). */
  overlay: FileOverlay;
  /** Whether the loop changed another file. */
  filesChanged: boolean;
}

/** An empty overlay. */
export function emptyOverlay(): FileOverlay {
  return { files: new Map(), originals: new Map() };
}

/** The net changes of an overlay, by path. */
export function overlayChanges(overlay: FileOverlay): FileChange[] {
  return fileChanges(overlay.files, overlay.originals);
}

/** Lint options that read other files through the overlay. */
export function overlaidOptions(options: LintOptions, overlay: FileOverlay): LintOptions {
  const base = baseWorkspace(options.env);
  if (!base || overlay.files.size === 0) return options;
  const { readContextFile: _replaced, ...env } = options.env ?? {};
  return { ...options, env: { ...env, workspace: base.withOverlay(overlay.files) } };
}

/** A span of document offsets. */
export interface Span {
  start: number;
  end: number;
}

/** Document spans of the stages of `model` whose text is protected, in document order. */
export function protectedSpans(model: DocumentModel, texts: readonly string[]): Span[] {
  if (texts.length === 0) return [];
  const wanted = new Set(texts);
  return protectedStages(model)
    .map((s) => stageSpan(model, s))
    .filter((span) => wanted.has(model.content.slice(span.start, span.end)));
}

/** The span (of sorted, disjoint spans) that contains an offset, ends included; a binary search. */
export function spanAt(spans: readonly Span[], offset: number): Span | null {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = spans[mid] as Span;
    if (offset < s.start) hi = mid - 1;
    else if (offset > s.end) lo = mid + 1;
    else return s;
  }
  return null;
}

/** The first span that ends after an offset (spans sorted and disjoint), or null. */
function firstEndingAfter(spans: readonly Span[], offset: number): Span | null {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((spans[mid] as Span).end <= offset) lo = mid + 1;
    else hi = mid;
  }
  return spans[lo] ?? null;
}

/** Whether an edit changes text inside a span (an insertion at its very start stays outside). */
function touches(model: DocumentModel, fix: Fix, spans: readonly Span[]): boolean {
  if (spans.length === 0) return false;
  return fix.edits.some((edit) => {
    const start = model.text.offsetAt(edit.range.start);
    const end = model.text.offsetAt(edit.range.end);
    if (start === end) {
      const s = spanAt(spans, start);
      return s !== null && start > s.start;
    }
    // Overlaps a span when the first span ending after `start` begins before `end`.
    const s = firstEndingAfter(spans, start);
    return s !== null && s.start < end;
  });
}

/**
 * Drops fixes with an edit that overlaps, or touches with an insertion, an edit of a fix kept
 * before it. Fix spans that merely touch can still meet in such an edit (one fix inserting
 * lines after an instruction, the next merging that instruction with the following one), and
 * then the order of the two edits would decide the text.
 */
function withoutTouchingEdits<T extends { fix: Fix }>(model: DocumentModel, chosen: readonly T[]): T[] {
  // `chosen` comes sorted by fix span with disjoint spans (selectNonOverlapping), so an edit
  // overlaps an earlier one exactly when it starts before the furthest end so far; touching
  // points are looked up in sets. Linear in the number of edits, not quadratic.
  const starts = new Set<number>();
  const ends = new Set<number>();
  const insertions = new Set<number>();
  let furthest = -1;
  const kept: T[] = [];
  for (const c of chosen) {
    const spans = c.fix.edits.map((e) => ({ start: model.text.offsetAt(e.range.start), end: model.text.offsetAt(e.range.end) }));
    const clash = spans.some((a) => {
      if (a.start < furthest) return true;
      return a.start === a.end ? ends.has(a.start) || starts.has(a.start) : insertions.has(a.start) || insertions.has(a.end);
    });
    if (clash) continue;
    kept.push(c);
    for (const s of spans) {
      starts.add(s.start);
      ends.add(s.end);
      if (s.start === s.end) insertions.add(s.start);
      furthest = Math.max(furthest, s.end);
    }
  }
  return kept;
}

/** Keeps candidates whose other-file edits touch no file an earlier one touches (one edit per file per pass). */
function oneFixPerFile<T extends { fix: Fix }>(candidates: readonly T[]): T[] {
  const taken = new Set<string>();
  return candidates.filter((c) => {
    const paths = (c.fix.fileEdits ?? []).map((f) => normalizeContextPath(f.path) ?? '');
    if (paths.some((p) => taken.has(p))) return false;
    for (const p of paths) taken.add(p);
    return true;
  });
}

/**
 * Applies fixes to a fixpoint (at most MAX_FIX_PASSES passes). A pass whose result breaks the
 * guard is retried fix by fix, keeping the harmless ones; the others are reported as rejected
 * and tried again only on a text that other fixes changed since.
 */
export function runFixLoop(content: string, options: FixLoopOptions): FixLoopResult {
  const applied = new Map<string, number>();
  // Rejected fixes by key, with the text each was rejected on. A rejection holds for that text
  // only: a later fix can make it acceptable (PYD309 moving a RUN under the comment that PYD208's
  // removal would have left above a COPY), and a second Optimize would then apply it. So once
  // nothing else is left to do, the fixes rejected on an earlier text get one more try.
  // (`on` null: for good, not reported.)
  const rejected = new Map<string, RejectedFix & { on: string | null }>();
  const protectedCodes = new Set<string>();
  const overlay: FileOverlay = { files: new Map(options.overlay.files), originals: new Map(options.overlay.originals) };
  const base = baseWorkspace(options.lint.env);
  let filesChanged = false;
  let current = content;
  /** Forgets the rejections made on an earlier text; true when there were any. */
  const retryStale = (): boolean => {
    let any = false;
    for (const [key, r] of rejected) {
      if (r.on === null || r.on === current) continue;
      rejected.delete(key);
      any = true;
    }
    return any;
  };
  for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
    let newRejections = 0;
    const { model, findings } = options.lintText ? options.lintText(current, overlay) : lint(current, overlaidOptions(options.lint, overlay));
    const spans = protectedSpans(model, options.protectedTexts);
    const candidates: { finding: Finding; fix: Fix }[] = [];
    for (const finding of findings) {
      const safeFix = options.safeCodes === undefined || options.safeCodes(finding.code) ? finding.fixes.find((f) => f.applicability === 'safe') : undefined;
      const fix = safeFix ?? (options.unsafeCodes.has(finding.code) ? finding.fixes[0] : undefined);
      if (!fix || rejected.has(fixKey(finding, fix))) continue;
      if ((fix.fileEdits?.length ?? 0) > 0 && (!base || !options.otherFiles)) continue;
      if (touches(model, fix, spans)) {
        protectedCodes.add(finding.code);
        continue;
      }
      candidates.push({ finding, fix });
    }
    const perFile = oneFixPerFile(candidates);
    const chosen = withoutTouchingEdits(model, selectNonOverlapping(model.text, perFile));
    const fileOnly = perFile.filter((c) => c.fix.edits.length === 0 && (c.fix.fileEdits?.length ?? 0) > 0);
    if (chosen.length === 0 && fileOnly.length === 0) {
      if (retryStale()) continue;
      break;
    }
    let next = applyEdits(current, chosen.flatMap((c) => c.fix.edits));
    let kept = chosen;
    if (chosen.length > 0 && options.guard(next).length > 0) {
      kept = [];
      next = current;
      // Halves that pass are kept whole; a failing half is split again. A few offenders among
      // many fixes cost a few guard runs each, not one run per fix (each run parses the file).
      const tryGroup = (group: readonly (typeof chosen)[number][]): void => {
        const attempt = applyEdits(current, [...kept, ...group].flatMap((k) => k.fix.edits));
        const problems = options.guard(attempt);
        if (problems.length === 0) {
          kept.push(...group);
          next = attempt;
          return;
        }
        const [only] = group;
        if (group.length === 1 && only) {
          rejected.set(fixKey(only.finding, only.fix), { code: only.finding.code, title: only.fix.title, reason: problems.join('; '), on: current });
          newRejections++;
          return;
        }
        const half = Math.ceil(group.length / 2);
        tryGroup(group.slice(0, half));
        tryGroup(group.slice(half));
      };
      const half = Math.ceil(chosen.length / 2);
      tryGroup(chosen.slice(0, half));
      tryGroup(chosen.slice(half));
    }
    let progress = next !== current;
    for (const c of [...kept, ...fileOnly]) {
      if ((c.fix.fileEdits?.length ?? 0) > 0) {
        const outcome = base ? applyFileEdits(base.withOverlay(overlay.files), c.fix, overlay.files, overlay.originals) : false;
        if (outcome === false) {
          rejected.set(fixKey(c.finding, c.fix), { code: c.finding.code, title: c.fix.title, reason: 'its edit of another file could not be applied', on: current });
          newRejections++;
          continue;
        }
        if (outcome === 'changed') {
          filesChanged = true;
          progress = true;
        } else if (c.fix.edits.length === 0) {
          // A file-only fix that changes nothing would be offered forever (and is no rejection to report).
          rejected.set(fixKey(c.finding, c.fix), { code: c.finding.code, title: c.fix.title, reason: '', on: null });
          continue;
        }
      }
      applied.set(c.finding.code, (applied.get(c.finding.code) ?? 0) + 1);
    }
    // Findings whose fix is a kept one (the same edits, PYD405's two variables in one ENV line)
    // are fixed too: the counts are of problems, as in `check --fix`.
    for (const c of sharingFixes(perFile, kept)) applied.set(c.finding.code, (applied.get(c.finding.code) ?? 0) + 1);
    if (!progress) {
      // Nothing changed: try again only when a rejection left other candidates to try.
      if (newRejections > 0 || retryStale()) continue;
      break;
    }
    current = next;
  }
  const reported = [...rejected.values()].filter((r) => r.on !== null).map(({ code, title, reason }) => ({ code, title, reason }));
  return { text: current, applied, rejected: reported, protectedCodes, overlay, filesChanged };
}

/** Adds the counts of `more` into `into`. */
export function addCounts(into: Map<string, number>, more: ReadonlyMap<string, number>): void {
  for (const [code, count] of more) into.set(code, (into.get(code) ?? 0) + count);
}
