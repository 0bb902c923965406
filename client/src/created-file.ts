// The text of a file an Optimize proposal creates, so it is written by the file creation itself.
import type { TextEdit } from '../../server/src/protocol';

/**
 * The whole text of a new file whose edits only insert at its start, in their order (LSP applies
 * inserts at one position in array order); undefined for edits that need an existing text.
 * Creating the file with its text (instead of creating it empty and editing it) keeps it one
 * file operation: VS Code undoes and redoes it with the Dockerfile edit, text included, and
 * there is no unsaved buffer left to save.
 */
export function createdFileContent(edits: readonly TextEdit[]): string | undefined {
  const atStart = edits.every(({ range: { start, end } }) => start.line === 0 && start.character === 0 && end.line === 0 && end.character === 0);
  return atStart ? edits.map((edit) => edit.newText).join('') : undefined;
}
