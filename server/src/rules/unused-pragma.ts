// PYD002: an ignore pragma (or one code of it) that silences nothing.
import type { Pragma } from '../model/pragmas';
import { defineRule } from './define-rule';
import { pragmaCodes, pragmaSpan, removeCodeEdit, removePragmaLine, standalonePragmas } from './pragma-helpers';
import { redirectTarget } from './redirects';
import type { Rule, RuleContext, Violation } from './types';

/** Rules a pragma code stands for; undefined when this rule cannot judge it (PYD001's business, or a meta code). */
function rulesFor(code: string, ctx: RuleContext): readonly Rule[] | undefined {
  const live = (rule: Rule): boolean => (rule.status === 'stable' || rule.status === 'preview') && rule.category !== 'meta';
  if (code === 'ALL') return ctx.catalogue.rules.filter(live);
  const current = ctx.catalogue.rules.find((r) => r.code === code) ?? ctx.catalogue.rules.find((r) => r.code === redirectTarget(code, ctx.catalogue.redirects));
  return current && live(current) ? [current] : undefined;
}

/**
 * What a rule reports on this document, before any pragma is applied. Undefined when the rule
 * throws: then nobody knows whether the pragma is needed, so it is not judged.
 */
function unsuppressedViolations(rule: Rule, ctx: RuleContext): Violation[] | undefined {
  const found: Violation[] = [];
  try {
    rule.check({ ...ctx, report: (v) => void found.push(v) });
  } catch {
    return undefined;
  }
  return found;
}

export default defineRule({
  code: 'PYD002',
  name: 'unused-pragma',
  title: 'Remove ignore pragmas that silence nothing',
  category: 'meta',
  defaultSeverity: 'info',
  status: 'preview',
  since: '0.1.0',
  fix: { availability: 'always', applicability: 'unsafe' },
  docs: {
    whatItDoes:
      'Runs the rules named in each `# pydockerfile ignore=` pragma and flags a code that has nothing to silence: the rule reports no problem on the instruction below the pragma (or, for `global ignore=`, anywhere in the file). `ALL` is flagged when no rule reports anything there. A pragma that is not directly above an instruction (a blank line in between, or nothing below it) is flagged as a whole. The rules are judged whether or not they are enabled, so the result does not depend on your settings. Unknown codes are left to PYD001, and hadolint pragmas are left alone. This is a preview rule, off by default: enable it with `preview`, by selecting `PYD002`, or by giving it a severity.',
    whyItMatters:
      'Pragmas outlive the problems they were written for: the `RUN` gets fixed, the rule gets smarter, and the comment stays, still silencing the rule on that instruction. The next real problem there is then hidden without anyone deciding to hide it. Removing stale pragmas keeps every suppression a current, deliberate decision (the same idea as Ruff\'s unused-noqa check).',
    example: 'FROM python:3.12-slim-bookworm\n# pydockerfile ignore=PYD201\nRUN pip install --no-cache-dir flask==3.0.3',
    useInstead: 'FROM python:3.12-slim-bookworm\nRUN pip install --no-cache-dir flask==3.0.3',
    fixSafety:
      'What a rule reports can depend on things outside the Dockerfile: files of the build context (an editor cannot read them for an unsaved file), configuration such as trusted registries, and the date for end-of-life checks. A pragma that is unused here may be needed in CI or for a teammate, so removing it is never applied automatically.',
    references: [
      'https://github.com/pydockerfile/pydockerfile#suppressing-findings',
      'https://docs.astral.sh/ruff/rules/unused-noqa/',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    const pragmas = standalonePragmas(model);
    if (pragmas.length === 0) return;
    const memo = new Map<string, Violation[] | undefined>();
    const violationsOf = (rule: Rule): Violation[] | undefined => {
      if (!memo.has(rule.code)) memo.set(rule.code, unsuppressedViolations(rule, ctx));
      return memo.get(rule.code);
    };
    const reportDetached = (pragma: Pragma): void => {
      const span = pragmaSpan(model, pragma);
      ctx.report({
        range: model.text.rangeOf(span.start, span.end),
        message: 'This pragma is not directly above an instruction (only comment lines may sit in between), so it silences nothing',
        fixes: [{ title: 'Remove the pragma', applicability: 'unsafe', edits: [removePragmaLine(model, pragma)] }],
      });
    };
    for (const pragma of pragmas) {
      if (!pragma.global && pragma.instructionIndex < 0) {
        reportDetached(pragma);
        continue;
      }
      // A finding in another file (an entry script) is silenced where it comes from in the Dockerfile.
      const lands = (v: Violation): boolean => {
        const at = v.file !== undefined ? v.origin : v.range;
        return pragma.global || (at !== undefined && model.instructionAtLine(at.start.line)?.index === pragma.instructionIndex);
      };
      const codes = pragmaCodes(model, pragma);
      codes.forEach(({ code, start, end }, index) => {
        const rules = rulesFor(code, ctx);
        if (!rules) return;
        let unknown = false;
        const used = rules.some((rule) => {
          const found = violationsOf(rule);
          if (!found) unknown = true;
          return found?.some(lands) ?? false;
        });
        if (used || unknown) return;
        const where = pragma.global ? 'in this file' : 'on this instruction';
        ctx.report({
          range: model.text.rangeOf(start, end),
          message: code === 'ALL' ? `No rule reports a problem ${where}, so \`ALL\` silences nothing` : `\`${code}\` reports no problem ${where}, so it silences nothing`,
          fixes: [{ title: codes.length === 1 ? 'Remove the pragma' : `Remove \`${code}\` from the pragma`, applicability: 'unsafe', edits: [removeCodeEdit(model, pragma, codes, index)] }],
        });
      });
    }
  },
});
