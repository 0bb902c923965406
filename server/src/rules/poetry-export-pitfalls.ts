// PYD210: `poetry export` pipelines that drop hashes, re-resolve with pip, lack the export plugin, or ship Poetry.
import type { DocumentModel } from '../model/document-model';
import { inStageChain, rootStage, type Stage } from '../model/stages';
import type { Word } from '../shell/lexer';
import { pipInstall, type PipInstall } from '../shell/pip';
import { effectiveWords, programName } from '../shell/query';
import { poetryExport, type ToolCommand } from '../shell/tools';
import type { Fix } from './types';
import { defineRule } from './define-rule';
import { runCommands, type CommandSite } from './helpers';
import { insertAt } from './edit-helpers';
import { joinPath, workdirBefore } from './copy-paths';
import { removeOptionEdit, requiresMajorAtLeast, toolInstall, variableAt } from './tool-helpers';
import { changesDirectoryBefore } from './run-scripts';

/** `-r` values that read the requirements from the pipe. */
const STDIN_FILES = new Set(['/dev/stdin', '-', '/proc/self/fd/0', '/dev/fd/0']);
const POETRY_INSTALLER_RE = /^https?:\/\/install\.python-poetry\.org\/?$/;

interface ExportSite {
  site: CommandSite;
  exp: ToolCommand;
}

/**
 * The absolute path of a file written in a command, or null when the working directory is
 * not certain (no resolvable WORKDIR, an image default other than python's, or a `cd` earlier
 * in the same RUN).
 */
function absolutePath(model: DocumentModel, site: CommandSite, written: string): string | null {
  if (written.includes('$')) return null;
  if (written.startsWith('/')) return joinPath('/', written);
  if (changesDirectoryBefore(site.script, site.command.index)) return null;
  const wd = workdirBefore(model, site.info);
  const stage = site.info.stage;
  if (!wd || !stage || (wd.fromImage && !rootStage(stage).image?.isPython)) return null;
  return joinPath(wd.dir, written);
}

/** The file an export writes: `-o/--output FILE` or a `> FILE` redirection. */
function exportOutput(exp: ToolCommand): string | null {
  const output = exp.values('-o', '--output')[0];
  if (output !== undefined) return output;
  const redirect = exp.command.redirects.find((r) => r.op.op === '>' || r.op.op === '>|');
  return redirect?.target && !redirect.target.hasExpansion ? redirect.target.value : null;
}

/** Whether `later` runs in `stage` or a stage built on it (so it sees the files `stage` wrote). */
function seesFilesOf(later: Stage, stage: Stage): boolean {
  return inStageChain(stage, later);
}

/** The `pip install -r` commands that consume an export's output (through a pipe or a file). */
function consumers(model: DocumentModel, { site, exp }: ExportSite): { site: CommandSite; pip: PipInstall }[] {
  const found: { site: CommandSite; pip: PipInstall }[] = [];
  if (site.command.connector === '|') {
    const next = site.script.commands[site.command.index + 1];
    const pip = next ? pipInstall(next) : null;
    if (next && pip && pip.values('-r', '--requirement').some((f) => STDIN_FILES.has(f))) found.push({ site: { ...site, command: next }, pip });
    return found;
  }
  const output = exportOutput(exp);
  const stage = site.info.stage;
  if (output === null || !stage) return found;
  const written = absolutePath(model, site, output);
  for (const later of runCommands(model)) {
    if (later.command.start <= site.command.start || !later.info.stage || !seesFilesOf(later.info.stage, stage)) continue;
    const pip = pipInstall(later.command);
    if (!pip) continue;
    const matches = pip.values('-r', '--requirement').some((f) => {
      if (written !== null) return absolutePath(model, later, f) === written;
      // Unknown directory: the same relative name in the same RUN, with no `cd` anywhere in it.
      return later.info === site.info && f === output && !site.script.commands.some((c) => ['cd', 'pushd', 'popd'].includes(programName(c)));
    });
    if (matches) found.push({ site: later, pip });
  }
  return found;
}

/** A Poetry install that requires Poetry 2 or later, and the fix that adds the plugin to it. */
interface Poetry2Install {
  site: CommandSite;
  /** The `poetry…` package word of a pip install, where the plugin can be added. */
  pipWord: Word | null;
}

/**
 * Installs of Poetry that pin it to 2.x or later: `pip install "poetry>=2"`, `pipx install
 * poetry==2.1.3`, or the official installer with `--version 2.x` / `POETRY_VERSION=2.x`.
 * Unpinned installs are not counted: which major they get depends on the day of the build.
 */
