// PYD003: instructions `docker build` rejects (an unknown keyword, an instruction before the first
// FROM, no arguments, SHELL not in JSON form) and RUN commands `/bin/sh` cannot parse.
import { withinOneEdit } from '../config/rule-refs';
import { KNOWN_KEYWORDS, type InstructionInfo } from '../model/document-model';
import { stageChainInstructions } from '../model/stages';
import type { ShellScript } from '../shell/parser';
import { defineRule } from './define-rule';
import { keywordRange } from './edit-helpers';
import type { Fix, Violation } from './types';

/**
 * The known keyword `word` is one slip away from (a letter added, dropped, replaced, or two
 * neighbours swapped), when there is exactly one; a typo suggestion must not be a coin toss.
 */
export function likelyKeyword(word: string): string | undefined {
  const upper = word.toUpperCase();
  // A known keyword is no typo (its own distance is 0); callers ask about unknown ones.
  const near = [...KNOWN_KEYWORDS].filter((k) => k !== upper && withinOneEdit(upper, k));
  return near.length === 1 ? near[0] : undefined;
}

/** Whether a RUN runs under the default `/bin/sh -c`: no SHELL before it in its stage chain. */
function runsUnderSh(info: InstructionInfo): boolean {
  if (!info.stage) return false;
  return !stageChainInstructions(info.stage).some((i) => i.keyword === 'SHELL' && i.index < info.index);
}

function unknownKeyword(info: InstructionInfo): Violation {
  const written = info.node.getKeyword();
  const suggestion = likelyKeyword(written);
  const range = keywordRange(info);
  const fixes: Fix[] = suggestion ? [{ title: `Change \`${written}\` to \`${suggestion}\``, applicability: 'unsafe', edits: [{ range, newText: suggestion }] }] : [];
  return {
    range,
    message: `\`${written}\` is not a Dockerfile instruction, so \`docker build\` stops here${suggestion ? `: did you mean \`${suggestion}\`?` : ''}`,
    fixes,
  };
}

/**
 * Where a shell syntax error is: from the token the parser stopped at; the dangling connector
 * when the script ends too early; the whole command for a quote the lexer never saw closed.
 */
function errorSpan(script: ShellScript): [number, number] {
  const at = script.opaque.find((o) => o.reason === script.error)?.start;
  if (at !== undefined && at < script.end) return [at, script.end];
  const connector = script.commands[script.commands.length - 1]?.connectorToken;
  return connector ? [connector.start, connector.end] : [script.start, script.end];
}

export default defineRule({
  code: 'PYD003',
  name: 'invalid-instruction',
  title: 'Write instructions `docker build` can parse',
  category: 'meta',
  defaultSeverity: 'error',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'unsafe' },
  docs: {
    whatItDoes:
      'Flags what makes `docker build` fail before any step runs: a keyword that is not a Dockerfile instruction (`RUNN`, `COPPY`), an instruction other than `ARG` before the first `FROM`, an instruction without arguments, a `COPY` or `ADD` with a source but no destination, and `SHELL` not written as a JSON array. ' +
      'It also flags a `RUN` whose command `/bin/sh` cannot parse (an unterminated quote, `$(` or backtick, a dangling `&&`, an unbalanced group), which fails when that step runs; only under the default shell, since a `SHELL` instruction may choose one with other syntax. ' +
      'Unknown keywords one slip away from exactly one instruction (a letter added, dropped, replaced, or two neighbours swapped) get that instruction as a fix. The other pydockerfile rules skip what they cannot read, and Optimize applies only fixes that add no such problem.',
    whyItMatters:
      'A typo in a keyword or a missing quote is found by `docker build` only after a context upload, and in CI after a queue and a clone. The editor can show it as you type, on the line where it is, instead of in a build log.',
    example: 'FROM python:3.12-slim-bookworm\nRUNN pip install --no-cache-dir flask==3.0.3\nCMD ["python", "app.py"]',
    useInstead: 'FROM python:3.12-slim-bookworm\nRUN pip install --no-cache-dir flask==3.0.3\nCMD ["python", "app.py"]',
    fixSafety: 'Changing a misspelt keyword to the instruction it is closest to is a guess at what was meant, and it makes a step run that did not run before, so it is never applied automatically (nor ticked by default in Optimize).',
    references: [
      'https://docs.docker.com/reference/dockerfile/#format',
      'https://docs.docker.com/reference/dockerfile/#shell',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    let seenFrom = false;
    for (const info of model.instructions) {
      const keyword = info.keyword;
      if (!KNOWN_KEYWORDS.has(keyword)) {
        ctx.report(unknownKeyword(info));
        continue;
      }
      if (keyword === 'FROM') seenFrom = true;
      else if (!seenFrom && keyword !== 'ARG') {
        ctx.report({ range: keywordRange(info), message: `\`${keyword}\` comes before the first \`FROM\`, where \`docker build\` accepts only \`ARG\`: move it into a stage` });
        continue;
      }
      if (info.node.getArguments().length === 0) {
        ctx.report({ range: keywordRange(info), message: `\`${keyword}\` has no arguments, so \`docker build\` rejects it` });
        continue;
      }
      // Docker: "COPY requires at least two arguments … Destination could not be determined".
      if ((keyword === 'COPY' || keyword === 'ADD') && info.node.getArguments().length === 1) {
        ctx.report({ range: info.range, message: `\`${keyword}\` needs a source and a destination: with one argument \`docker build\` cannot tell where the files go` });
        continue;
      }
      if (keyword === 'SHELL' && !model.isExecForm(info)) {
        ctx.report({ range: info.range, message: '`SHELL` must be a JSON array such as `["/bin/bash", "-o", "pipefail", "-c"]`: `docker build` rejects any other form' });
        continue;
      }
      if (keyword !== 'RUN' || !runsUnderSh(info)) continue;
      const script = model.shellOf(info);
      if (script?.error === undefined) continue;
      ctx.report({ range: model.text.rangeOf(...errorSpan(script)), message: `\`/bin/sh\` cannot parse this command (${script.error}), so this \`RUN\` fails when the image is built` });
    }
  },
});
