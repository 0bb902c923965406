// Independent readings of a Dockerfile that a rewrite must keep: installed packages, the
// container's command, line endings, byte-order mark and parser directives. Written apart from
// the rules on purpose, so a property compares the engine's output with a second opinion.
import { DocumentModel, type InstructionInfo } from '../../server/src/model/document-model';
import { stageChainInstructions } from '../../server/src/model/stages';
import { apkCommand, aptCommand } from '../../server/src/shell/apt';
import { isPathOrUrl, pipInstall, requirementName } from '../../server/src/shell/pip';

/** How a text ends its lines: counts of `\r\n`, lone `\n` and lone `\r`. */
export interface LineEndings {
  crlf: number;
  lf: number;
  cr: number;
}

/** Counts each kind of line terminator. */
export function lineEndings(text: string): LineEndings {
  const counts: LineEndings = { crlf: 0, lf: 0, cr: 0 };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\r') {
      if (text[i + 1] === '\n') {
        counts.crlf++;
        i++;
      } else counts.cr++;
    } else if (c === '\n') counts.lf++;
  }
  return counts;
}

/**
 * Why `after` does not keep the line endings of `before`, or undefined when it does: a kind
 * of terminator the original never used must not appear (a CRLF file gets no bare `\n`, an
 * LF file no `\r\n`, and no lone `\r` appears unless there was one). A file without any
 * LF may get LF line endings, the engine's default: that includes a file whose only breaks are
 * lone CRs, which editors show as lines but Docker reads as one line (it splits at LF only), so
 * a line can be added to it for Docker only with an LF.
 */
export function lineEndingProblem(before: string, after: string): string | undefined {
  const a = lineEndings(before);
  const b = lineEndings(after);
  if (a.lf + a.crlf === 0) {
    if (b.crlf > 0) return `${b.crlf} CRLF line ending(s) appeared in a file without any`;
    return b.cr > a.cr ? `${b.cr - a.cr} lone CR line ending(s) appeared` : undefined;
  }
  if (a.lf === 0 && b.lf > 0) return `${b.lf} bare LF line ending(s) appeared in a file without any`;
  if (a.crlf === 0 && b.crlf > 0) return `${b.crlf} CRLF line ending(s) appeared in a file without any`;
  if (a.cr === 0 && b.cr > 0) return `${b.cr} lone CR line ending(s) appeared in a file without any`;
  return undefined;
}

const BOM = '\uFEFF';

/** Why `after` does not keep the byte-order mark of `before`, or undefined. */
export function bomProblem(before: string, after: string): string | undefined {
  if (before.startsWith(BOM) !== after.startsWith(BOM)) return before.startsWith(BOM) ? 'the byte-order mark was lost' : 'a byte-order mark was added';
  const count = (s: string): number => s.split(BOM).length - 1;
  if (count(after) > count(before)) return 'a byte-order mark was copied into the text';
  return undefined;
}

/** Go's `unicode.IsSpace`: what BuildKit trims from the start of a line (NEL too, no byte-order mark). */
const GO_SPACE = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const DIRECTIVE_LINE = new RegExp(`^${GO_SPACE}*#[^\\S\\uFEFF]*[A-Za-z][A-Za-z0-9]*[^\\S\\uFEFF]*=`);
const ESCAPE_LINE = new RegExp(`^${GO_SPACE}*#[^\\S\\uFEFF]*escape[^\\S\\uFEFF]*=`, 'i');

/**
 * The parser-directive lines at the top of a file (`# escape=\``, `# syntax=…`), as Docker
 * reads them: only before the first instruction, comment or blank line.
 */
export function directiveLines(text: string): string[] {
  const lines = (text.startsWith(BOM) ? text.slice(1) : text).split(/\r\n|\n|\r/);
  const out: string[] = [];
  for (const line of lines) {
    // `[^\S\uFEFF]`: JavaScript's `\s` includes the byte-order mark, Docker's white space does
    // not; a mark anywhere but at the very start of the file makes the line an instruction. In
    // front of the `#`, BuildKit trims Go's `unicode.IsSpace`, which also has NEL.
    if (!DIRECTIVE_LINE.test(line)) break;
    out.push(line);
  }
  return out;
}

