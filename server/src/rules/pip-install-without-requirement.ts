// PYD203: `pip install` with nothing to install, which stops the build with an error.
import type { Word } from '../shell/lexer';
import { pipInstall, type PipInstall } from '../shell/pip';
import { baseName, inlineEnv } from '../shell/query';
import type { DocumentModel } from '../model/document-model';
import type { Fix, LintEnvironment } from './types';
import { defineRule } from './define-rule';
import { definedVariables, runCommands, type CommandSite } from './helpers';
import { insertAt } from './edit-helpers';

/**
 * Options that name what to install without a positional argument: requirements files,
 * editable projects and dependency groups (pip 25.1+). uv also spells the first one
 * `--requirements`.
 */
const REQUIREMENT_OPTIONS = ['-r', '--requirement', '--requirements', '-e', '--editable', '--group'];

/** Options that print something and exit before pip looks for requirements. */
const EXITING_OPTIONS = ['-h', '--help', '-V', '--version'];

/** pip reads any long option from `PIP_<NAME>`, so these variables also name requirements. */
const REQUIREMENT_VARIABLES = ['PIP_REQUIREMENT', 'PIP_EDITABLE', 'PIP_GROUP'];

/**
 * Whether the package list may come from elsewhere: `xargs pip install` (arguments from
 * stdin) is stripped to `pip install` by the wrapper logic, so look at the words before it;
 * and an option built from a variable (`--$MODE`) may expand to `--requirement=…`.
 */
function argumentsFromElsewhere(pip: PipInstall): boolean {
  const words = pip.command.words;
  const install = words.indexOf(pip.installWord);
  return words.slice(0, install).some((w: Word) => baseName(w) === 'xargs') || pip.options.some((o) => o.word.hasExpansion);
}

/** Whether the environment names requirements (ENV/ARG in the stage chain or inline). */
function requirementsFromEnvironment(site: CommandSite): boolean {
  if (!site.info.stage) return false;
  const defined = definedVariables(site.info.stage, site.info);
  const inline = inlineEnv(site.command);
  return REQUIREMENT_VARIABLES.some((name) => Boolean(defined.get(name)) || Boolean(inline.get(name)));
}

/**
 * The CONFIRM fixes, one per project file found in the build context: install the project
 * itself (`pyproject.toml`/`setup.py`) or the requirements file. Without context access there
 * is nothing to base a suggestion on, so no fix is offered.
 */
function requirementFixes(model: DocumentModel, env: LintEnvironment, pip: PipInstall): Fix[] {
  const read = env.readContextFile;
  if (!read) return [];
  const last = pip.command.words[pip.command.words.length - 1] as Word;
  const fixes: Fix[] = [];
  const project = ['pyproject.toml', 'setup.py'].find((f) => read(f) !== undefined);
  if (project) fixes.push({ title: `Install the project itself (\`.\`, found \`${project}\`)`, applicability: 'unsafe', edits: [insertAt(model, last.end, ' .')] });
  if (read('requirements.txt') !== undefined) {
    fixes.push({ title: 'Install `-r requirements.txt`', applicability: 'unsafe', edits: [insertAt(model, last.end, ' -r requirements.txt')] });
  }
  return fixes;
}

export default defineRule({
  code: 'PYD203',
  name: 'pip-install-without-requirement',
  title: 'Give `pip install` something to install',
  category: 'dependencies',
  defaultSeverity: 'error',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'unsafe' },
  docs: {
    whatItDoes:
      'Flags `pip install` (also `python -m pip`, `uv pip`, `poetry run pip`, `pipenv run pip`) with no package argument and none of `-r`/`--requirement`, `-e`/`--editable` or `--group`. ' +
      'Arguments that come from elsewhere are respected: `$VARIABLES` and command substitutions count as arguments, `xargs pip install` reads them from its input, and `PIP_REQUIREMENT`/`PIP_EDITABLE`/`PIP_GROUP` set with ENV, ARG or inline name requirements too. ' +
      'When the build context can be read, the fix suggests installing the project (`.`, when `pyproject.toml` or `setup.py` exists) or `-r requirements.txt` (when that file exists).',
    whyItMatters:
      'pip refuses to run without a requirement: it stops with "You must give at least one requirement to install" and a non-zero exit status, so `docker build` fails at this step. ' +
      'The line usually survives from an edit that dropped the file name, or from a copy of a Dockerfile whose `.` got lost.',
    example: 'FROM python:3.12-slim-bookworm\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir',
    useInstead: 'FROM python:3.12-slim-bookworm\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt',
    fixSafety:
      'The fix has to guess what you meant to install: the project in the current directory or its `requirements.txt`. Both are offered when both files exist; either one installs code that the broken line never installed, and relies on the file being in the working directory of that RUN. Review the choice before applying it.',
    references: [
      'https://pip.pypa.io/en/stable/cli/pip_install/',
      'https://pip.pypa.io/en/stable/topics/configuration/#environment-variables',
    ],
  },
  check(ctx) {
    const { model, env } = ctx;
    for (const site of runCommands(model)) {
      const pip = pipInstall(site.command);
      if (!pip || pip.packages.length > 0) continue;
      if (pip.has(...REQUIREMENT_OPTIONS) || pip.has(...EXITING_OPTIONS)) continue;
      if (argumentsFromElsewhere(pip) || requirementsFromEnvironment(site)) continue;
      const fixes = requirementFixes(model, env, pip);
      ctx.report({
        range: model.text.rangeOf(site.command.start, site.command.end),
        message: '`pip install` names no requirement: pip stops with "You must give at least one requirement to install" and the build fails',
        ...(fixes.length > 0 ? { fixes } : {}),
      });
    }
  },
});
