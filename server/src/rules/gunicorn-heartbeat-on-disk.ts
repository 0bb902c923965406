// PYD408: gunicorn keeps its worker heartbeat files in the container's disk-backed `/tmp`.
import type { DocumentModel } from '../model/document-model';
import type { Range } from '../model/text';
import { defineRule } from './define-rule';
import { insertAt } from './edit-helpers';
import { execWords, finalEntry, gunicornConfigOption, readEntryScript, serverCommands, type EntryCommand, type FinalEntry } from './entrypoint-helpers';
import { chainEnv } from './env-helpers';
import type { Fix, LintEnvironment } from './types';

/** Invocations that print something and exit instead of serving. */
const NOT_SERVING = new Set(['-v', '--version', '-h', '--help', '--check-config', '--print-config']);

const OPTION = '--worker-tmp-dir';

/**
 * Whether gunicorn's configuration may already set `worker_tmp_dir`: a config module or file we
 * cannot read counts as yes (we stay silent), and so does a readable one that mentions it.
 * Without `-c`, gunicorn loads `./gunicorn.conf.py` when it exists.
 */
function configMaySetIt(env: LintEnvironment, config: string | null | undefined): boolean {
  if (config === undefined) return true;
  const path = config === null ? 'gunicorn.conf.py' : config.replace(/^file:/, '');
  if (config !== null && (path.startsWith('python:') || path.includes('$'))) return true;
  if (!env.readContextFile) return config !== null;
  const found = readEntryScript(env.readContextFile, path);
  if (!found) return config !== null;
  return /\bworker_tmp_dir\b/.test(found.content);
}

/** Whether `GUNICORN_CMD_ARGS` (image ENV or set for the command) passes the option or may. */
function envMaySetIt(entry: FinalEntry, command: EntryCommand): boolean {
  const value = command.env.get('GUNICORN_CMD_ARGS') ?? chainEnv(entry.stage).last.get('GUNICORN_CMD_ARGS')?.value ?? null;
  return value !== null && (value.includes(OPTION) || value.includes('$') || /(^|\s)(-c|--config)\b/.test(value));
}

function anchor(model: DocumentModel, entry: FinalEntry, command: EntryCommand, index: number): Range {
  const word = command.words[index];
  if (word?.info) return model.text.rangeOf(word.start, word.end);
  return (entry.entrypoint ?? entry.cmd ?? entry.stage.fromInfo).range;
}

/**
 * Appends the option to the instruction that names gunicorn: safe in exec form (one more
 * argv entry), unsafe in shell form (appended after the command's last word).
 */
function appendFix(model: DocumentModel, command: EntryCommand, index: number): Fix | null {
  const program = command.words[index];
  if (!program?.info) return null;
  const info = program.info;
  if (model.isExecForm(info)) {
    const words = execWords(model, info);
    const last = words?.[words.length - 1];
    if (!last) return null;
    // `ENTRYPOINT ["gunicorn", "-b"]` + `CMD ["0.0.0.0:80", …]`: the value follows in the CMD.
    const continues = command.words.some((w) => w.info !== null && w.info !== info && w.start > last.end);
    if (continues && last.value.startsWith('-')) return null;
    return { title: 'Append `"--worker-tmp-dir", "/dev/shm"`', applicability: 'safe', edits: [insertAt(model, last.end, `, "${OPTION}", "/dev/shm"`)] };
  }
  if (command.origin !== 'shell' || !command.shell) return null;
  const last = command.words[command.words.length - 1];
  if (!last || last.info !== info) return null;
  return { title: 'Append `--worker-tmp-dir /dev/shm`', applicability: 'unsafe', edits: [insertAt(model, last.end, ` ${OPTION} /dev/shm`)] };
}

export default defineRule({
  code: 'PYD408',
  name: 'gunicorn-heartbeat-on-disk',
  title: 'Put gunicorn\'s worker heartbeat files on `/dev/shm`',
  category: 'runtime',
  defaultSeverity: 'info',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'safe' },
  docs: {
    whatItDoes: 'Flags gunicorn started by the final image\'s `CMD`/`ENTRYPOINT` (directly, as `python -m gunicorn`, behind `tini` or `sh -c`, or at the end of an entry script the build context provides) without `--worker-tmp-dir`. It stays silent when `GUNICORN_CMD_ARGS` passes the option, and when a configuration file may set `worker_tmp_dir`: a `-c` file or module that cannot be read, or a `gunicorn.conf.py` in the build context that mentions it. The fix appends `"--worker-tmp-dir", "/dev/shm"` to an exec-form command.',
    whyItMatters: 'Every gunicorn worker signals that it is alive by changing the mode of a temporary file, by default in `/tmp`. In a container `/tmp` is part of the overlay filesystem on the host\'s disk, not a tmpfs, so when the disk is slow or busy those calls block and the arbiter kills workers that were perfectly healthy (the "WORKER TIMEOUT" restarts seen under load). gunicorn\'s FAQ recommends pointing the heartbeat at a memory filesystem; Docker mounts one at `/dev/shm` in every container.',
    example: 'FROM python:3.12-slim-bookworm\nCMD ["gunicorn", "web:app", "--workers", "4"]',
    useInstead: 'FROM python:3.12-slim-bookworm\nCMD ["gunicorn", "web:app", "--workers", "4", "--worker-tmp-dir", "/dev/shm"]',
    fixSafety: 'Appending the option to an exec-form command adds one argument and is safe: `/dev/shm` exists in every Docker container. In shell form the option is appended after the gunicorn command\'s last word, which is unsafe because the shell may pass further arguments there (`"$@"`) or the text may be meant for another wrapper; review it, or convert the command to exec form first.',
    references: [
      'https://docs.gunicorn.org/en/stable/faq.html#blocking-os-fchmod',
      'https://docs.gunicorn.org/en/stable/settings.html#worker-tmp-dir',
      'https://docs.docker.com/reference/cli/docker/container/run/#shm-size',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    const entry = finalEntry(model, ctx.env);
    if (!entry) return;
    for (const { command, match, args } of serverCommands(entry)) {
      if (match.server !== 'gunicorn') continue;
      if (args.some((a) => NOT_SERVING.has(a))) continue;
      if (args.some((a) => a === OPTION || a.startsWith(`${OPTION}=`))) continue;
      if (envMaySetIt(entry, command) || configMaySetIt(ctx.env, gunicornConfigOption(args))) continue;
      const fix = appendFix(model, command, match.index);
      ctx.report({
        range: anchor(model, entry, command, match.index),
        message: '`gunicorn` keeps worker heartbeats in `/tmp`, which is disk-backed in a container; use `--worker-tmp-dir /dev/shm`',
        ...(fix ? { fixes: [fix] } : {}),
      });
    }
  },
});
