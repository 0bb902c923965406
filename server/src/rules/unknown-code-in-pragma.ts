// PYD001: an ignore pragma names a code that silences nothing (unknown, removed, hadolint's, a rule name).
import { withinOneEdit } from '../config/rule-refs';
import type { DocumentModel } from '../model/document-model';
import type { Pragma } from '../model/pragmas';
import { defineRule } from './define-rule';
import { replaceSpan } from './edit-helpers';
import { pragmaCodes, pragmaSpan, removeCodeEdit, replaceCodeEdit, standalonePragmas, type PragmaCode } from './pragma-helpers';
import { redirectTarget } from './redirects';
import type { Fix, Rule, RuleCatalogue, Violation } from './types';

/** A comment that starts like a pydockerfile pragma, whether or not the rest parses. */
const PRAGMA_LIKE = /^[\s\uFEFF]*#\s*pydockerfile\s+(?:global\s+)?ignore\b\s*=?\s*/i;
const HADOLINT_CODE = /^DL\d{4}$/;
const RULE_CODE = /^[A-Z]+\d+$/;

/** The one live code a typo most likely meant, or undefined when none or several are that close. */
function closestCode(code: string, rules: readonly Rule[]): string | undefined {
  const near = rules.filter((r) => r.status !== 'removed' && withinOneEdit(code, r.code));
  return near.length === 1 ? near[0]?.code : undefined;
}

/** What one code of a pragma list means, and the finding it deserves (undefined when it is fine). */
function judgeCode(model: DocumentModel, catalogue: RuleCatalogue, pragma: Pragma, codes: readonly PragmaCode[], index: number): Violation | undefined {
  const { code, start, end } = codes[index] as PragmaCode;
  if (code === 'ALL') return undefined;
  const range = model.text.rangeOf(start, end);
  const remove = (applicability: Fix['applicability']): Fix => ({ title: `Remove \`${code}\` from the pragma`, applicability, edits: [removeCodeEdit(model, pragma, codes, index)] });
  const replace = (target: string, applicability: Fix['applicability']): Fix => ({ title: `Replace \`${code}\` with \`${target}\``, applicability, edits: [replaceCodeEdit(model, pragma, codes, index, target)] });
  const rule = catalogue.rules.find((r) => r.code === code);
  if (rule) {
    if (rule.status === 'stable' || rule.status === 'preview') return undefined;
    // Nothing reports under this code any more, so dropping it changes nothing.
    const why = rule.status === 'removed' ? 'belongs to a removed rule' : 'belongs to a deprecated rule that no longer runs';
    return { range, message: `\`${code}\` ${why}, so it silences nothing`, fixes: [remove('safe')] };
  }
  const target = redirectTarget(code, catalogue.redirects);
  if (target !== undefined && catalogue.rules.some((r) => r.code === target)) {
    // The old code keeps working (lint maps it), so writing the new one changes nothing either.
    return { range, message: `\`${code}\` was renamed to \`${target}\`: the old code still works but is deprecated`, fixes: [replace(target, 'safe')] };
  }
  if (HADOLINT_CODE.test(code)) {
    const mirrors = catalogue.rules.filter((r) => r.status !== 'removed' && (r.hadolint ?? []).includes(code)).map((r) => r.code);
    const hint = mirrors.length > 0 ? ` (the matching check here is ${mirrors.map((c) => `\`${c}\``).join(', ')})` : '';
    return {
      range,
      message: `\`${code}\` is a hadolint code, which \`# pydockerfile ignore=\` does not understand${hint}`,
      fixes: mirrors.length === 1 ? [replace(mirrors[0] as string, 'unsafe'), remove('unsafe')] : [remove('unsafe')],
    };
  }
  const typo = RULE_CODE.test(code) ? closestCode(code, catalogue.rules) : undefined;
  return {
    range,
    message: `\`${code}\` is not a pydockerfile rule code, so it silences nothing${typo ? ` (did you mean \`${typo}\`?)` : ''}`,
    fixes: typo ? [replace(typo, 'unsafe'), remove('unsafe')] : [remove('unsafe')],
  };
}

/**
 * A comment that starts like an ignore pragma but does not parse as one (rule names, a missing
 * `=`, stray punctuation). When every word is a rule name or code, the fix writes the codes.
 */
function judgeMalformed(model: DocumentModel, catalogue: RuleCatalogue, line: number): Violation | undefined {
  const text = model.text.lineText(line);
  const head = PRAGMA_LIKE.exec(text);
  if (!head) return undefined;
  const lineStart = model.text.lineStart(line);
  const start = lineStart + text.indexOf('#');
  const end = lineStart + text.trimEnd().length;
  const words = text.slice(head[0].length).trim().split(/[\s,]+/).filter((w) => w !== '');
  const codes = words.map((w) => catalogue.rules.find((r) => r.name === w.toLowerCase() || r.code === w.toUpperCase())?.code);
  const fixes: Fix[] = [];
  if (words.length > 0 && codes.every((c) => c !== undefined)) {
    const listStart = lineStart + head[0].length;
    // Keep `global` and the tool spelling; rewrite only what follows `ignore`.
    const prefix = model.content.slice(start, listStart).replace(/\s*=?\s*$/, '=');
    fixes.push({ title: `Write the codes: \`${codes.join(',')}\``, applicability: 'unsafe', edits: [replaceSpan(model, start, end, `${prefix}${codes.join(',')}`)] });
  }
  return {
    range: model.text.rangeOf(start, end),
    message: 'This pragma is not understood and silences nothing: list rule codes after `ignore=`, as in `# pydockerfile ignore=PYD201,PYD301`',
    fixes,
  };
}

