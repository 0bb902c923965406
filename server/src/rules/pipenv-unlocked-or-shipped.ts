// PYD213: Pipenv installs that ignore the lock, builder installs into the system, and Pipenv shipped to run time.
import { JSONInstruction } from 'dockerfile-ast';
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import { stageChainInstructions, type Stage } from '../model/stages';
import type { Fix } from './types';
import { baseName, effectiveWords } from '../shell/query';
import { pipenvInstall, pipenvSync } from '../shell/tools';
import { defineRule } from './define-rule';
import { definedVariable, type CommandSite } from './helpers';
import { insertAt, replaceSpan } from './edit-helpers';
import { copiedStages, isTruthy, toolInstall, toolSites, variableAt } from './tool-helpers';

/** A `pipenv run` prefix in a CMD/ENTRYPOINT: where it is and where the real program starts. */
interface PipenvRunPrefix {
  /** Offsets of `pipenv run` (exec form: from the first string to the end of the second). */
  start: number;
  end: number;
  /** Offset of the program after `run`, or null when nothing follows. */
  programStart: number | null;
}

/** Finds `pipenv run …` at the start of a CMD/ENTRYPOINT, in exec or shell form. */
function pipenvRunPrefix(model: DocumentModel, info: InstructionInfo): PipenvRunPrefix | null {
  if (model.isExecForm(info) && info.node instanceof JSONInstruction) {
    const strings = info.node.getJSONStrings();
    const [first, second, third] = strings;
    const program = first?.getJSONValue() ?? '';
    if (!first || !second || program.slice(program.lastIndexOf('/') + 1) !== 'pipenv' || second.getJSONValue() !== 'run') return null;
    return {
      start: model.text.offsetAt(first.getRange().start),
      end: model.text.offsetAt(second.getRange().end),
      programStart: third ? model.text.offsetAt(third.getRange().start) : null,
    };
  }
  const script = model.shellOf(info);
  const command = script?.error === undefined ? script?.commands[0] : undefined;
  if (!command) return null;
  const words = effectiveWords(command);
  const [first, second, third] = words;
  if (!first || !second || baseName(first) !== 'pipenv' || second.value !== 'run') return null;
  // With wrappers (`exec pipenv run …`) or assignments in front, only the two words go.
  return { start: first.start, end: second.end, programStart: third ? third.start : null };
}

/**
 * Where a `pipenv install`/`pipenv sync` asks for the system interpreter: the `--system` word,
 * or the whole command when `PIPENV_SYSTEM` (Pipenv's variable for the option) enables it.
 */
function systemInstall(site: CommandSite): { start: number; end: number } | null {
  const cmd = pipenvInstall(site.command) ?? pipenvSync(site.command);
  if (!cmd) return null;
  const flag = cmd.option('--system');
  if (flag) return { start: flag.word.start, end: flag.word.end };
  const env = variableAt(site, 'PIPENV_SYSTEM');
  return typeof env === 'string' && isTruthy(env) ? { start: site.command.start, end: site.command.end } : null;
}

/**
 * Whether the final image has the project's packages where a plain command finds them: a
 * `pipenv install/sync --system` in the shipped stage chain, or the in-project venv on PATH.
 */
function packagesOnPath(model: DocumentModel, stage: Stage): boolean {
  const chain = new Set(stageChainInstructions(stage));
  for (const site of toolSites(model)) {
    if (!chain.has(site.info)) continue;
    if (systemInstall(site)) return true;
  }
  const path = definedVariable(stage, null, 'PATH', ['ENV']) ?? '';
  return /\.venv\/bin|VIRTUAL_ENV/.test(path);
}

/** Whether an install re-resolves instead of installing exactly `Pipfile.lock`. */
function ignoresLock(install: NonNullable<ReturnType<typeof pipenvInstall>>, env: (name: string) => string | null | undefined): boolean {
  if (install.has('--deploy', '--ignore-pipfile')) return false;
  for (const name of ['PIPENV_DEPLOY', 'PIPENV_IGNORE_PIPFILE']) {
    const value = env(name);
    // A value from a build argument without default could be anything: stay silent.
    if (value === null || (value !== undefined && isTruthy(value))) return false;
  }
  return true;
}

