// PYD414: `ARG NAME value` written like a legacy ENV: the value becomes a second argument name.
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import { argWords, envLikeArg, variableReference, type ArgWord } from './arg-helpers';
import { defineRule } from './define-rule';
import { replaceSpan } from './edit-helpers';
import type { Fix } from './types';

/** The keyword written in the document's casing (`ENV` for `ARG`, `env` for `arg`). */
function keywordLike(info: InstructionInfo, keyword: string): string {
  const written = info.node.getInstruction();
  return written === written.toLowerCase() ? keyword.toLowerCase() : keyword;
}

/** Both rewrites, or none when the words are not on one line (a continuation would be lost). */
function fixesFor(model: DocumentModel, info: InstructionInfo, name: ArgWord, value: ArgWord): Fix[] {
  if (/[\r\n]/.test(model.content.slice(name.start, value.end))) return [];
  const assign = replaceSpan(model, name.end, value.start, '=');
  const keyword = info.node.getInstructionRange();
  const fixes: Fix[] = [];
  // Only ARG may come before the first FROM.
  if (info.stage !== null) {
    fixes.push({
      title: `Replace with \`ENV ${name.raw}=${value.raw}\``,
      applicability: 'unsafe',
      edits: [{ range: keyword, newText: keywordLike(info, 'ENV') }, assign],
    });
  }
  // `ARG PORT=${PORT}` would default the argument to itself: no value either way.
  if (!variableReference(name.raw).test(value.raw)) {
    fixes.push({ title: `Replace with \`ARG ${name.raw}=${value.raw}\``, applicability: 'unsafe', edits: [assign] });
  }
  return fixes;
}

export default defineRule({
  code: 'PYD414',
  name: 'arg-written-like-env',
  title: 'Write `ENV NAME=value` or `ARG NAME=value`, not `ARG NAME value`',
  category: 'runtime',
  defaultSeverity: 'error',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'unsafe' },
  docs: {
    whatItDoes:
      'Flags `ARG NAME <token>` where the second word cannot be an argument name: it references a variable (`ARG PORT ${PORT}`), is quoted, contains a `/`, or starts with a digit (`ARG PORT 8000`). ' +
      'Two plain names (`ARG VERSION COMMIT`) are a valid declaration of two arguments and stay silent.',
    whyItMatters:
      '`ARG` has no `KEY value` form: it accepts several names separated by blanks, so the second word is declared as another (oddly named) build argument and `NAME` gets no value at all. ' +
      'The typical case is `ARG PORT ${PORT}` written under an "environment variables" comment next to `ENV` lines: it was meant to be `ENV PORT=${PORT}`, yet the container starts without `PORT` and the app falls back to its own default (or crashes), while the build gives no warning.',
    example: 'FROM python:3.12-slim-bookworm\nARG PORT=8000\nARG PORT ${PORT}\nCMD ["python", "-m", "app"]',
    useInstead: 'FROM python:3.12-slim-bookworm\nARG PORT=8000\nENV PORT=${PORT}\nCMD ["python", "-m", "app"]',
    fixSafety:
      'Two rewrites are offered and neither is applied automatically, because only you know what was meant. The first, `ENV NAME=<value>`, makes the variable visible at run time, which is what this line usually wants; the second, `ARG NAME=<value>`, gives the build argument a default instead (not offered when the value refers to the argument itself). Both change what the build and the container see. No fix is offered when the words span a continuation line.',
    references: [
      'https://docs.docker.com/reference/dockerfile/#arg',
      'https://docs.docker.com/reference/dockerfile/#env',
      'https://docs.docker.com/build/building/variables/',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    for (const info of model.instructions) {
      const words = argWords(model, info);
      const match = envLikeArg(words);
      if (!match) continue;
      const [name, value] = match;
      ctx.report({
        range: model.text.rangeOf(name.start, value.end),
        message: `\`ARG\` has no \`NAME value\` form: \`${value.raw}\` is declared as a second argument, so \`${name.raw}\` gets no value`,
        fixes: words.length === 2 ? fixesFor(model, info, name, value) : [],
      });
    }
  },
});
