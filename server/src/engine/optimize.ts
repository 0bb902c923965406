// "Optimize this Dockerfile": fix-all to a fixpoint at the chosen level, explained by codes.
import { DocumentModel } from '../model/document-model';
import type { TextEdit } from '../model/text';
import { fixAll, syntaxProblemCount } from '../fix/apply';
import { diffEdits } from '../fix/diff';
import type { LintOptions } from './lint';

export interface OptimizeOptions extends LintOptions {
  /** Include unsafe fixes (they may change what the image does). */
  unsafe?: boolean;
}

export interface OptimizeResult {
  text: string;
  edits: TextEdit[];
  applied: { code: string; count: number }[];
  skipped: { step: string; reason: string }[];
  changed: boolean;
}

/** Rewrites a Dockerfile; the input is never modified in place. */
export function optimize(content: string, options: OptimizeOptions = {}): OptimizeResult {
  const skipped: { step: string; reason: string }[] = [];
  const before = new DocumentModel(content);
  if (before.stages.length === 0) {
    return { text: content, edits: [], applied: [], skipped: [{ step: 'all', reason: 'the file has no FROM instruction, so it is not a Dockerfile we can optimize' }], changed: false };
  }
  if (syntaxProblemCount(before) > 0) {
    skipped.push({ step: 'parse-check', reason: 'the file has syntax problems; only fixes that do not add new ones were applied' });
  }
  const result = fixAll(content, { ...options, level: options.unsafe ? 'unsafe' : 'safe' });
  for (const r of result.rejected) skipped.push({ step: `${r.code}: ${r.title}`, reason: 'the fix would have broken the Dockerfile syntax' });
  const applied = [...result.applied.entries()].map(([code, count]) => ({ code, count })).sort((a, b) => a.code.localeCompare(b.code));
  return { text: result.text, edits: diffEdits(content, result.text), applied, skipped, changed: result.text !== content };
}
