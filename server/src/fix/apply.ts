// Applies edits and fixes: non-overlapping edits per pass, recomputed from the current
// text on every pass (never replayed), up to MAX_FIX_PASSES, guarded by a parse check.
import { DocumentModel, KNOWN_KEYWORDS } from '../model/document-model';
import { Text, type TextEdit } from '../model/text';
import { lint, type Finding, type LintOptions } from '../engine/lint';
import type { Applicability, Fix } from '../rules/types';

export const MAX_FIX_PASSES = 10;

interface Span {
  start: number;
  end: number;
  edit: TextEdit;
}

/**
 * Applies non-overlapping edits to a text. Throws when edits overlap, since that is a
 * programming error in a rule, not a user error.
 */
export function applyEdits(content: string, edits: readonly TextEdit[]): string {
  const text = new Text(content);
  const spans: Span[] = edits.map((edit) => {
    let start = text.offsetAt(edit.range.start);
    let end = text.offsetAt(edit.range.end);
    // Never insert in front of a byte-order mark.
    if (text.hasBom && start === 0) start = 1;
    if (text.hasBom && end === 0) end = 1;
    return { start, end, edit };
  });
  spans.sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 1; i < spans.length; i++) {
    const prev = spans[i - 1] as Span;
    const cur = spans[i] as Span;
    if (cur.start < prev.end) throw new Error('overlapping edits');
  }
  let out = '';
  let last = 0;
  for (const span of spans) {
    out += content.slice(last, span.start) + span.edit.newText;
    last = span.end;
  }
  return out + content.slice(last);
}

/** The smallest offset span covering all edits of a fix. */
function fixSpan(text: Text, fix: Fix): { start: number; end: number } {
  let start = Infinity;
  let end = -Infinity;
  for (const e of fix.edits) {
    start = Math.min(start, text.offsetAt(e.range.start));
    end = Math.max(end, text.offsetAt(e.range.end));
  }
  return { start, end };
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
  }
  return problems;
}

/** Picks the fix to apply for a finding at a given level (first safe fix, else first fix). */
export function chooseFix(finding: Finding, level: Applicability): Fix | undefined {
  const safe = finding.fixes.find((f) => f.applicability === 'safe');
  if (safe) return safe;
  return level === 'unsafe' ? finding.fixes[0] : undefined;
}

/** Selects fixes whose spans do not overlap, in document order. */
export function selectNonOverlapping(text: Text, candidates: readonly { finding: Finding; fix: Fix }[]): { finding: Finding; fix: Fix }[] {
  const withSpans = candidates
    .filter((c) => c.fix.edits.length > 0)
    .map((c) => ({ ...c, span: fixSpan(text, c.fix) }))
    .sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  const chosen: typeof withSpans = [];
  let last: { start: number; end: number } | null = null;
  for (const c of withSpans) {
    if (last) {
      // Spans may touch, unless one of them is an insertion at the shared point: then the order
      // of the two edits would decide the result (text inserted inside the other fix's change).
      const touching = c.span.start === last.end;
      const insertion = c.span.start === c.span.end || last.start === last.end;
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
}

export interface FixAllResult {
  text: string;
  /** Number of fixes applied per code, over all passes. */
  applied: Map<string, number>;
  passes: number;
  /** Fixes that were dropped because they broke the Dockerfile's syntax. */
  rejected: { code: string; title: string }[];
}

/** Applies fixes to a fixpoint (at most MAX_FIX_PASSES passes). */
export function fixAll(content: string, options: FixAllOptions): FixAllResult {
  const applied = new Map<string, number>();
  const rejected: { code: string; title: string }[] = [];
  const rejectedKeys = new Set<string>();
  let current = content;
  let passes = 0;
  while (passes < MAX_FIX_PASSES) {
    const { model, findings } = lint(current, options);
    const baseline = syntaxProblemCount(model);
    const candidates = findings
      .filter((f) => !options.codes || options.codes.includes(f.code))
      .map((finding) => ({ finding, fix: chooseFix(finding, options.level) }))
      .filter((c): c is { finding: Finding; fix: Fix } => c.fix !== undefined && !rejectedKeys.has(keyOf(c.finding, c.fix)));
    const chosen = selectNonOverlapping(model.text, candidates);
    if (chosen.length === 0) break;
    passes++;
    let next = applyEdits(current, chosen.flatMap((c) => c.fix.edits));
    if (syntaxProblemCount(new DocumentModel(next)) > baseline) {
      // Some fix broke the file: apply them one by one and keep only the harmless ones.
      next = current;
      const kept: typeof chosen = [];
      for (const c of chosen) {
        const attempt = applyEdits(current, [...kept, c].flatMap((k) => k.fix.edits));
        if (syntaxProblemCount(new DocumentModel(attempt)) > baseline) {
          rejectedKeys.add(keyOf(c.finding, c.fix));
          rejected.push({ code: c.finding.code, title: c.fix.title });
        } else {
          kept.push(c);
          next = attempt;
        }
      }
      chosen.splice(0, chosen.length, ...kept);
      if (kept.length === 0) continue;
    }
    for (const c of chosen) applied.set(c.finding.code, (applied.get(c.finding.code) ?? 0) + 1);
    if (next === current) break;
    current = next;
  }
  return { text: current, applied, passes, rejected };
}

function keyOf(finding: Finding, fix: Fix): string {
  return `${finding.code}|${finding.message}|${fix.title}`;
}
