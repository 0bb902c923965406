// PYD417: the image prepares log directories or files instead of logging to stdout/stderr.
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import type { Stage } from '../model/stages';
import type { Range } from '../model/text';
import { effectiveWords, programName } from '../shell/query';
import { normalizePath } from './copy-paths';
import { defineRule } from './define-rule';
import { runCommands } from './helpers';
import {
  configSourceRange,
  configString,
  copiedGunicornConfig,
  gunicornEnvArgs,
  optionValues,
  stageService,
} from './service-helpers';
import type { RuleContext } from './types';

/** Gunicorn options and config settings that name a log file; `-` means stdout/stderr. */
const GUNICORN_LOG_OPTIONS = ['--access-logfile', '--error-logfile', '--log-file'];
const GUNICORN_LOG_SETTINGS = ['accesslog', 'errorlog'];

/** True for a path whose last segment is `log` or `logs` (`/app/logs`, `$APP_HOME/log/`). */
function isLogDir(path: string): boolean {
  return /^logs?$/i.test(normalizePath(path).split('/').pop() ?? '');
}

/** True for a file path (not `-` for the standard streams, not `/dev/stdout` or `/dev/stderr`). */
function isLogFile(value: string): boolean {
  return value !== '' && value !== '-' && !/^\/dev\/(stdout|stderr|fd\/[12])$/.test(value) && !value.includes('$');
}

/** A finding about a log directory. */
interface LogDirectory {
  range: Range;
  message: string;
}

/** The paths of a VOLUME instruction (JSON or plain form) with their ranges. */
function volumePaths(model: DocumentModel, info: InstructionInfo): { value: string; range: Range }[] {
  const node = info.node as unknown as { getJSONStrings?: () => { getJSONValue(): string; getRange(): Range }[] };
  const json = node.getJSONStrings?.() ?? [];
  if (json.length > 0) return json.map((s) => ({ value: s.getJSONValue(), range: s.getRange() }));
  if (model.content.slice(info.start, info.end).includes('[')) return [];
  return info.node.getArguments().map((a) => ({ value: a.getValue(), range: a.getRange() }));
}

/**
 * The log directories that the stages which ship prepare (`mkdir`, `VOLUME`), in order; null when
 * one of those stages links files to the standard streams (`ln -sf /dev/stdout …`), the usual way
 * to keep an app that insists on log files container-friendly. One walk over the RUN commands
 * answers both questions.
 */
function logDirectories(model: DocumentModel): LogDirectory[] | null {
  const found: LogDirectory[] = [];
  for (const stage of model.stages) {
    if (!stage.ships) continue;
    for (const { command } of runCommands(model, stage)) {
      const program = programName(command);
      if (program === 'ln' && command.words.some((w) => /^\/dev\/(stdout|stderr)$/.test(w.value))) return null;
      if (program !== 'mkdir') continue;
      for (const word of effectiveWords(command).slice(1)) {
        if (word.value.startsWith('-') || !isLogDir(word.value)) continue;
        found.push({
          range: model.text.rangeOf(word.start, word.end),
          message: `\`mkdir ${word.value}\` prepares a log directory inside the container; log to stdout and stderr instead`,
        });
      }
    }
    // The file's VOLUME list rather than every instruction of the stage: most files have none.
    for (const info of model.byKeyword('VOLUME')) {
      if (info.stage !== stage) continue;
      for (const path of volumePaths(model, info)) {
        if (!isLogDir(path.value)) continue;
        found.push({ range: path.range, message: `\`VOLUME ${path.value}\` keeps log files next to the container; log to stdout and stderr instead` });
      }
    }
  }
  return found;
}

/** Gunicorn told to write log files: on its command line, in `GUNICORN_CMD_ARGS`, or in a copied config. */
function checkGunicorn(ctx: RuleContext, final: Stage): void {
  const { model } = ctx;
  const { command, invocation } = stageService(model, final);
  if (invocation && invocation.server !== 'gunicorn') return;
  for (const { value, word } of invocation ? optionValues(invocation.args, GUNICORN_LOG_OPTIONS) : []) {
    if (!isLogFile(value)) continue;
    ctx.report({ range: model.text.rangeOf(word.start, word.end), message: `\`gunicorn\` writes its log to the file \`${value}\` inside the container; use \`-\` for stdout and stderr` });
  }
  const env = gunicornEnvArgs(model, final);
  for (const { value } of env ? optionValues(env.args, GUNICORN_LOG_OPTIONS) : []) {
    if (!isLogFile(value) || !env) continue;
    ctx.report({ range: env.property.getValueRange() ?? env.property.getRange(), message: `\`GUNICORN_CMD_ARGS\` makes gunicorn write its log to the file \`${value}\`; use \`-\` for stdout and stderr` });
  }
  const config = command ? copiedGunicornConfig(model, final, ctx.env, command, invocation) : null;
  if (!config) return;
  for (const setting of GUNICORN_LOG_SETTINGS) {
    const value = configString(config.content, setting);
    if (value === null || !isLogFile(value)) continue;
    ctx.report({ range: configSourceRange(config), message: `\`${setting}\` in \`${config.contextPath}\` writes the log to the file \`${value}\`; use \`"-"\` for stdout and stderr` });
  }
}

export default defineRule({
  code: 'PYD417',
  name: 'log-files-in-container',
  title: 'Log to stdout and stderr, not to files in the container',
  category: 'runtime',
  defaultSeverity: 'hint',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'none', applicability: 'none' },
  docs: {
    whatItDoes:
      'Flags an image that prepares log files: `mkdir` of a directory named `log` or `logs` (`RUN mkdir -p /app/logs`), a `VOLUME` for such a directory, and gunicorn told to write `--access-logfile`, `--error-logfile` or `--log-file` to a file in the final `CMD`/`ENTRYPOINT` or `GUNICORN_CMD_ARGS`. ' +
      'When the editor can read the build context, `accesslog`/`errorlog` file paths in a `gunicorn.conf.py` that the image copies into its working directory are flagged too. Only stages that end up in the image are checked, and a stage that links files to `/dev/stdout` or `/dev/stderr` is left alone.',
    whyItMatters:
      'Docker collects what a container writes to stdout and stderr (`docker logs`, logging drivers, Kubernetes and cloud log agents). Log files written inside the container are invisible to all of them, grow in the writable layer until the disk fills, and disappear with the container, usually exactly when you need them. Gunicorn logs to the standard streams when given `-` (`accesslog = "-"`).',
    example: 'FROM python:3.12-slim-bookworm\nWORKDIR /app\nRUN mkdir -p /app/logs\nCMD ["gunicorn", "web:app", "--access-logfile", "/app/logs/access.log"]',
    useInstead: 'FROM python:3.12-slim-bookworm\nWORKDIR /app\nCMD ["gunicorn", "web:app", "--access-logfile", "-"]',
    references: [
      'https://docs.docker.com/engine/logging/',
      'https://docs.gunicorn.org/en/stable/settings.html#accesslog',
      'https://12factor.net/logs',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    for (const directory of logDirectories(model) ?? []) ctx.report(directory);
    if (model.finalStage) checkGunicorn(ctx, model.finalStage);
  },
});