export default defineRule({
  code: 'PYD213',
  name: 'pipenv-unlocked-or-shipped',
  title: 'Install Pipenv projects from the lock in a builder and leave Pipenv out of the runtime',
  category: 'dependencies',
  defaultSeverity: 'warning',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'unsafe' },
  docs: {
    whatItDoes:
      'Flags four Pipenv patterns: `pipenv install` without `--deploy` (or `--ignore-pipfile`, or `PIPENV_DEPLOY=1`), in any stage, while `pipenv sync` is fine; `pipenv install --system` or `pipenv sync --system` (also `PIPENV_SYSTEM=1`) in a builder stage that another stage copies files from; ' +
      '`pip install pipenv` (also `pipx install pipenv`) in a stage that ships; and `pipenv run` at the start of a CMD or ENTRYPOINT of the image.',
    whyItMatters:
      '`pipenv install --deploy` and `pipenv sync` install exactly what `Pipfile.lock` says (and `--deploy` fails when the lock is stale); a plain `pipenv install` re-resolves the Pipfile, so two builds can ship different versions, and `pipenv install <package>` adds unlocked packages at build time. ' +
      'Pipenv\'s own Docker guide advises building a project-local virtual environment (`PIPENV_VENV_IN_PROJECT=1` + `pipenv sync`) in a builder stage and copying only `.venv` into the runtime image, without Pipenv: with `--system` the packages are spread over the system site-packages and `bin` directories, which a later stage cannot pick up as one directory. ' +
      'Pipenv in the runtime image adds the tool and its dependencies to every container, and `pipenv run` starts an extra Python process (and reads `.env` files) before the program on every start.',
    example: 'FROM python:3.12-slim-bookworm\nWORKDIR /code\nCOPY Pipfile Pipfile.lock ./\nRUN pip install --no-cache-dir pipenv==2024.4.0 && pipenv install --system\nCOPY . .\nCMD ["pipenv", "run", "python", "-m", "service"]',
    useInstead:
      'FROM python:3.12-slim-bookworm AS builder\nRUN pip install --no-cache-dir pipenv==2024.4.0\nENV PIPENV_VENV_IN_PROJECT=1\nWORKDIR /code\nCOPY Pipfile Pipfile.lock ./\nRUN pipenv sync\n\nFROM python:3.12-slim-bookworm\nWORKDIR /code\nCOPY --from=builder /code/.venv /code/.venv\nENV PATH="/code/.venv/bin:$PATH"\nCOPY . .\nCMD ["python", "-m", "service"]',
    fixSafety:
      'Both fixes are unsafe. Adding `--deploy` makes the build fail when `Pipfile.lock` is missing or out of date, which is the point, but it can break a build that passed before. ' +
      'Removing `pipenv run` from the start command (offered only when the packages were installed with `--system` or the project\'s `.venv/bin` is on PATH) skips the `.env` file that `pipenv run` would load and the variables Pipenv sets, so settings taken from `.env` must move to ENV or the container environment.',
    references: [
      'https://pipenv.pypa.io/en/latest/docker.html',
      'https://pipenv.pypa.io/en/latest/commands.html#install',
      'https://pipenv.pypa.io/en/latest/commands.html#sync',
      'https://pipenv.pypa.io/en/latest/shell.html#automatic-loading-of-env',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    // Read on the first `--system` install: most files have none.
    let copied: ReadonlySet<Stage> | undefined;
    // Every Pipenv and pip model is null for commands that run no Python tool.
    for (const site of toolSites(model)) {
      const stage = site.info.stage;
      if (!stage) continue;
      const install = pipenvInstall(site.command);
      if (install) {
        if (ignoresLock(install, (name) => variableAt(site, name))) {
          const addsPackages = install.operands.length > 0 || install.has('-r', '--requirements', '-e', '--editable');
          const fixes: Fix[] = addsPackages ? [] : [{ title: 'Add `--deploy`', applicability: 'unsafe', edits: [insertAt(model, install.subcommandWord.end, ' --deploy')] }];
          ctx.report({
            range: model.text.rangeOf(site.command.start, site.command.end),
            message: addsPackages
              ? '`pipenv install <package>` adds and resolves packages at build time instead of installing `Pipfile.lock`'
              : '`pipenv install` without `--deploy` re-resolves the Pipfile instead of installing exactly `Pipfile.lock`',
            fixes,
          });
        }
      }
      const system = systemInstall(site);
      if (system && (copied ??= copiedStages(model)).has(stage)) {
        ctx.report({
          range: model.text.rangeOf(system.start, system.end),
          message: '`--system` spreads the packages over the system site-packages of a stage that others copy from: build a project `.venv` with `PIPENV_VENV_IN_PROJECT=1` and copy that',
        });
      }
      const tool = stage.ships ? toolInstall(site, 'pipenv') : null;
      if (tool) {
        ctx.report({
          range: model.text.rangeOf(tool.word.start, tool.word.end),
          message: 'Pipenv is installed in a stage that ships: it is a build tool, install it in a builder stage and copy only the virtual environment',
        });
      }
    }
    for (const info of model.instructions) {
      if ((info.keyword !== 'CMD' && info.keyword !== 'ENTRYPOINT') || !info.stage?.ships) continue;
      const prefix = pipenvRunPrefix(model, info);
      if (!prefix) continue;
      const final = model.finalStage;
      const fixes: Fix[] =
        prefix.programStart !== null && final && packagesOnPath(model, final)
          ? [{ title: 'Run the program without `pipenv run`', applicability: 'unsafe', edits: [replaceSpan(model, prefix.start, prefix.programStart, '')] }]
          : [];
      ctx.report({
        range: model.text.rangeOf(prefix.start, prefix.end),
        message: '`pipenv run` needs Pipenv in the runtime image and starts an extra process: put the environment on PATH and run the program directly',
        fixes,
      });
    }
  },
});
