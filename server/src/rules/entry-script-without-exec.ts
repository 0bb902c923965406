// PYD403: the entry script of the image starts the server without `exec`, or runs without `set -e`.
import { workdirBefore, joinPath } from './copy-paths';
import { defineRule } from './define-rule';
import { pathBase, pythonEntry } from './entrypoint-helpers';
import { effectiveCommand, type ArgvWord } from './service-helpers';
import type { Fix } from './types';
import { fileEol, insertion, lineRange } from './workspace-helpers';
import { contextPathFor } from '../workspace/dockerfile-files';

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh']);
const INITS = new Set(['tini', 'tini-static', 'dumb-init', 'docker-init']);

/** The argv word naming the script the container runs, and the arguments it receives. */
function scriptWord(argv: readonly ArgvWord[]): { word: ArgvWord; args: ArgvWord[] } | null {
  let i = 0;
  if (INITS.has(pathBase(argv[0]?.value))) {
    i = 1;
    while (argv[i]?.value.startsWith('-')) if ((argv[i++] as ArgvWord).value === '--') break;
  }
  const first = argv[i];
  if (!first || first.expands) return null;
  if (SHELLS.has(pathBase(first.value))) {
    const file = argv[i + 1];
    // `sh -c "…"` runs a string, not a file; other options make the argv too uncertain.
    if (!file || file.expands || file.value.startsWith('-')) return null;
    return { word: file, args: argv.slice(i + 2) };
  }
  if (!/\.sh$/.test(first.value) && !first.value.includes('/')) return null;
  return { word: first, args: argv.slice(i + 1) };
}

export default defineRule({
  code: 'PYD403',
  name: 'entry-script-without-exec',
  title: 'Start the server from the entry script with `exec`',
  category: 'runtime',
  defaultSeverity: 'warning',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'unsafe' },
  docs: {
    whatItDoes:
      'Follows the final image\'s ENTRYPOINT/CMD to a shell script that a COPY or ADD brought from the build context (`./start.sh`, `sh entrypoint.sh`, also behind `tini --`) and reads it. It reports the script\'s last command when it starts a Python process (gunicorn, uvicorn, celery and the other servers, `python …`, a `.py` program, or the CMD arguments through `"$@"`) without `exec`, and a script that runs other commands before it without `set -e`. Both are reported on the Dockerfile and on the script itself. Scripts that end in a compound command (`if`, `case`, loops), a pipeline, a background job or `wait` are left alone, and so are scripts run by another interpreter (`#!/usr/bin/env python3`).',
    whyItMatters:
      'Without `exec`, the shell stays PID 1 and the server runs as its child. `docker stop` and Kubernetes send SIGTERM to PID 1, the shell does not pass it on, and after the grace period (10 s by default) the container is killed with SIGKILL: no graceful shutdown, cut requests, lost jobs, and slow deploys on every rollout. Without `set -e`, a failed migration or configuration step still starts the server as if nothing happened.',
    example: 'FROM python:3.12-slim-bookworm\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\nENTRYPOINT ["./start.sh"]',
    exampleFiles: { 'start.sh': '#!/bin/sh\nset -e\npython manage.py migrate\ngunicorn shop.wsgi --bind 0.0.0.0:8000\n', 'requirements.txt': 'django==5.2.8\ngunicorn==23.0.0\n' },
    useInstead: 'FROM python:3.12-slim-bookworm\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\nENTRYPOINT ["./start.sh"]',
    useInsteadFiles: { 'start.sh': '#!/bin/sh\nset -e\npython manage.py migrate\nexec gunicorn shop.wsgi --bind 0.0.0.0:8000\n', 'requirements.txt': 'django==5.2.8\ngunicorn==23.0.0\n' },
    fixSafety:
      'Both fixes edit the script, not the Dockerfile. Prefixing the last command with `exec` replaces the shell with the server, so nothing written after that line in the script would run any more (there is nothing after it, since it is the last command) and traps set by the script no longer fire. Adding `set -e` right after the `#!` line stops the script at the first failing command: a step whose failure was tolerated until now (a `grep` that finds nothing, an optional migration) would then stop the container from starting. Review both before applying.',
    references: [
      'https://docs.docker.com/reference/dockerfile/#entrypoint',
      'https://docs.docker.com/engine/containers/multi-service_container/',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#exec',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#set',
    ],
  },
  check(ctx) {
    const { model, workspace } = ctx;
    const final = model.finalStage;
    if (!workspace || !final) return;
    const command = effectiveCommand(model, final);
    const at = command?.instructions[command.instructions.length - 1];
    if (!command || !at) return;
    const found = scriptWord(command.argv);
    if (!found) return;
    const workdir = workdirBefore(model, at);
    if (!workdir && !found.word.value.startsWith('/')) return;
    const containerPath = joinPath(workdir?.dir ?? '/', found.word.value);
    const path = contextPathFor(model, at, containerPath);
    if (path === null) return;
    const file = workspace.entryScript(path);
    const text = workspace.text(path);
    if (file.kind !== 'ok' || text === undefined || !file.value.shell) return;
    const script = file.value;
    const eol = fileEol(text);
    const range = model.text.rangeOf(found.word.start, found.word.end);
    const lines = text.split('\n');
    const lineLength = (line: number): number => (lines[line] ?? '').replace(/\r$/, '').length;
    const last = script.last;
    const forwarded = last?.words[0] === '$@' || last?.words[0] === '${@}';
    const runs = last ? (forwarded ? found.args.map((a) => a.value) : last.words) : [];
    const startsPython = last !== null && !last.exec && runs.length > 0 && pythonEntry(runs);
    if (last && startsPython) {
      const what = forwarded ? `the command it is given (\`${pathBase(runs[0])}\`)` : `\`${pathBase(runs[0])}\``;
      const fix: Fix = { title: `Start ${forwarded ? 'the command' : `\`${pathBase(runs[0])}\``} with \`exec\` in \`${path}\``, applicability: 'unsafe', edits: [], fileEdits: [{ path, edits: [insertion(last.line, last.execColumn, 'exec ')] }] };
      const message = `\`${path}\` starts ${what} without \`exec\`, so the shell stays PID 1 and the server never receives SIGTERM on \`docker stop\``;
      ctx.report({ range, message, fixes: [fix] });
      ctx.report({ range: lineRange(last.line, last.column, lineLength(last.line)), file: path, origin: range, message: `${forwarded ? 'The command' : `\`${pathBase(runs[0])}\``} is started without \`exec\`, so this shell stays PID 1 and never passes SIGTERM on to it` });
    }
    if (!script.errexit && script.commandsBefore > 0 && last !== null && (startsPython || last.exec)) {
      const insertLine = script.headerLine + 1;
      const fix: Fix = { title: `Add \`set -e\` to \`${path}\``, applicability: 'unsafe', edits: [], fileEdits: [{ path, edits: [insertion(insertLine, 0, `set -e${eol}`)] }] };
      ctx.report({ range, message: `\`${path}\` runs ${script.commandsBefore === 1 ? 'a command' : `${script.commandsBefore} commands`} before the server without \`set -e\`: when one fails, the server starts anyway`, fixes: [fix] });
      const line = script.headerLine >= 0 ? script.headerLine : 0;
      ctx.report({ range: lineRange(line, 0, lineLength(line)), file: path, origin: range, message: 'The script does not `set -e`, so it goes on after a failing command and starts the server anyway' });
    }
  },
});
