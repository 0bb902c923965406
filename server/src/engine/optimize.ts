// "Optimize this Dockerfile": the safe phases, then the ticked decisions (catalogue §4), each
// change explained by a rule code. The pipeline lives in server/src/optimize/.
import { DocumentModel } from '../model/document-model';
import type { TextEdit } from '../model/text';
import type { FileChange } from '../fix/apply';
import { syntaxProblemCount } from '../fix/apply';
import { diffEdits } from '../fix/diff';
import { inputRefusal } from './guards';
import { emptyEstimate, planOptimize, type PlanOptions } from '../optimize/plan';
import type { AppliedCount, OptimizeDecision, OptimizeEstimate, SkippedStep } from '../optimize/types';

export type { AppliedCount, OptimizeDecision, OptimizeEstimate, SkippedStep } from '../optimize/types';

/** Lint options plus which decisions to tick and whether other files may change: the plan's options. */
export type OptimizeOptions = PlanOptions;

export interface OptimizeResult {
  text: string;
  edits: TextEdit[];
  applied: AppliedCount[];
  skipped: SkippedStep[];
  /** Every unsafe step this file offers, ticked or not, and whether it was applied. */
  decisions: OptimizeDecision[];
  estimate: OptimizeEstimate;
  /** Other files of the build context the rewrite creates or changes (`.dockerignore`, entry scripts). */
  files: FileChange[];
  /** The Dockerfile text or another file changes. */
  changed: boolean;
}

/** Rewrites a Dockerfile; the input is never modified in place. */
export function optimize(content: string, options: OptimizeOptions = {}): OptimizeResult {
  // A text lint refuses (binary, mis-decoded, too large) is not rewritten either, nor parsed.
  const refusal = inputRefusal(content);
  if (refusal) {
    const skipped = [{ step: 'all', reason: `the file is not linted: ${refusal.reason}` }];
    return { text: content, edits: [], applied: [], skipped, decisions: [], estimate: emptyEstimate(), files: [], changed: false };
  }
  const model = new DocumentModel(content);
  if (model.stages.length === 0) {
    const skipped = [{ step: 'all', reason: 'the file has no FROM instruction, so it is not a Dockerfile we can optimize' }];
    return { text: content, edits: [], applied: [], skipped, decisions: [], estimate: emptyEstimate(), files: [], changed: false };
  }
  // A rule whose fix is broken (overlapping edits) throws here on purpose: that is a programming
  // error the language server logs and reports, not something to hide in the proposal.
  const plan = planOptimize(content, options);
  const skipped: SkippedStep[] = [];
  if (syntaxProblemCount(model) > 0) {
    skipped.push({ step: 'parse-check', reason: 'the file has syntax problems (PYD003 shows where); only fixes that do not add new ones were applied' });
  }
  skipped.push(...plan.skipped);
  return {
    text: plan.text,
    edits: diffEdits(content, plan.text),
    applied: plan.applied,
    skipped,
    decisions: plan.decisions,
    estimate: plan.estimate,
    files: plan.files,
    changed: plan.text !== content || plan.files.length > 0,
  };
}