function poetry2Installs(model: DocumentModel): Poetry2Install[] {
  const found: Poetry2Install[] = [];
  for (const site of runCommands(model)) {
    const tool = toolInstall(site, 'poetry');
    if (tool) {
      if (requiresMajorAtLeast(tool.word.value, 2)) found.push({ site, pipWord: tool.pip ? tool.word : null });
      continue;
    }
    // `curl -sSL https://install.python-poetry.org | python3 - --version 2.1.3`
    const prev = site.script.commands[site.command.index - 1];
    const fromInstaller = prev?.connector === '|' && effectiveWords(prev).some((w) => POETRY_INSTALLER_RE.test(w.value));
    if (!fromInstaller || !/^python(\d+(\.\d+)?)?$/.test(programName(site.command))) continue;
    const words = effectiveWords(site.command);
    const flag = words.findIndex((w) => w.value === '--version' || w.value.startsWith('--version='));
    const version = flag < 0 ? variableAt(site, 'POETRY_VERSION') : (words[flag] as Word).value.includes('=') ? (words[flag] as Word).value.split('=')[1] : words[flag + 1]?.value;
    if (typeof version === 'string' && requiresMajorAtLeast(`==${version}`, 2)) found.push({ site, pipWord: null });
  }
  return found;
}

/** Whether the Dockerfile (or the project's pyproject.toml, when readable) provides the export plugin. */
function exportPluginProvided(model: DocumentModel, readContextFile: ((p: string) => string | undefined) | undefined): boolean {
  for (const { command } of runCommands(model)) {
    if (command.words.some((w) => /(^|[^A-Za-z0-9._-])poetry[-_.]plugin[-_.]export\b/i.test(w.value))) return true;
  }
  // Poetry 2 installs plugins declared in `[tool.poetry.requires-plugins]` on first use.
  return /poetry[-_.]plugin[-_.]export/i.test(readContextFile?.('pyproject.toml') ?? '');
}

