// PYD211: `poetry install`/`poetry sync` that puts dev dependency groups into the image, or uses the removed `--no-dev`.
import type { Stage } from '../model/stages';
import type { ToolCommand } from '../shell/tools';
import { poetryInstall, poetrySync } from '../shell/tools';
import { defineRule } from './define-rule';
import { insertAt, replaceSpan } from './edit-helpers';
import { stagesReachingImage, toolSites } from './tool-helpers';

/** The groups named by `--only`/`--without` values (`--only=main,docs` → main, docs). */
function groups(cmd: ToolCommand, ...names: string[]): string[] {
  return cmd.values(...names).flatMap((v) => v.split(',')).map((g) => g.trim().toLowerCase()).filter((g) => g !== '');
}

/**
 * Whether the command keeps the conventional `dev` group out: `--only <groups without dev>`,
 * `--without dev`, or `--only-root` (the project alone, no dependencies).
 */
function excludesDev(cmd: ToolCommand): boolean {
  if (cmd.has('--only-root')) return true;
  if (cmd.has('--only')) return !groups(cmd, '--only').includes('dev');
  return groups(cmd, '--without').includes('dev');
}

/**
 * Whether the build context's `pyproject.toml` declares no dependency group besides `main`,
 * so a plain install cannot add dev tooling. Unknown (no file access) counts as "has groups".
 */
function projectHasNoGroups(cmd: ToolCommand, read: ((p: string) => string | undefined) | undefined): boolean {
  // With `-C`/`--project` the project is elsewhere in the image; its file is not known here.
  if (cmd.has('-C', '--directory', '-P', '--project')) return false;
  const text = read?.('pyproject.toml');
  if (text === undefined) return false;
  return !/^\s*\[\s*(tool\.poetry\.group\.(?!main\b)|tool\.poetry\.dev-dependencies|tool\.poetry\.group\s*\]|dependency-groups)/m.test(text) && !/\bgroup\.(?!main\b)[A-Za-z0-9_-]+\.dependencies\s*=/.test(text);
}

export default defineRule({
  code: 'PYD211',
  name: 'poetry-install-with-dev-dependencies',
  title: 'Install only the main dependency group with Poetry in image stages',
  category: 'dependencies',
  defaultSeverity: 'warning',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'safe' },
  docs: {
    whatItDoes:
      'Flags `poetry install` and `poetry sync` in a stage whose files reach the image (the final stage, its ancestors, and stages it copies from) when the command does not leave out the dev dependencies: no `--only main` (or `--only=main`, any `--only` list without `dev`), no `--without dev`, no `--only-root`. ' +
      'It also flags `--no-dev` in any stage: the option was deprecated in Poetry 1.2 and removed in Poetry 2.0, where the install stops with an error. ' +
      'Test stages that no shipped stage copies from are not judged. When the build context\'s `pyproject.toml` can be read and declares no group besides `main`, a plain install is not flagged.',
    whyItMatters:
      'Without a group selection Poetry installs every non-optional group, so test runners, linters, type checkers and their dependencies (often tens of megabytes) end up in the production image, where they add size, start-up imports and vulnerability-scanner findings without ever running. ' +
      '`--no-dev` was deprecated in Poetry 1.2 in favour of dependency groups and no longer exists in Poetry 2, so a Dockerfile that uses it breaks as soon as the Poetry version moves.',
    example: 'FROM python:3.12-slim-bookworm\nRUN pip install --no-cache-dir poetry==1.8.5\nWORKDIR /app\nCOPY pyproject.toml poetry.lock ./\nRUN poetry install --no-root',
    useInstead: 'FROM python:3.12-slim-bookworm\nRUN pip install --no-cache-dir poetry==1.8.5\nWORKDIR /app\nCOPY pyproject.toml poetry.lock ./\nRUN poetry install --only main --no-root',
    fixSafety:
      'Replacing `--no-dev` with `--only main` is safe: since Poetry 1.2, `--no-dev` is implemented as `--only main`, so the installed set is the same (and it keeps working on Poetry 2). ' +
      'Adding `--only main` where no group option was given is unsafe: a later step in the stage may run the tests or a tool from a dev group, and a project that keeps runtime dependencies in a group other than `main` would lose them.',
    references: [
      'https://python-poetry.org/docs/managing-dependencies/#installing-group-dependencies',
      'https://python-poetry.org/docs/cli/#install',
      'https://python-poetry.org/blog/announcing-poetry-1.2.0/',
      'https://python-poetry.org/blog/announcing-poetry-2.0.0/',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    // Read on the first install that keeps the dev groups: most files run no Poetry at all.
    let reaching: ReadonlySet<Stage> | undefined;
    // The Poetry models are null for commands that run no Python tool.
    for (const site of toolSites(model)) {
      const cmd = poetryInstall(site.command) ?? poetrySync(site.command);
      if (!cmd) continue;
      const noDev = cmd.option('--no-dev');
      if (noDev) {
        ctx.report({
          range: model.text.rangeOf(noDev.word.start, noDev.word.end),
          message: '`--no-dev` is deprecated since Poetry 1.2 and removed in Poetry 2: use `--only main`',
          fixes: [{ title: 'Replace `--no-dev` with `--only main`', applicability: 'safe', edits: [replaceSpan(model, noDev.word.start, noDev.word.end, '--only main')] }],
        });
        continue;
      }
      if (!site.info.stage || !(reaching ??= stagesReachingImage(model)).has(site.info.stage) || excludesDev(cmd)) continue;
      if (projectHasNoGroups(cmd, ctx.env.readContextFile)) continue;
      ctx.report({
        range: model.text.rangeOf(site.command.start, site.command.end),
        // A stage the image only copies from (a wheel builder) does not end up in the image as a whole.
        message: `\`poetry ${cmd.subcommand}\` also installs the dev dependency groups, in a stage ${site.info.stage.ships ? 'that ends up in the image' : 'that the image copies files from'}`,
        fixes: [{ title: 'Add `--only main`', applicability: 'unsafe', edits: [insertAt(model, cmd.subcommandWord.end, ' --only main')] }],
      });
    }
  },
});
