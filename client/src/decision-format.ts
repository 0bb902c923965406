// Text of the Optimize decisions list (a QuickPick) and of the fixed-problem counts in messages, free of the vscode API so it is unit-tested in node.
import type { OptimizeDecisionData } from '../../server/src/protocol';

/**
 * The placeholder of the decisions list. Short enough for the input box of VS Code's quick
 * input (about 60 characters fit): a longer one was cut off before "Escape cancels".
 */
export const DECISIONS_PLACEHOLDER = 'Tick steps; Enter updates the diff, Escape cancels';

/**
 * The grey text beside a decision's title: its id (what `--decisions` and the confirmation name),
 * the codes it applies, and whether it is off by default. A `fix:PYDnnn` id already names its only
 * code, which the title repeats too: listing it again ("fix:PYD408 · PYD408") was clutter that
 * pushed the title out of the row.
 */
export function decisionDescription(decision: Pick<OptimizeDecisionData, 'id' | 'codes' | 'default'>): string {
  const codes = decision.codes.filter((code) => decision.id !== `fix:${code}`);
  return [decision.id, ...(codes.length > 0 ? [codes.join(', ')] : []), ...(decision.default ? [] : ['off by default'])].join(' · ');
}

/**
 * "PYD201 ×2, PYD401, PYD210 (multi-stage)": the fixed problems by code, for messages and the
 * log; a code fixed by a decision's rewrite rather than its own fix names the decision.
 */
export function formatCounts(applied: readonly { code: string; count: number; via?: string }[]): string {
  return applied.map(({ code, count, via }) => `${count > 1 ? `${code} ×${count}` : code}${via ? ` (${via})` : ''}`).join(', ');
}
