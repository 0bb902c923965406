// PYD401: the image's CMD or ENTRYPOINT is written in shell form, so `/bin/sh -c` becomes PID 1.
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import { dockerTrimBounds, type TextEdit } from '../model/text';
import { logicalText, type LogicalText, type Word } from '../shell/lexer';
import type { ShellScript, SimpleCommand } from '../shell/parser';
import { defineRule } from './define-rule';
import { replaceSpan } from './edit-helpers';
import { chainCommands } from './entrypoint-helpers';
import type { Applicability, Fix, LintEnvironment } from './types';

/**
 * Shell builtins and keywords with no executable of the same name: in exec form there is
 * no shell to run them. (`echo`, `test`, `true`, `kill`, … exist as programs too.)
 */
const SHELL_ONLY = new Set([
  '.', ':', '[[', 'alias', 'bg', 'bind', 'break', 'builtin', 'caller', 'case', 'cd', 'command', 'compgen',
  'complete', 'coproc', 'continue', 'declare', 'dirs', 'disown', 'enable', 'eval', 'exec', 'exit', 'export',
  'fc', 'fg', 'for', 'function', 'getopts', 'hash', 'help', 'history', 'if', 'jobs', 'let', 'local', 'logout',
  'mapfile', 'popd', 'pushd', 'read', 'readarray', 'readonly', 'return', 'select', 'set', 'shift', 'shopt',
  'source', 'suspend', 'time', 'times', 'trap', 'type', 'typeset', 'ulimit', 'umask', 'unalias', 'unset',
  'until', 'wait', 'while',
]);

/** Characters of a raw shell word that are outside any quotes (escaped ones included). */
function unquotedChars(raw: string): string {
  let out = '';
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string;
    if (quote === "'") {
      if (c === "'") quote = null;
    } else if (quote === '"') {
      if (c === '\\') i++;
      else if (c === '"') quote = null;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else {
      out += c;
    }
  }
  return out;
}

/** True when a backslash appears outside single quotes (its meaning depends on context). */
function hasActiveBackslash(raw: string): boolean {
  let inSingle = false;
  for (const c of raw) {
    if (c === "'") inSingle = !inSingle;
    else if (c === '\\' && !inSingle) return true;
  }
  return false;
}

/**
 * The trimmed logical span of the arguments, as logical indices (end exclusive), trimmed as
 * BuildKit trims them (Go's `unicode.IsSpace`, which keeps a byte-order mark that `\s` drops).
 */
function trimmedSpan(text: LogicalText): { start: number; end: number } | null {
  return dockerTrimBounds(text.chars);
}