export default defineRule({
  code: 'PYD001',
  name: 'unknown-code-in-pragma',
  title: 'Name existing rule codes in ignore pragmas',
  category: 'meta',
  defaultSeverity: 'warning',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'unsafe' },
  docs: {
    whatItDoes:
      'Checks every `# pydockerfile ignore=` and `# pydockerfile global ignore=` comment. It flags a code that is not a rule of this version (with a suggestion when it is one typo away from a real code), a hadolint `DL` code (those belong in `# hadolint ignore=`, and the matching PYD code is named), the code of a removed or deprecated rule, and an old code that was renamed (it keeps working, with this deprecation note). A comment that starts like a pragma but does not parse, for example one listing rule names, is flagged as a whole. `# hadolint ignore=` pragmas are left alone, since hadolint itself may read them.',
    whyItMatters:
      'A pragma with a mistyped code looks like it silences a finding but silences nothing, or it silences a different rule than the one meant. Nobody notices until the finding shows up in CI, or worse, the wrong problem stays hidden. Checking the codes turns a silent mistake into a visible one, in the same place the mistake was made.',
    example: 'FROM python:3.12-slim-bookworm\n# pydockerfile ignore=PYD021\nRUN pip install flask==3.0.3',
    useInstead: 'FROM python:3.12-slim-bookworm\n# pydockerfile ignore=PYD201\nRUN pip install flask==3.0.3',
    fixSafety:
      'Replacing a renamed code with its new one, or dropping the code of a removed or deprecated rule, changes nothing and is safe. Dropping an unknown code is offered but never applied automatically: it may come from a newer version of pydockerfile used elsewhere on the team. Replacing a typo or a hadolint code with a PYD code, or rule names with codes, makes the pragma start silencing a finding, so review it.',
    references: [
      'https://github.com/pydockerfile/pydockerfile#suppressing-findings',
      'https://github.com/hadolint/hadolint#inline-ignores',
      'https://docs.astral.sh/ruff/linter/#error-suppression',
    ],
  },
  check(ctx) {
    const { model, catalogue } = ctx;
    const parsed = new Set<number>();
    for (const pragma of standalonePragmas(model)) {
      parsed.add(pragma.line);
      const codes = pragmaCodes(model, pragma);
      codes.forEach((_, index) => {
        const violation = judgeCode(model, catalogue, pragma, codes, index);
        if (violation) ctx.report(violation);
      });
      if (codes.length === 0) {
        const span = pragmaSpan(model, pragma);
        ctx.report({ range: model.text.rangeOf(span.start, span.end), message: 'This pragma lists no rule codes, so it silences nothing' });
      }
    }
    // Pragma-like comments the pragma parser rejected. Only `#` lines outside instructions count.
    const content = model.content;
    for (let hash = content.indexOf('#'); hash !== -1; ) {
      const line = model.text.positionAt(hash).line;
      hash = content.indexOf('#', model.text.nextLineStart(line));
      if (parsed.has(line) || model.instructionAtLine(line) !== undefined) continue;
      if (model.pragmas.all.some((p) => p.line === line)) continue;
      const violation = judgeMalformed(model, catalogue, line);
      if (violation) ctx.report(violation);
    }
  },
});