export default defineRule({
  code: 'PYD210',
  name: 'poetry-export-pitfalls',
  title: 'Export Poetry requirements with hashes and install them with `--no-deps`',
  category: 'dependencies',
  defaultSeverity: 'warning',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'unsafe' },
  docs: {
    whatItDoes:
      'Looks at every `poetry export` in the Dockerfile and flags: (a) `--without-hashes`; (b) a `pip install -r` that reads the exported file (or the pipe `-r /dev/stdin`) without `--no-deps`; ' +
      '(c) Poetry pinned to 2.x or later (`poetry>=2`, `poetry==2.*`, the installer with `--version 2…`) while `poetry-plugin-export` is neither installed in the Dockerfile nor declared in `[tool.poetry.requires-plugins]` of `pyproject.toml`; ' +
      '(d) as information, Poetry itself installed in a stage that ships, when it is only there to export. ' +
      'An unpinned `pip install poetry` is not judged for (c): the major version it gets depends on the day of the build (see PYD202). ' +
      'Reading `pyproject.toml` is optional: without it, only plugin installs written in the Dockerfile count.',
    whyItMatters:
      'Hashes are pip\'s only integrity check for the exported set: without them a compromised or re-uploaded file on the index is installed silently. ' +
      'The export plugin\'s documentation asks for `pip install --no-deps` because Poetry already resolved the full dependency graph; letting pip resolve again can pull versions that are not in `poetry.lock`. ' +
      'Since Poetry 2.0 the `export` command lives in the separate `poetry-plugin-export` package, so `poetry export` fails with "command does not exist" unless the plugin is installed. ' +
      'Poetry is a build tool: keeping it (and its dozens of dependencies) in the runtime image adds size and attack surface for nothing, as Pipenv\'s Docker guide says of its own tool.',
    example:
      'FROM python:3.12-slim-bookworm\nRUN pip install --no-cache-dir poetry==1.8.5\nCOPY pyproject.toml poetry.lock ./\nRUN poetry export --without-hashes -f requirements.txt -o requirements.txt \\\n && pip install --no-cache-dir -r requirements.txt',
    useInstead:
      'FROM python:3.12-slim-bookworm AS builder\nRUN pip install --no-cache-dir poetry==1.8.5\nCOPY pyproject.toml poetry.lock ./\nRUN poetry export -f requirements.txt -o /tmp/requirements.txt\n\nFROM python:3.12-slim-bookworm\nCOPY --from=builder /tmp/requirements.txt /tmp/requirements.txt\nRUN pip install --no-cache-dir --no-deps --require-hashes -r /tmp/requirements.txt',
    fixSafety:
      'All fixes are unsafe. Removing `--without-hashes` switches pip to hash-checking mode, which rejects requirements without a hash (path, VCS or editable dependencies) and any extra package on the same `pip install`. ' +
      'Adding `--no-deps` means pip no longer fills gaps: a dependency missing from the export (an excluded group, a platform marker) is then missing from the image. ' +
      'Adding `poetry-plugin-export` to the command that installs Poetry installs a new, unpinned package; pin it to the version that matches your Poetry.',
    references: [
      'https://github.com/python-poetry/poetry-plugin-export#usage',
      'https://python-poetry.org/docs/cli/#export',
      'https://python-poetry.org/blog/announcing-poetry-2.0.0/',
      'https://pip.pypa.io/en/stable/topics/secure-installs/#hash-checking-mode',
      'https://pipenv.pypa.io/en/latest/docker.html',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    const exports: ExportSite[] = [];
    for (const site of runCommands(model)) {
      const exp = poetryExport(site.command);
      if (exp) exports.push({ site, exp });
    }
    if (exports.length === 0) return;

    const flaggedConsumers = new Set<number>();
    for (const entry of exports) {
      const { site, exp } = entry;
      // (a) hashes dropped.
      const noHashes = exp.option('--without-hashes');
      if (noHashes) {
        const edit = removeOptionEdit(model, site, noHashes.word);
        ctx.report({
          range: model.text.rangeOf(noHashes.word.start, noHashes.word.end),
          message: '`--without-hashes` exports requirements that pip cannot verify: keep the hashes',
          ...(edit ? { fixes: [{ title: 'Remove `--without-hashes`', applicability: 'unsafe', edits: [edit] }] } : {}),
        });
      }
      // (b) pip re-resolves what Poetry locked.
      for (const consumer of consumers(model, entry)) {
        if (consumer.pip.has('--no-deps') || flaggedConsumers.has(consumer.site.command.start)) continue;
        flaggedConsumers.add(consumer.site.command.start);
        ctx.report({
          range: model.text.rangeOf(consumer.site.command.start, consumer.site.command.end),
          message: 'The exported requirements are installed without `--no-deps`, so pip re-resolves what Poetry already locked',
          fixes: [{ title: 'Add `--no-deps`', applicability: 'unsafe', edits: [insertAt(model, consumer.pip.installWord.end, ' --no-deps')] }],
        });
      }
    }

    // (c) Poetry 2 without the export plugin.
    const poetry2 = poetry2Installs(model);
    if (poetry2.length > 0 && !exportPluginProvided(model, ctx.env.readContextFile)) {
      const target = poetry2.find((p) => p.pipWord !== null);
      const fixes: Fix[] = target?.pipWord
        ? [{ title: 'Install `poetry-plugin-export` with Poetry', applicability: 'unsafe', edits: [insertAt(model, target.pipWord.end, ' poetry-plugin-export')] }]
        : [];
      for (const { site } of exports) {
        ctx.report({
          range: model.text.rangeOf(site.command.start, site.command.end),
          message: '`poetry export` needs `poetry-plugin-export` on Poetry 2, and this Dockerfile installs Poetry 2 without it',
          fixes,
        });
      }
    }

    // (d) Poetry ships although it is a build tool (unless the container starts through it).
    if (startsThroughPoetry(model)) return;
    for (const stage of model.stages) {
      if (!stage.ships) continue;
      for (const site of runCommands(model, stage)) {
        const tool = toolInstall(site, 'poetry');
        if (!tool) continue;
        ctx.report({
          range: model.text.rangeOf(tool.word.start, tool.word.end),
          message: 'Poetry is installed in a stage that ships although it is only a build tool: export the requirements in a builder stage',
          severity: 'info',
        });
      }
    }
  },
});

/** Whether a CMD/ENTRYPOINT of the image mentions Poetry (`poetry run …`): then it is needed at run time. */
function startsThroughPoetry(model: DocumentModel): boolean {
  return model.instructions.some((info) => (info.keyword === 'CMD' || info.keyword === 'ENTRYPOINT') && info.stage?.ships === true && /\bpoetry\b/.test(model.content.slice(info.start, info.end)));
}
