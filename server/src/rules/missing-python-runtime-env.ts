// PYD405: the final image runs Python without `PYTHONUNBUFFERED` and `PYTHONFAULTHANDLER`.
import { propertiesOf, type DocumentModel } from '../model/document-model';
import type { Range } from '../model/text';
import { defineRule } from './define-rule';
import { insertAt, insertLinesAfter, replaceSpan } from './edit-helpers';
import { finalEntry, pythonEntry, pythonInvocation, valuesOf, type EntryCommand, type FinalEntry } from './entrypoint-helpers';
import { chainEnv } from './env-helpers';
import type { Fix } from './types';

/** Whether a Python command runs unbuffered: `-u`, or the variable set for that command alone. */
function unbuffered(command: EntryCommand): boolean {
  return command.env.has('PYTHONUNBUFFERED') || (pythonInvocation(valuesOf(command.words))?.flags.has('u') ?? false);
}

/** Whether a Python command has faulthandler on: `-X faulthandler`, `-X dev`, or the variables. */
function faultHandler(command: EntryCommand): boolean {
  if (command.env.has('PYTHONFAULTHANDLER') || command.env.has('PYTHONDEVMODE')) return true;
  const options = pythonInvocation(valuesOf(command.words))?.xOptions ?? [];
  return options.some((o) => o === 'dev' || o === 'faulthandler' || o.startsWith('faulthandler='));
}

/** Where to show a finding: the Python program word, or the instruction that starts the container. */
function anchor(entry: FinalEntry, command: EntryCommand, model: DocumentModel): Range {
  const program = command.words[0];
  if (program?.info) return model.text.rangeOf(program.start, program.end);
  const info = entry.entrypoint ?? entry.cmd;
  return info ? info.range : entry.stage.fromInfo.range;
}

/** Interpreter settings an image groups in one `ENV`: the missing keys join such an instruction. */
const PYTHON_SETTINGS = new Set(['PYTHONUNBUFFERED', 'PYTHONFAULTHANDLER', 'PYTHONDEVMODE', 'PYTHONDONTWRITEBYTECODE', 'PYTHONIOENCODING', 'PYTHONHASHSEED']);

/**
 * The missing keys added to the final stage's first `ENV` that already sets interpreter
 * settings, so the image does not get a second such `ENV` (`ENV PYTHONUNBUFFERED=1` then
 * `ENV PYTHONFAULTHANDLER=1`). A legacy `ENV KEY value` is rewritten to `KEY=value` when its
 * value is one plain word; otherwise null.
 */