/** Why `after` does not keep the escape directive of `before`, or undefined. */
export function escapeProblem(before: string, after: string): string | undefined {
  const escapeLine = (lines: string[]): string | undefined => lines.find((l) => ESCAPE_LINE.test(l));
  const had = escapeLine(directiveLines(before));
  if (had !== undefined && !directiveLines(after).includes(had)) return `the escape directive \`${had}\` is gone from the directives`;
  const a = new DocumentModel(before).escapeChar;
  const b = new DocumentModel(after).escapeChar;
  if (a !== b) return `the escape character changed from ${JSON.stringify(a)} to ${JSON.stringify(b)}`;
  return undefined;
}

/**
 * What the Dockerfile installs, across all stages: `pip:<name>`, `pip-file:<path>` (for `-r`),
 * `apt:<name>`, `apk:<name>`, plus the text of every heredoc part of a RUN (opaque to the rules,
 * so a rewrite must carry it over verbatim). Words with variables are kept as written.
 */
export function installedPackages(model: DocumentModel): Set<string> {
  const out = new Set<string>();
  for (const info of model.instructions) {
    if (info.keyword !== 'RUN') continue;
    const script = model.shellOf(info);
    if (!script) {
      if (!model.isExecForm(info)) out.add(`run-text:${model.content.slice(info.start, info.end).replace(/\s+/g, ' ')}`);
      continue;
    }
    // The heredoc part only: the commands before it are read like any others, and a fix may
    // edit them (PYD214's `--no-cache` in `uv pip install … café<<café …`, a shell here-document).
    for (const o of script.opaque) if (o.reason === 'heredoc') out.add(`heredoc:${model.content.slice(o.start, o.end).replace(/\s+/g, ' ')}`);
    for (const command of script.commands) {
      const pip = pipInstall(command);
      if (pip) {
        for (const word of pip.packages) out.add(word.hasExpansion || isPathOrUrl(word.value) ? `pip:${word.raw}` : `pip:${requirementName(word.value)}`);
        for (const file of pip.values('-r', '--requirement')) out.add(`pip-file:${file}`);
        continue;
      }
      const apt = aptCommand(command);
      if (apt && apt.sub === 'install') {
        for (const word of apt.packages) out.add(`apt:${word.hasExpansion ? word.raw : word.value.replace(/[=/].*$/, '').toLowerCase()}`);
        continue;
      }
      const apk = apkCommand(command);
      if (apk && apk.sub === 'add') {
        for (const word of apk.packages) out.add(`apk:${word.hasExpansion ? word.raw : word.value.replace(/[=<>~].*$/, '').toLowerCase()}`);
      }
    }
  }
  return out;
}

/** The container's command as Docker runs it: ENTRYPOINT and CMD argv of the final stage. */
export interface ContainerCommand {
  entrypoint: string[] | null;
  cmd: string[] | null;
}

/**
 * Joins continuation lines as Docker does (escape + blanks + newline, then comment and empty
 * lines). A comment line is dropped even when it is the instruction's last line, with no line
 * break after it: BuildKit tests each continuation line for `#` before anything else. An
 * escape + blanks ending the text is dropped too: BuildKit takes it for a continuation into
 * the end of the file.
 */
function joinContinuations(text: string, escapeChar: string): string {
  const esc = escapeChar.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  const continuation = new RegExp(`${esc}[ \\t]*(?:\\r\\n|\\n|\\r)(?:[ \\t]*(?:#[^\\r\\n]*)?(?:\\r\\n|\\n|\\r))*(?:[ \\t]*#[^\\r\\n]*$)?`, 'g');
  return text.replace(continuation, '').replace(new RegExp(`${esc}[ \\t]*$`), '');
}

function parseStringArray(text: string): string[] | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The argv a user evidently meant by `['python', 'app.py']`: Docker runs that text through the
 * shell (it is not JSON), but PYD402's fix makes the intent real, so the oracle reads it the
 * same way; anything else that is not JSON stays shell text.
 */
function singleQuotedArray(text: string): string[] | undefined {
  if (!/^\[.*\]$/s.test(text) || !text.includes("'")) return undefined;
  const converted = text.replace(/'((?:[^'\\]|\\.)*)'/g, (_m, inner: string) => JSON.stringify(inner.replace(/\\'/g, "'")));
  return parseStringArray(converted);
}

/** Shells whose `-c` runs a simple command exactly like exec form would. */
const POSIX_SHELLS = /(^|\/)(sh|bash|dash|ash|zsh)$/;

/**
 * Splits shell text into words when the shell would do nothing but split it: no variables,
 * globs, operators, comments, assignments or escapes outside single quotes. Then
 * `sh -c "<text>"` and the exec form of the words run the same program with the same argv
 * (PYD401's guarded fix relies on exactly this). A leading `exec` is dropped for the same reason.
 */
