// PYD413: the same ARG declared twice in one scope (a stage, or the lines before the first FROM).
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import type { TextEdit } from '../model/text';
import { argWords, envLikeArg, variableReference, type ArgWord } from './arg-helpers';
import { defineRule } from './define-rule';
import { instructionSource, removeInstruction, replaceSpan } from './edit-helpers';
import type { Fix } from './types';

/** One declared name with the instruction it belongs to. */
interface Declaration {
  info: InstructionInfo;
  word: ArgWord;
  /** All words of the instruction, to delete one of several. */
  siblings: readonly ArgWord[];
}

/** The ARG scopes: the global one (before the first FROM), then one per stage. */
function scopes(model: DocumentModel): InstructionInfo[][] {
  const global = model.instructions.filter((i) => i.stage === null && i.keyword === 'ARG');
  return [global, ...model.stages.map((s) => s.instructions)];
}

/** Removes one word of a multi-name ARG with the blanks that separate it from its neighbour. */
function removeWordEdit(model: DocumentModel, decl: Declaration): TextEdit | null {
  const { word, siblings } = decl;
  if (siblings.length === 1) return removeInstruction(model, decl.info);
  const index = siblings.indexOf(word);
  const next = siblings[index + 1];
  const prev = siblings[index - 1];
  const [start, end] = next ? [word.start, next.start] : [(prev as ArgWord).end, word.end];
  // A comment line inside a continuation would go with the blanks: leave that to the user.
  if (/(^|\n)\s*#/.test(model.content.slice(start, end))) return null;
  return replaceSpan(model, start, end, '');
}

/**
 * Deleting the first declaration keeps the build identical when nothing between the two reads
 * the argument (a RUN sees every ARG in its environment, so any RUN counts as a reader) and the
 * second one sets its own default (or neither does).
 */
function deletionIsSafe(model: DocumentModel, first: Declaration, second: Declaration, scope: InstructionInfo[]): boolean {
  if (first.word.hasValue && !second.word.hasValue) return false;
  const reference = variableReference(first.word.name);
  if (second.word.rawValue !== null && reference.test(second.word.rawValue)) return false;
  if (first.info === second.info) {
    const between = first.siblings.slice(first.siblings.indexOf(first.word) + 1, first.siblings.indexOf(second.word));
    return !between.some((w) => reference.test(w.raw));
  }
  const after = first.siblings.slice(first.siblings.indexOf(first.word) + 1);
  const before = second.siblings.slice(0, second.siblings.indexOf(second.word));
  if ([...after, ...before].some((w) => reference.test(w.raw))) return false;
  const between = scope.filter((i) => i.index > first.info.index && i.index < second.info.index);
  return !between.some((i) => i.keyword === 'RUN' || reference.test(instructionSource(model, i)));
}

/** What the second declaration does to the value, for the message. */
function defaultNote(word: ArgWord): string {
  if (!word.hasValue) return '';
  return word.rawValue === '' ? '; from here on its default is empty' : `; from here on its default is \`${word.rawValue ?? ''}\``;
}

function fixFor(model: DocumentModel, first: Declaration, second: Declaration, scope: InstructionInfo[]): Fix[] {
  const edit = removeWordEdit(model, first);
  if (!edit) return [];
  const line = first.info.range.start.line + 1;
  return [
    {
      title: `Remove the first declaration (line ${line})`,
      applicability: deletionIsSafe(model, first, second, scope) ? 'safe' : 'unsafe',
      edits: [edit],
    },
  ];
}

export default defineRule({
  code: 'PYD413',
  name: 'duplicate-arg',
  title: 'Declare each `ARG` once per stage',
  category: 'runtime',
  defaultSeverity: 'warning',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'safe' },
  docs: {
    whatItDoes:
      'Flags an `ARG` name declared a second time in the same scope: the same build stage, or the global lines before the first `FROM`. Declaring a global `ARG` again inside a stage (to use it there) is a different scope and is not flagged. The fix removes the first declaration.',
    whyItMatters:
      'A repeated `ARG` is nearly always a copy-paste leftover, and it silently changes meaning halfway through the stage: the later default wins from its line on, so `ARG WORKERS=application` followed by `ARG WORKERS=2` builds everything before the second line with `application` and everything after it with `2`. Readers see two answers to "what is the default?" and usually pick the wrong one.',
    example: 'FROM python:3.12-slim-bookworm\nARG WORKERS=application\nARG WORKERS=2\nCMD ["python", "-m", "app"]',
    useInstead: 'FROM python:3.12-slim-bookworm\nARG WORKERS=2\nCMD ["python", "-m", "app"]',
    fixSafety:
      'Removing the first declaration is applied automatically only when it provably changes nothing: no instruction between the two declarations mentions the argument, no `RUN` runs in between (every `RUN` sees the build arguments in its environment), and the second declaration sets a default of its own (or neither does). Otherwise the same removal is offered as an unsafe fix, because the steps in between would lose the first value.',
    references: ['https://docs.docker.com/reference/dockerfile/#arg', 'https://docs.docker.com/reference/dockerfile/#scope', 'https://docs.docker.com/build/building/variables/'],
  },
  check(ctx) {
    const { model } = ctx;
    for (const scope of scopes(model)) {
      const seen = new Map<string, Declaration>();
      for (const info of scope) {
        if (info.keyword !== 'ARG') continue;
        const words = argWords(model, info);
        // `ARG PORT ${PORT}` is a different mistake (PYD414), whose fix turns it into an ENV.
        if (envLikeArg(words)) continue;
        // `ARG VERSION= # change me`: Docker has no trailing comments, so the words after `#` are
        // more ARG names, but reporting `CHANGE` or `ME` as duplicates would only confuse.
        if (words.some((w) => w.name.startsWith('#'))) continue;
        for (const word of words) {
          // A name with quotes or variables is not a plain declaration: do not guess.
          if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(word.name)) continue;
          const decl: Declaration = { info, word, siblings: words };
          const first = seen.get(word.name);
          seen.set(word.name, decl);
          if (!first) continue;
          const where = info.stage === null ? 'before the first `FROM`' : 'in this stage';
          ctx.report({
            range: model.text.rangeOf(word.start, word.end),
            message: `\`ARG ${word.name}\` is declared again ${where} (first on line ${first.info.range.start.line + 1})${defaultNote(word)}`,
            fixes: fixFor(model, first, decl, scope),
          });
        }
      }
    }
  },
});