/** Words that shell word splitting would produce unchanged, or null if the shell does more. */
function plainArgv(model: DocumentModel, script: ShellScript, text: LogicalText): Word[] | null {
  if (script.error !== undefined || script.opaque.length > 0 || script.commands.length !== 1) return null;
  const cmd = script.commands[0] as SimpleCommand;
  if (cmd.assignments.length > 0 || cmd.redirects.length > 0 || cmd.connector !== null || cmd.depth !== 0 || cmd.negated) return null;
  if (/[$`#]/.test(text.chars)) return null;
  let words = cmd.words;
  // `CMD exec app` already replaces the shell; exec form does the same without it.
  if (words.length > 1 && words[0]?.raw === 'exec' && !(words[1] as Word).value.startsWith('-')) {
    if (/[\r\n]/.test(model.content.slice((words[0] as Word).end, (words[1] as Word).start))) return null;
    words = words.slice(1);
  }
  const first = words[0];
  if (!first || SHELL_ONLY.has(first.value)) return null;
  for (const w of words) {
    if (w.hasExpansion || w.hasGlob || /[~{}]/.test(unquotedChars(w.raw)) || hasActiveBackslash(w.raw)) return null;
    if (/[\r\n]/.test(model.content.slice(w.start, w.end))) return null;
  }
  return words;
}

/** Edits that turn the words into a JSON array in place, keeping continuation lines. */
function execFormEdits(model: DocumentModel, script: ShellScript, words: Word[]): TextEdit[] {
  const edits: TextEdit[] = [];
  const firstWord = script.commands[0]?.words[0];
  const head = words[0] as Word;
  if (firstWord && firstWord !== head) edits.push(replaceSpan(model, firstWord.start, head.start, ''));
  words.forEach((w, i) => {
    const last = i === words.length - 1;
    edits.push(replaceSpan(model, w.start, w.end, `${i === 0 ? '[' : ''}${JSON.stringify(w.value)}${last ? ']' : ','}`));
    const next = words[i + 1];
    // Gaps on one line become a single space; gaps with a line continuation stay as written.
    if (next && !/[\r\n]/.test(model.content.slice(w.end, next.start))) edits.push(replaceSpan(model, w.end, next.start, ' '));
  });
  return edits;
}

/**
 * The script as `/bin/sh` receives it, with the whitespace around joined continuation lines
 * collapsed to one space (outside quotes only, where it cannot matter).
 */
function flattenedScript(text: LogicalText, span: { start: number; end: number }, insertExecAt: number | null): string {
  let out = '';
  let quote: '"' | "'" | null = null;
  let escaped = false;
  for (let i = span.start; i < span.end; i++) {
    const c = text.chars[i] as string;
    const joined = i > span.start && (text.offsets[i] as number) - (text.offsets[i - 1] as number) > 1;
    if (joined && quote === null && !escaped && (/\s$/.test(out) || /\s/.test(c))) {
      out = out.replace(/\s+$/, '');
      while (i < span.end && /\s/.test(text.chars[i] as string)) i++;
      out += ' ';
      if (i >= span.end) break;
    }
    if (i === insertExecAt) out += 'exec ';
    const d = text.chars[i] as string;
    out += d;
    if (escaped) escaped = false;
    else if (quote === "'") quote = d === "'" ? null : quote;
    else if (d === '\\') escaped = true;
    else if (quote === '"') quote = d === '"' ? null : quote;
    else if (d === "'" || d === '"') quote = d;
  }
  return out.trim();
}

/** `["sh", "-c", "exec …"]` for one command or an `a && b` chain; null otherwise. */
function shellWrapperText(model: DocumentModel, info: InstructionInfo, script: ShellScript, text: LogicalText, span: { start: number; end: number }): string | null {
  if (script.error !== undefined || script.opaque.length > 0) return null;
  const commands = script.commands;
  const last = commands[commands.length - 1];
  if (!last || last.depth !== 0 || last.negated || last.assignments.length > 0) return null;
  if (commands.some((c) => c.connector === '&')) return null;
  const prev = commands[commands.length - 2];
  if (prev && prev.connector !== '&&') return null;
  const head = last.words[0];
  if (!head) return null;
  const alreadyExec = head.raw === 'exec';
  if (!alreadyExec && SHELL_ONLY.has(head.value)) return null;
  // Flattening would drop comment lines inside the continuation.
  const lines = model.content.slice(script.start, info.end).split('\n').slice(1);
  if (lines.some((l) => l.trim().startsWith('#'))) return null;
  const execAt = alreadyExec ? null : text.offsets.indexOf(head.start);
  if (execAt !== null && execAt < 0) return null;
  const flat = flattenedScript(text, span, execAt);
  return `["sh", "-c", ${JSON.stringify(flat)}]`;
}

/**
 * True when the program is a script from the build context without a `#!` line: `sh -c`
 * runs such a file as a shell script, but exec form fails with "exec format error".
 */
function lacksShebang(env: LintEnvironment, program: Word): boolean {
  if (!env.readContextFile || !program.value.includes('/')) return false;
  const relative = program.value.replace(/^(\.\/)+/, '');
  const file = relative.slice(relative.lastIndexOf('/') + 1);
  // The path inside the image rarely matches the context; the file name usually does.
  const candidates = relative.startsWith('/') ? [file] : [relative, file];
  for (const candidate of candidates) {
    const content = candidate === '' ? undefined : env.readContextFile(candidate);
    if (content !== undefined) return !content.replace(/^\uFEFF/, '').startsWith('#!');
  }
  return false;
}

function execFormTitle(words: Word[]): string {
  const preview = words.length > 2 ? `${JSON.stringify(words[0]?.value)}, ${JSON.stringify(words[1]?.value)}, …` : words.map((w) => JSON.stringify(w.value)).join(', ');
  return `Rewrite in exec form \`[${preview}]\``;
}

export default defineRule({
  code: 'PYD401',
  name: 'shell-form-cmd',
  title: 'Write the final `CMD` and `ENTRYPOINT` in exec form',
  category: 'runtime',
  defaultSeverity: 'warning',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'unsafe' },
  hadolint: ['DL3025'],
  docs: {
    whatItDoes: 'Flags the `CMD` and `ENTRYPOINT` that take effect in the final image (the last ones in the final stage and the stages it is built `FROM`) when they are written in shell form. Builder stages, and images whose stage chain sets a `SHELL`, are not checked. A command that is a plain list of words is rewritten as a JSON array (`CMD gunicorn main:app -b 0.0.0.0:5000` becomes `CMD ["gunicorn", "main:app", "-b", "0.0.0.0:5000"]`); a command that needs the shell can be wrapped as `["sh", "-c", "exec …"]`. A command that starts like a JSON array but is not valid JSON (a missing `]`, a missing or trailing comma) is run as shell form too, as text: it is reported as such, without a fix.',
    whyItMatters: 'In shell form Docker starts `/bin/sh -c "<text>"`, so the shell is PID 1 and your app is its child. The shell does not forward SIGTERM: `docker stop` waits for the 10 s grace period and then SIGKILLs the app, which never gets to finish requests or close connections, on every deploy and every scale-down. A shell-form `ENTRYPOINT` also ignores `CMD` and the arguments given to `docker run`.',
    example: 'FROM python:3.12-slim-bookworm\nCMD gunicorn main:app --bind 0.0.0.0:8000',
    useInstead: 'FROM python:3.12-slim-bookworm\nCMD ["gunicorn", "main:app", "--bind", "0.0.0.0:8000"]',
    fixSafety: 'Rewriting a plain list of words is safe: the program receives exactly the arguments the shell would have passed. It is marked unsafe when it changes how `CMD` and `ENTRYPOINT` combine: an exec-form `ENTRYPOINT` receives the `CMD` as extra arguments (a shell-form one ignores it), and a `CMD` becomes the arguments of an `ENTRYPOINT` in effect. It is also unsafe when the program is a script from the build context without a `#!` line: the shell runs such a file, exec form fails with "exec format error". The `["sh", "-c", "exec …"]` rewrite, offered when the command uses variables, redirections or `&&` chains, is always unsafe: the last command replaces the shell, so anything that relied on the shell staying alive (traps, commands after it) behaves differently, and comments inside the instruction would be lost (no fix is offered then).',
    references: [
      'https://docs.docker.com/reference/dockerfile/#shell-and-exec-form',
      'https://docs.docker.com/reference/dockerfile/#understand-how-cmd-and-entrypoint-interact',
      'https://docs.docker.com/reference/build-checks/json-args-recommended/',
      'https://github.com/hadolint/hadolint/wiki/DL3025',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    const final = model.finalStage;
    if (!final) return;
    const effective = chainCommands(final);
    // A custom SHELL decides what runs the command (and may well exec it): stay silent.
    if (effective.customShell) return;
    for (const info of [effective.entrypoint, effective.cmd]) {
      if (!info || model.isExecForm(info)) continue;
      const script = model.shellOf(info);
      if (!script) continue;
      // The script's own span: BuildKit's trimmed arguments, which can end before the instruction.
      const text = logicalText(model.content, script.start, script.end, model.escapeChar);
      const span = trimmedSpan(text);
      if (!span) continue;
      const start = text.offsets[span.start] as number;
      const end = (text.offsets[span.end - 1] as number) + 1;
      // A `[` glued to what follows is an exec form that is not valid JSON (`["app", "x"` with
      // no `]`, a missing comma, a trailing one): Docker then runs the text through the shell,
      // which looks for a program named `["app",`. Calling it shell form and offering the
      // `sh -c` wrapper would hide the typo; `[ -f x ]` (the test command) is spaced out.
      if (text.chars[span.start] === '[' && !/[\s[]/.test(text.chars[span.start + 1] ?? ' ')) {
        // `CMD ['app']` is a broken exec form that PYD402 (single-quoted-json-array) reports and fixes.
        if (text.chars[span.end - 1] === ']' && text.chars.slice(span.start, span.end).includes("'")) continue;
        ctx.report({
          range: model.text.rangeOf(start, end),
          message: `\`${info.keyword}\` is not a valid JSON array, so Docker treats it as shell form and runs the text with \`/bin/sh -c\`: check the brackets, commas and double quotes`,
          fixes: [],
        });
        continue;
      }
      const changesPairing = info.keyword === 'ENTRYPOINT' ? effective.cmd !== null : effective.entrypoint !== null;
      const words = plainArgv(model, script, text);
      const unsafeExec = changesPairing || (words !== null && lacksShebang(ctx.env, words[0] as Word));
      const fixes: Fix[] = [];
      if (words) {
        const applicability: Applicability = unsafeExec ? 'unsafe' : 'safe';
        fixes.push({ title: execFormTitle(words), applicability, edits: execFormEdits(model, script, words) });
      } else {
        const wrapped = shellWrapperText(model, info, script, text, span);
        if (wrapped) fixes.push({ title: 'Rewrite as `["sh", "-c", "exec …"]`', applicability: 'unsafe', edits: [replaceSpan(model, start, end, wrapped)] });
      }
      // `CMD exec app …`: the shell replaces itself with the app, which then gets the signals;
      // saying otherwise would be wrong, though exec form still spares the shell.
      const head = script.commands.length === 1 ? (script.commands[0] as SimpleCommand) : null;
      const execs = head !== null && head.depth === 0 && head.words[0]?.raw === 'exec' && head.words.length > 1;
      ctx.report({
        range: model.text.rangeOf(start, end),
        message:
          info.keyword === 'CMD'
            ? execs
              ? 'Shell-form `CMD` starts `/bin/sh -c` only to `exec` the app: exec form runs it directly'
              : 'Shell-form `CMD` runs under `/bin/sh -c`, which does not pass stop signals on to the app'
            : execs
              ? 'Shell-form `ENTRYPOINT` runs under `/bin/sh -c`: it ignores `CMD` and `docker run` arguments'
              : 'Shell-form `ENTRYPOINT` runs under `/bin/sh -c`: it ignores `CMD` and `docker run` arguments and does not pass stop signals on',
        fixes,
      });
    }
  },
});
