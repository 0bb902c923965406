// A fix must not turn a comment into a parser directive. BuildKit reads `# escape=` or `# syntax=`
// as a directive only at the very top of a file; a fix that deletes the lines above such a
// comment (an unused pragma, a stray RUN before the first FROM) moves it up, and the escape
// character or the frontend of the whole file changes. Lint drops such fixes; fix-all checks
// the fixes it combines in one pass the same way (fix/apply.ts).
import { honouredDirectives, readsLikeParserDirective, type DocumentModel } from '../model/document-model';
import { applyEdits, type TextEdit } from '../model/text';
import type { Fix } from '../rules/types';

/** A comment line of the form `# name=value`, anywhere: the cheap first test (most files have none below the top). */
const DIRECTIVE_LIKE_LINE = /^[ \t]*#[ \t]*[a-zA-Z][a-zA-Z0-9]*[ \t]*=/gm;

/**
 * A test that a fix keeps the file's parser directives, or undefined when no fix can change them
 * by moving a line up: the file has no directive-like comment below the directives it honours.
 */
export function directiveGuard(model: DocumentModel): ((fix: Fix) => boolean) | undefined {
  const content = model.content;
  const honoured = honouredDirectives(content);
  let dormant = false;
  for (const m of content.matchAll(DIRECTIVE_LIKE_LINE)) {
    const line = model.text.positionAt(m.index ?? 0).line;
    // Honoured directives are the first lines; anything below them that reads like one is dormant.
    if (line >= honoured.size && readsLikeParserDirective(model.text.lineText(line))) {
      dormant = true;
      break;
    }
  }
  if (!dormant) return undefined;
  return (fix) => keepsDirectives(model, honoured, fix);
}

/** Whether applying `fix` alone leaves every honoured directive as it was, except ones its own edits write. */
function keepsDirectives(model: DocumentModel, before: ReadonlyMap<string, string>, fix: Fix): boolean {
  if (fix.edits.length === 0) return true;
  return directivesKept(before, applyEdits(model.content, fix.edits), fix.edits);
}

/**
 * Whether `after` (a text edited by `edits`) honours the directives `before` listed, except
 * ones the edits write themselves (a fix adding `# syntax=docker/dockerfile:1` for cache mounts).
 */
export function directivesKept(before: ReadonlyMap<string, string>, after: string, edits: readonly TextEdit[]): boolean {
  const now = honouredDirectives(after);
  const writes = (name: string): boolean => edits.some((e) => e.newText.toLowerCase().includes(`${name}=`));
  for (const [name, value] of now) if (before.get(name) !== value && !writes(name)) return false;
  for (const name of before.keys()) if (!now.has(name) && !writes(name)) return false;
  return true;
}
