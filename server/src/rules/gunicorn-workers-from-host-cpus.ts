// PYD409: gunicorn.conf.py sizes the worker pool from the host's CPU count.
import type { InstructionInfo } from '../model/document-model';
import type { Range } from '../model/text';
import type { ConfAssignment, GunicornConf } from '../workspace/gunicorn-conf';
import { contextPathFor } from '../workspace/dockerfile-files';
import { joinPath, workdirBefore } from './copy-paths';
import { defineRule } from './define-rule';
import { lastEnvSetting } from './env-helpers';
import { finalEntry, gunicornConfigOption, serverCommands } from './entrypoint-helpers';
import { keywordRange } from './edit-helpers';
import { lineRange } from './workspace-helpers';

const CPU_COUNT = /\b((?:multiprocessing|os|psutil)\s*\.\s*)?(process_)?cpu_count\s*\(/;

/** The assignment `workers` derives from a CPU count through (itself, or one named variable it uses). */
function cpuDerivation(conf: GunicornConf): { workers: ConfAssignment; call: string } | null {
  const workers = conf.get('workers');
  if (!workers) return null;
  const direct = CPU_COUNT.exec(workers.expression);
  if (direct) return { workers, call: direct[0].replace(/\s+/g, '').replace(/\($/, '()') };
  for (const name of workers.expression.match(/\b[A-Za-z_][A-Za-z0-9_]*\b/g) ?? []) {
    const source = conf.assignments.filter((a) => a.name === name && a.line < workers.line).pop();
    const via = source ? CPU_COUNT.exec(source.expression) : null;
    if (via) return { workers, call: via[0].replace(/\s+/g, '').replace(/\($/, '()') };
  }
  return null;
}

function setsWorkers(args: readonly string[]): boolean {
  return args.some((a) => a === '-w' || a === '--workers' || /^--workers=/.test(a) || /^-w\d+$/.test(a));
}

export default defineRule({
  code: 'PYD409',
  name: 'gunicorn-workers-from-host-cpus',
  title: 'Size gunicorn workers from configuration, not from the host\'s CPU count',
  category: 'runtime',
  defaultSeverity: 'info',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'none', applicability: 'none' },
  docs: {
    whatItDoes:
      'When the final image runs gunicorn (directly, or from an entry script), reads the configuration file it loads: the `-c`/`--config` file, or `gunicorn.conf.py` in the working directory, as copied from the build context. It reports a `workers` setting computed from `multiprocessing.cpu_count()`, `os.cpu_count()`, `os.process_cpu_count()` or `psutil.cpu_count()`, directly or through a variable, on the Dockerfile and on the line of the config file. It stays silent when the command line or `GUNICORN_CMD_ARGS` sets `--workers`, since those win over the file.',
    whyItMatters:
      'These functions count the CPUs of the host, not the CPU quota of the container (cgroups). On a large machine the usual `cpu_count() * 2 + 1` starts dozens of workers for a container limited to one or two CPUs: in one reported case a 32-core/64-thread host produced 65+ workers and hit the container\'s PID limit, and every worker also costs memory. Python 3.13\'s `os.process_cpu_count()` honours CPU affinity but still not the quota. Read the count from the environment with a small default (`workers = int(os.environ.get("WEB_CONCURRENCY", "2"))`) and set it per deployment.',
    example: 'FROM python:3.12-slim-bookworm\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\nCMD ["gunicorn", "shop.wsgi"]',
    exampleFiles: { 'gunicorn.conf.py': 'import multiprocessing\n\nbind = "0.0.0.0:8000"\nworkers = multiprocessing.cpu_count() * 2 + 1\n', 'requirements.txt': 'gunicorn==23.0.0\n' },
    useInstead: 'FROM python:3.12-slim-bookworm\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\nCMD ["gunicorn", "shop.wsgi"]',
    useInsteadFiles: { 'gunicorn.conf.py': 'import os\n\nbind = "0.0.0.0:8000"\nworkers = int(os.environ.get("WEB_CONCURRENCY", "2"))\n', 'requirements.txt': 'gunicorn==23.0.0\n' },
    references: [
      'https://docs.gunicorn.org/en/stable/settings.html#workers',
      'https://docs.gunicorn.org/en/stable/design.html#how-many-workers',
      'https://docs.python.org/3/library/os.html#os.process_cpu_count',
    ],
  },
  check(ctx) {
    const { model, workspace } = ctx;
    if (!workspace) return;
    const entry = finalEntry(model, ctx.env);
    if (!entry) return;
    const at: InstructionInfo | null = entry.cmd ?? entry.entrypoint;
    if (!at) return;
    for (const { command, match, args } of serverCommands(entry)) {
      if (match.server !== 'gunicorn') continue;
      if (setsWorkers(args)) return;
      const envArgs = command.env.get('GUNICORN_CMD_ARGS') ?? lastEnvSetting(entry.stage, 'GUNICORN_CMD_ARGS')?.value ?? '';
      if (/(^|\s)(-w|--workers)(\s|=|\d|$)/.test(envArgs) || envArgs.includes('$')) return;
      const config = gunicornConfigOption(args);
      if (config === undefined) return;
      const written = config === null ? 'gunicorn.conf.py' : config.replace(/^file:/, '');
      if (written.startsWith('python:') || written.includes('$')) return;
      const workdir = workdirBefore(model, at);
      if (!workdir && !written.startsWith('/')) return;
      const path = contextPathFor(model, at, joinPath(workdir?.dir ?? '/', written));
      if (path === null) return;
      const conf = workspace.gunicornConf(path);
      if (conf.kind !== 'ok') return;
      const found = cpuDerivation(conf.value);
      if (!found) return;
      const program = command.words[match.index];
      const range: Range = program?.info ? model.text.rangeOf(program.start, program.end) : keywordRange(at);
      ctx.report({ range, message: `\`workers\` in \`${path}\` comes from \`${found.call}\`, which counts the host's CPUs, not the container's CPU limit` });
      ctx.report({
        range: lineRange(found.workers.line, found.workers.start, found.workers.end),
        file: path,
        origin: range,
        message: `\`${found.call}\` counts the host's CPUs, not the container's CPU limit: read the worker count from the environment with a small default`,
      });
      return;
    }
  },
});
