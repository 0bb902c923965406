// PYD407: server options (workers, bind address, timeouts, …) written into the image's command.
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import type { Range, TextEdit } from '../model/text';
import { defineRule } from './define-rule';
import { replaceSpan } from './edit-helpers';
import { insertLinesAbove } from './env-helpers';
import { finalEntry, serverCommands, type EntryCommand, type EntryWord, type FinalEntry, type ServerName } from './entrypoint-helpers';
import { chainEnv } from './env-helpers';
import type { Fix } from './types';

/** Per server: the catalogue's tuning options that take a value, and those that are flags. */
const TUNING: Partial<Record<ServerName, { values: readonly string[]; flags: readonly string[] }>> = {
  gunicorn: { values: ['-w', '--workers', '-k', '--worker-class', '-t', '--timeout', '-b', '--bind', '--threads'], flags: ['--preload'] },
  uvicorn: { values: ['--host', '--port', '--workers'], flags: [] },
  hypercorn: { values: ['-b', '--bind', '-w', '--workers', '-k', '--worker-class'], flags: [] },
  daphne: { values: ['-b', '--bind', '-p', '--port'], flags: [] },
  'waitress-serve': { values: ['--host', '--port', '--listen', '--threads'], flags: [] },
  granian: { values: ['--host', '--port', '--workers'], flags: [] },
  flask: { values: ['-h', '--host', '-p', '--port'], flags: [] },
};

/** Where a server reads the same settings from the environment, for the message. */
const ENV_HINT: Partial<Record<ServerName, string>> = {
  gunicorn: '`GUNICORN_CMD_ARGS`',
  uvicorn: '`UVICORN_*` variables',
  flask: '`FLASK_RUN_HOST`/`FLASK_RUN_PORT`',
};

/** Flask options before the subcommand that take a value (`flask --app x run …`). */
const FLASK_GLOBAL_VALUES = new Set(['--app', '-A', '--env-file', '-e']);

/** One hard-coded option: the option word and, for options with a value, the value word. */
interface LiteralOption {
  name: string;
  words: EntryWord[];
}

/** Whether a word is written literally (no variable that could be set per deployment). */
function literal(word: EntryWord): boolean {
  return !word.hasExpansion && !word.value.includes('$');
}

/** The index where the server's own options start (after `run` for `flask`), or -1. */
function optionsStart(server: ServerName, values: string[], index: number): number {
  if (server !== 'flask') return index + 1;
  for (let i = index + 1; i < values.length; i++) {
    const v = values[i] as string;
    if (FLASK_GLOBAL_VALUES.has(v)) i++;
    else if (!v.startsWith('-')) return v === 'run' ? i + 1 : -1;
  }
  return -1;
}

/** The catalogue's options written literally in a server command. */
function literalOptions(server: ServerName, words: EntryWord[], from: number): LiteralOption[] {
  const tuning = TUNING[server];
  if (!tuning) return [];
  const found: LiteralOption[] = [];
  for (let i = from; i < words.length; i++) {
    const word = words[i] as EntryWord;
    const v = word.value;
    if (tuning.flags.includes(v)) {
      if (literal(word)) found.push({ name: v, words: [word] });
      continue;
    }
    const name = tuning.values.find((o) => v === o || v.startsWith(`${o}=`) || (!o.startsWith('--') && v.startsWith(o) && v.length > o.length));
    if (!name) continue;
    if (v === name) {
      const value = words[i + 1];
      i++;
      if (value && literal(word) && literal(value)) found.push({ name, words: [word, value] });
    } else if (literal(word)) {
      found.push({ name, words: [word] });
    }
  }
  return found;
}

/** Where to show the finding: the options when they sit in one instruction, else the instruction. */
function anchor(model: DocumentModel, entry: FinalEntry, options: LiteralOption[]): Range {
  const words = options.flatMap((o) => o.words);
  const first = words[0];
  const last = words[words.length - 1];
  if (first?.info && last && first.info === last.info) return model.text.rangeOf(first.start, last.end);
  return (first?.info ?? entry.entrypoint ?? entry.cmd ?? entry.stage.fromInfo).range;
}

/**
 * Edits that drop the moved words from their instructions: each run of moved words goes with
 * the blanks (or `, `) before it, or after it when it opens the instruction's list.
 */
