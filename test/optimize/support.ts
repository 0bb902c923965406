// Shared helpers of the Optimize tests: golden cases on disk and the properties every result must have.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lint, type Finding, type LintOptions } from '../../server/src/engine/lint';
import { optimize, type OptimizeOptions, type OptimizeResult } from '../../server/src/engine/optimize';
import { syntaxProblemCount } from '../../server/src/fix/apply';
import { DocumentModel } from '../../server/src/model/document-model';
import { protectedStages, stageSpan } from '../../server/src/optimize/invariants';
import { newProblems } from '../../server/src/optimize/plan';
import { REPO_ROOT } from '../support/paths';

/** The date the golden cases were written for (end-of-life statements depend on it). */
export const GOLDEN_TODAY = '2026-11-25';

/** Folder of the golden cases: one sub-folder per case. */
export const CASES_DIR = path.join(REPO_ROOT, 'test', 'optimize', 'cases');

/** Files of a case folder that are not part of the build context. */
const CASE_FILES = new Set(['before.Dockerfile', 'after.Dockerfile', 'decisions.txt', 'expect.json', 'README.md']);

/** What a case asserts beyond the text: substrings of skipped reasons, applied and missing codes. */
export interface CaseExpectations {
  /** Each entry must occur in some `skipped` reason (or step). */
  skipped?: string[];
  /** Codes that must be in `applied`. */
  applied?: string[];
  /** Codes that must not be in `applied`. */
  notApplied?: string[];
  /** Decision ids that must be listed, with whether they were applied. */
  decisions?: Record<string, boolean>;
  /** Substrings of the estimate's lines. */
  estimate?: string[];
}

export interface GoldenCase {
  name: string;
  before: string;
  after: string;
  /** Ticked decision ids; undefined = `unsafe: true` (the defaults). */
  decisions: string[] | undefined;
  expect: CaseExpectations;
  /** Build-context files (requirements.txt, poetry.lock, entry scripts, …). */
  files: Record<string, string>;
}

function readTree(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix + entry.name;
    if (entry.isDirectory()) Object.assign(out, readTree(path.join(dir, entry.name), `${rel}/`));
    else if (!(prefix === '' && CASE_FILES.has(entry.name))) out[rel] = fs.readFileSync(path.join(dir, entry.name), 'utf8');
  }
  return out;
}

/** Reads every golden case. */
export function goldenCases(): GoldenCase[] {
  return fs
    .readdirSync(CASES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => {
      const dir = path.join(CASES_DIR, d.name);
      const read = (name: string): string | undefined => (fs.existsSync(path.join(dir, name)) ? fs.readFileSync(path.join(dir, name), 'utf8') : undefined);
      const decisions = read('decisions.txt');
      return {
        name: d.name,
        before: read('before.Dockerfile') ?? '',
        after: read('after.Dockerfile') ?? '',
        decisions: decisions === undefined ? undefined : decisions.split(/[\s,]+/).filter((id) => id !== '' && !id.startsWith('#')),
        expect: JSON.parse(read('expect.json') ?? '{}') as CaseExpectations,
        files: readTree(dir),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** A context reader over in-memory files (`./x` and `x` are the same file). */
export function reader(files: Readonly<Record<string, string>>): (relativePath: string) => string | undefined {
  return (p) => files[p.replace(/^\.\//, '')];
}

/** Optimize options for a case. */
export function caseOptions(c: Pick<GoldenCase, 'decisions' | 'files'>, today = GOLDEN_TODAY): OptimizeOptions {
  return {
    env: { today, readContextFile: reader(c.files) },
    ...(c.decisions === undefined ? { unsafe: true } : { decisions: c.decisions }),
  };
}

/** Findings outside the stages Optimize must leave untouched. */
function outsideProtected(text: string, findings: readonly Finding[], protectedTexts: readonly string[]): Finding[] {
  const model = new DocumentModel(text);
  const spans = protectedStages(model)
    .map((s) => stageSpan(model, s))
    .filter((s) => protectedTexts.includes(model.content.slice(s.start, s.end)));
  return findings.filter((f) => {
    const at = model.text.offsetAt(f.range.start);
    return !spans.some((s) => at >= s.start && at <= s.end);
  });
}

/**
 * The properties of every Optimize result (issue #5): it parses, optimizing it again changes
 * nothing, and `check` on it reports no new warning or error and none of the codes Optimize
 * claims to have fixed (outside the stages it leaves untouched).
 */
export function assertResultProperties(before: string, result: OptimizeResult, options: OptimizeOptions & LintOptions, label: string): void {
  const model = new DocumentModel(result.text);
  assert.ok(model.stages.length > 0, `${label}: the result has no stage`);
  assert.ok(syntaxProblemCount(model) <= syntaxProblemCount(new DocumentModel(before)), `${label}: the result has new syntax problems`);
  const again = optimize(result.text, options);
  assert.equal(again.text, result.text, `${label}: optimizing the result again changed it`);
  const lintOptions: LintOptions = { ...(options.env ? { env: options.env } : {}) };
  const was = lint(before, lintOptions).findings;
  const now = lint(result.text, lintOptions).findings;
  const added = newProblems(was, now);
  assert.deepEqual(added.map((f) => `${f.code} line ${f.range.start.line + 1}: ${f.message}`), [], `${label}: new warnings or errors`);
  const original = new DocumentModel(before);
  const protectedTexts = protectedStages(original).map((s) => {
    const span = stageSpan(original, s);
    return before.slice(span.start, span.end);
  });
  // What remains of a code Optimize claims to have fixed must be beyond it: no safe fix, and
  // findings with an unsafe fix must be fewer than before (the rest was refused or not ticked).
  const claimed = new Set(result.applied.map((a) => a.code));
  const left = outsideProtected(result.text, now, protectedTexts).filter((f) => claimed.has(f.code));
  const safeLeft = left.filter((f) => f.fixes.some((x) => x.applicability === 'safe'));
  assert.deepEqual(safeLeft.map((f) => `${f.code} line ${f.range.start.line + 1}: ${f.message}`), [], `${label}: safe fixes left for codes Optimize claims to have fixed`);
  const reachableBefore = outsideProtected(before, was, protectedTexts);
  const fixable = left.filter((f) => f.fixes.length > 0);
  for (const code of claimed) {
    const n = fixable.filter((f) => f.code === code).length;
    if (n === 0) continue;
    const m = reachableBefore.filter((f) => f.code === code).length;
    assert.ok(n < m, `${label}: ${code} is claimed as fixed but reported ${n} times (before: ${m}): ${left.filter((f) => f.code === code).map((f) => f.message).join(' | ')}`);
  }
}

/** `\n` → `\r\n`. */
export function toCrlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}