export function simpleWords(text: string): string[] | undefined {
  const words: string[] = [];
  let current: string | null = null;
  // Whether the current word has a quoted part: then no `=` in it makes an assignment.
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === ' ' || c === '\t') {
      if (current !== null) words.push(current);
      current = null;
      quoted = false;
      continue;
    }
    if (c === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) return undefined;
      current = (current ?? '') + text.slice(i + 1, close);
      quoted = true;
      i = close;
      continue;
    }
    if (c === '"') {
      const close = text.indexOf('"', i + 1);
      if (close < 0) return undefined;
      const inner = text.slice(i + 1, close);
      if (/[$`\\!]/.test(inner)) return undefined;
      current = (current ?? '') + inner;
      quoted = true;
      i = close;
      continue;
    }
    // DEL, non-ASCII characters and the control characters other than the blanks (tab, LF; CR
    // ends a line for the document model) are ordinary word characters to a POSIX shell, and so
    // is `]`: only a `[` before it makes a glob, and `[` is left to the shell above.
    if (!/[A-Za-z0-9_\-.,:/=@%+^\]\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\uffff]/.test(c)) return undefined;
    // `#` starts a comment, and `=` after an unquoted name in the first word makes an
    // assignment (`A=1 app`): both are shell work. After anything else (`"./run"=`, `./a=b`,
    // `=x`) it is an ordinary character.
    if (c === '=' && words.length === 0 && !quoted && /^[A-Za-z_][A-Za-z0-9_]*$/.test(current ?? '')) return undefined;
    current = (current ?? '') + c;
  }
  if (current !== null) words.push(current);
  if (words[0] === 'exec') words.shift();
  if (words.length === 0 || /^(if|then|else|elif|fi|for|while|until|do|done|case|esac|in|function|select|time)$/.test(words[0] as string)) return undefined;
  return words;
}

/**
 * Trims `text` as BuildKit trims an instruction's arguments: Go's `strings.TrimSpace` (every
 * `unicode.IsSpace` character, NEL and NBSP included), not JavaScript's `trim` (which also drops
 * a byte-order mark and keeps NEL). What it drops never reaches the shell.
 */
export function goTrimSpace(text: string): string {
  // A loop, not `/\s+$/`-style patterns: those backtrack quadratically on long inner runs of spaces.
  const space = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
  let start = 0;
  let end = text.length;
  while (start < end && space.test(text[start] as string)) start++;
  while (end > start && space.test(text[end - 1] as string)) end--;
  return text.slice(start, end);
}

/** The argv one CMD/ENTRYPOINT runs, given the stage's SHELL at that point. */
function argvOf(model: DocumentModel, info: InstructionInfo, shell: string[]): string[] {
  const first = info.node.getArguments()[0];
  if (!first) return [];
  const start = model.text.offsetAt(first.getRange().start);
  const text = goTrimSpace(joinContinuations(model.content.slice(start, info.end), model.escapeChar));
  const exec = text.startsWith('[') ? parseStringArray(text) : undefined;
  if (exec) return exec;
  const intended = singleQuotedArray(text);
  if (intended) return intended;
  if (POSIX_SHELLS.test(shell[0] ?? '') && shell[shell.length - 1] === '-c') {
    const words = simpleWords(text);
    if (words) return words;
  }
  return [...shell, text];
}

/** ENTRYPOINT and CMD of the final stage (inherited from parent stages), or null when unset. */
export function containerCommand(model: DocumentModel): ContainerCommand {
  const final = model.finalStage;
  if (!final) return { entrypoint: null, cmd: null };
  let shell = ['/bin/sh', '-c'];
  let entrypoint: string[] | null = null;
  let cmd: string[] | null = null;
  for (const info of stageChainInstructions(final)) {
    if (info.keyword === 'SHELL') {
      const first = info.node.getArguments()[0];
      const start = first ? model.text.offsetAt(first.getRange().start) : info.end;
      const parsed = parseStringArray(goTrimSpace(joinContinuations(model.content.slice(start, info.end), model.escapeChar)));
      if (parsed && parsed.length > 0) shell = parsed;
    } else if (info.keyword === 'ENTRYPOINT') entrypoint = argvOf(model, info, shell);
    else if (info.keyword === 'CMD') cmd = argvOf(model, info, shell);
  }
  return { entrypoint, cmd };
}