function removalEdits(model: DocumentModel, command: EntryCommand, moved: Set<EntryWord>): TextEdit[] | null {
  const edits: TextEdit[] = [];
  const byInstruction = new Map<InstructionInfo, EntryWord[]>();
  for (const w of command.words) {
    if (!w.info) continue;
    byInstruction.set(w.info, [...(byInstruction.get(w.info) ?? []), w]);
  }
  for (const [info, words] of byInstruction) {
    let i = 0;
    while (i < words.length) {
      if (!moved.has(words[i] as EntryWord)) {
        i++;
        continue;
      }
      let j = i;
      while (j + 1 < words.length && moved.has(words[j + 1] as EntryWord)) j++;
      const prev = words[i - 1];
      const next = words[j + 1];
      let start: number;
      let end: number;
      if (prev) [start, end] = [prev.end, (words[j] as EntryWord).end];
      else if (next) [start, end] = [(words[i] as EntryWord).start, next.start];
      else if (model.isExecForm(info)) [start, end] = [(words[i] as EntryWord).start, (words[j] as EntryWord).end];
      else return null;
      // Comment lines inside a continuation would go with the removed text.
      if (/\n[ \t]*#/.test(model.content.slice(start, end))) return null;
      edits.push(replaceSpan(model, start, end, ''));
      i = j + 1;
    }
  }
  return edits;
}

/** Moves gunicorn's literal options into `ENV GUNICORN_CMD_ARGS="…"` above the instruction. */
function gunicornFix(model: DocumentModel, entry: FinalEntry, command: EntryCommand, options: LiteralOption[]): Fix | null {
  const words = options.flatMap((o) => o.words);
  if (words.some((w) => !w.info || /[\s"'\\`]/.test(w.value))) return null;
  if (command.env.has('GUNICORN_CMD_ARGS') || chainEnv(entry.stage).last.has('GUNICORN_CMD_ARGS')) return null;
  // Only words of exec-form instructions or of a shell command written in the Dockerfile.
  if (command.origin !== 'exec' && command.origin !== 'shell' && command.origin !== 'forwarded') return null;
  const removals = removalEdits(model, command, new Set(words));
  if (!removals) return null;
  const target = (words[0] as EntryWord).info as InstructionInfo;
  const value = words.map((w) => w.value).join(' ');
  return {
    title: 'Move the options to `ENV GUNICORN_CMD_ARGS`',
    applicability: 'unsafe',
    edits: [insertLinesAbove(model, target, [`ENV GUNICORN_CMD_ARGS="${value}"`]), ...removals],
  };
}

export default defineRule({
  code: 'PYD407',
  name: 'hard-coded-server-options',
  title: 'Read server tuning options from the environment instead of the image command',
  category: 'runtime',
  defaultSeverity: 'info',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'unsafe' },
  docs: {
    whatItDoes: 'Flags the final image\'s `CMD`/`ENTRYPOINT` when it starts a server (gunicorn, uvicorn, hypercorn, daphne, waitress-serve, granian or `flask run`, also as `python -m …`, behind `tini` or `sh -c`) with tuning options written as literals: workers (`-w`/`--workers`), worker class (`-k`), timeout (`-t`), bind address (`-b`/`--bind`, `--host`, `--port`, `--listen`), `--threads`, `--preload`. Options whose value comes from a variable are already configurable and are not flagged. Commands behind `uv run` or `pipenv run` are left to the uv and pipenv rules. For gunicorn, the fix moves the options into `ENV GUNICORN_CMD_ARGS="…"` and leaves the command with the app; entry scripts and `gunicorn.conf.py` are not edited.',
    whyItMatters: 'Worker counts, timeouts and bind addresses depend on where the image runs: a laptop, a 2-CPU container or a 32-core node. Written into the command, each change needs a rebuild and a new image, and the same image cannot be tuned differently for staging and production. gunicorn reads the same options from `GUNICORN_CMD_ARGS` (and from a `gunicorn.conf.py`, which can read environment variables), uvicorn from `UVICORN_*` variables, so an image can keep sensible defaults that each deployment overrides with `docker run -e` or the orchestrator\'s environment.',
    example: 'FROM python:3.12-slim-bookworm\nCMD ["gunicorn", "web:app", "--bind", "0.0.0.0:8080", "--workers", "4"]',
    useInstead: 'FROM python:3.12-slim-bookworm\nENV GUNICORN_CMD_ARGS="--bind 0.0.0.0:8080 --workers 4"\nCMD ["gunicorn", "web:app"]',
    fixSafety: 'gunicorn gives `GUNICORN_CMD_ARGS` a lower priority than the command line but a higher one than `gunicorn.conf.py`, so the server starts with the same settings. The fix is still unsafe because it changes how the image can be overridden: a `docker run -e GUNICORN_CMD_ARGS=…` now replaces all moved options at once, and a command given to `docker run` (or a later `CMD`) keeps them, where it used to start without them.',
    references: [
      'https://docs.gunicorn.org/en/stable/configure.html',
      'https://docs.gunicorn.org/en/stable/settings.html',
      'https://www.uvicorn.org/settings/',
      'https://12factor.net/config',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    const entry = finalEntry(model, ctx.env);
    if (!entry) return;
    for (const { command, values, match } of serverCommands(entry)) {
      const from = optionsStart(match.server, values, match.index);
      if (from < 0) continue;
      const options = literalOptions(match.server, command.words, from);
      if (options.length === 0) continue;
      const unique = [...new Set(options.map((o) => `\`${o.name}\``))];
      const [subject, pronoun] = unique.length === 1 ? [`option ${unique[0]} is`, 'it'] : [`options ${unique.join(', ')} are`, 'them'];
      const where = ENV_HINT[match.server];
      const fix = match.server === 'gunicorn' ? gunicornFix(model, entry, command, options) : null;
      ctx.report({
        range: anchor(model, entry, options),
        message: `\`${match.server}\` ${subject} fixed in the image: changing ${pronoun} needs a rebuild${where ? `; read ${pronoun} from ${where}` : ''}`,
        ...(fix ? { fixes: [fix] } : {}),
      });
    }
  },
});