function joinEnvFix(model: DocumentModel, entry: FinalEntry, keys: string[]): Fix | null {
  const info = entry.stage.instructions.find((i) => i.keyword === 'ENV' && propertiesOf(i).some((p) => PYTHON_SETTINGS.has(p.getName())));
  if (!info) return null;
  const props = propertiesOf(info);
  const last = props[props.length - 1];
  if (!last) return null;
  const added = keys.map((k) => `${k}=1`).join(' ');
  const title = `Add \`${added}\` to the \`ENV\` on line ${info.range.start.line + 1}`;
  const end = model.text.offsetAt(last.getRange().end);
  if (last.getAssignmentOperator() !== null) return { title, applicability: 'safe', edits: [insertAt(model, end, ` ${added}`)] };
  // Legacy form: everything after the key is the value, so the keys cannot simply follow it.
  const valueRange = last.getValueRange();
  if (props.length !== 1 || !valueRange) return null;
  const raw = model.content.slice(model.text.offsetAt(valueRange.start), model.text.offsetAt(valueRange.end));
  if (!/^[^\s"'`\\$]+$/.test(raw)) return null;
  const start = model.text.offsetAt(last.getRange().start);
  return { title, applicability: 'safe', edits: [replaceSpan(model, start, end, `${last.getName()}=${raw} ${added}`)] };
}

/** One `ENV` with the missing keys, right after the final stage's `FROM`. */
function addEnvFix(model: DocumentModel, entry: FinalEntry, keys: string[]): Fix {
  const joined = joinEnvFix(model, entry, keys);
  if (joined) return joined;
  const from = entry.stage.fromInfo;
  const indent = /^[ \t]*/.exec(model.text.lineText(from.range.start.line))?.[0] ?? '';
  const line = `ENV ${keys.map((k) => `${k}=1`).join(' ')}`;
  return { title: `Add \`${line}\` after the final \`FROM\``, applicability: 'safe', edits: [insertLinesAfter(model, from, [indent + line])] };
}

export default defineRule({
  code: 'PYD405',
  name: 'missing-python-runtime-env',
  title: 'Set `PYTHONUNBUFFERED` and `PYTHONFAULTHANDLER` in an image that runs Python',
  category: 'runtime',
  defaultSeverity: 'info',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'always', applicability: 'safe' },
  docs: {
    whatItDoes: 'Flags a final image whose `CMD`/`ENTRYPOINT` starts Python (`python`, a `.py` program, or a server such as gunicorn, uvicorn or celery, also behind `tini` or `sh -c`) when the image does not set `PYTHONUNBUFFERED` (and the command does not use `python -u`), reported as info, or does not set `PYTHONFAULTHANDLER` (nor `-X faulthandler` / `-X dev`), reported as a hint. Commands started through `uv run`, `poetry run` or `pipenv run` are not looked through, and entry scripts are followed only when the build context can be read. The fix adds the missing keys to the final stage\'s first `ENV` that already sets interpreter settings (`PYTHONUNBUFFERED`, `PYTHONDONTWRITEBYTECODE`, …), rewriting a legacy `ENV KEY value` with a one-word value to `KEY=value`; otherwise it adds one `ENV` with the missing keys right after the final `FROM`.',
    whyItMatters: 'When stdout is not a terminal, as in every container, Python block-buffers it: log lines wait in a buffer of several kilobytes, so `docker logs` shows them late, interleaved out of order with stderr, and a crash or a SIGKILL loses them. Docker\'s own Python template sets `PYTHONUNBUFFERED=1` for that reason. `PYTHONFAULTHANDLER=1` makes Python print the traceback of every thread when it dies of a fatal signal; without it a segfault in a C extension (database drivers, numeric and plotting libraries) ends the container with no clue where it happened, the "silent death" the "0 to production-ready" checklist warns about.',
    example: 'FROM python:3.12-slim-bookworm\nCOPY . /app\nCMD ["python", "/app/main.py"]',
    useInstead: 'FROM python:3.12-slim-bookworm\nENV PYTHONUNBUFFERED=1 PYTHONFAULTHANDLER=1\nCOPY . /app\nCMD ["python", "/app/main.py"]',
    references: [
      'https://docs.python.org/3/using/cmdline.html#envvar-PYTHONUNBUFFERED',
      'https://docs.python.org/3/using/cmdline.html#envvar-PYTHONFAULTHANDLER',
      'https://docs.python.org/3/library/faulthandler.html',
      'https://docs.docker.com/guides/python/containerize/',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    const entry = finalEntry(model, ctx.env);
    if (!entry) return;
    const python = entry.commands.filter((c) => pythonEntry(valuesOf(c.words)));
    if (python.length === 0) return;
    // The keys the image's ENV sets, whatever their values.
    const defined = chainEnv(entry.stage).last;
    const buffered = defined.has('PYTHONUNBUFFERED') ? undefined : python.find((c) => !unbuffered(c));
    const silent = defined.has('PYTHONFAULTHANDLER') || defined.has('PYTHONDEVMODE') ? undefined : python.find((c) => !faultHandler(c));
    const keys = [...(buffered ? ['PYTHONUNBUFFERED'] : []), ...(silent ? ['PYTHONFAULTHANDLER'] : [])];
    if (keys.length === 0) return;
    const fix = addEnvFix(model, entry, keys);
    if (buffered) {
      ctx.report({
        range: anchor(entry, buffered, model),
        message: 'Python runs without `PYTHONUNBUFFERED=1` or `-u`: its output is block-buffered, so log lines arrive late and are lost on a crash',
        severity: 'info',
        fixes: [fix],
      });
    }
    if (silent) {
      ctx.report({
        range: anchor(entry, silent, model),
        message: 'Python runs without `PYTHONFAULTHANDLER=1`: a crash in a C extension ends the container without a traceback',
        severity: 'hint',
        fixes: [fix],
      });
    }
  },
});
