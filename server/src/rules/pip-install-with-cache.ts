// PYD201: pip keeps its download cache inside the image layer.
import { pipArgumentsStart, pipInstall } from '../shell/pip';
import type { ShellScript, SimpleCommand } from '../shell/parser';
import { effectiveWords } from '../shell/query';
import { definedVariable, runMounts } from './helpers';
import { mountsOf, servesPipDownloads } from './layer-helpers';
import { toolSites } from './tool-helpers';
import { defineRule } from './define-rule';
import { insertAt } from './edit-helpers';

/** `pip cache purge` (also `pip3 …`, `python -m pip …`): empties the cache pip just filled. */
function isCachePurge(cmd: SimpleCommand): boolean {
  const effective = effectiveWords(cmd);
  const at = pipArgumentsStart(effective);
  if (at < 0) return false;
  const rest = effective.slice(at).map((w) => (w.hasExpansion ? '$' : w.value));
  return rest.length === 2 && rest[0] === 'cache' && rest[1] === 'purge';
}

/**
 * Whether a later command of the same plain `&&`/`;` chain runs `pip cache purge`: the cache
 * is then gone before the layer is committed (a `||` or a group in between could skip it).
 */
function purgedLater(script: ShellScript, install: SimpleCommand): boolean {
  const commands = script.commands;
  // Compound commands (if/for) are not in the list: what runs between could not be told.
  if (script.error !== undefined || script.opaque.length > 0) return false;
  for (let k = install.index; k < commands.length; k++) {
    const c = commands[k] as SimpleCommand;
    if (c.depth !== 0 || c.negated) return false;
    if (k > install.index && isCachePurge(c)) return true;
    if (c.connector !== '&&' && c.connector !== ';') return false;
  }
  return false;
}

export default defineRule({
  code: 'PYD201',
  name: 'pip-install-with-cache',
  title: 'Add `--no-cache-dir` to `pip install`',
  category: 'dependencies',
  defaultSeverity: 'warning',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'always', applicability: 'safe' },
  hadolint: ['DL3042'],
  docs: {
    whatItDoes: 'Flags `pip install` in a stage that ships when pip may keep its download cache: no `--no-cache-dir`, no `PIP_NO_CACHE_DIR`, no `pip cache purge` later in the same `&&` chain, and no BuildKit cache or tmpfs mount on the pip cache directory (or its download directory `http`/`http-v2`; a target such as `${PIP_CACHE_DIR}` is expanded as BuildKit does). In builder stages that do not ship, it is only a hint.',
    whyItMatters: 'pip stores every downloaded wheel and source archive under `~/.cache/pip`. In an immutable image that cache is dead weight that every pull pays for. Package-manager cache smells were the most size-impactful class in Durieux et al.\'s study of Dockerfiles: affected images were on average 48 MB (4.6 %) larger.',
    example: 'FROM python:3.12-slim-bookworm\nCOPY requirements.txt .\nRUN pip install -r requirements.txt',
    useInstead: 'FROM python:3.12-slim-bookworm\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt',
    references: [
      'https://pip.pypa.io/en/stable/topics/caching/',
      'https://docs.docker.com/build/cache/optimize/#use-cache-mounts',
      'https://github.com/hadolint/hadolint/wiki/DL3042',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    for (const stage of model.stages) {
      // `pipInstall` is null for commands that run no Python tool: walk only those that do.
      for (const { info, script, command } of toolSites(model, stage)) {
        const pip = pipInstall(command);
        if (!pip || pip.runner === 'uv' || pip.runner === 'pipenv-run') continue;
        if (pip.has('--no-cache-dir')) continue;
        // Any non-empty value disables the cache in modern pip (even `0`/`false`, for compatibility).
        if (definedVariable(stage, info, 'PIP_NO_CACHE_DIR')) continue;
        if (command.assignments.some((a) => a.value.startsWith('PIP_NO_CACHE_DIR='))) continue;
        // A mount on the directory pip is told to cache in (`--cache-dir`, PIP_CACHE_DIR) counts too.
        // Targets may name variables (`target=${PIP_CACHE_DIR}`), which BuildKit expands.
        const cacheDir = (pip.values('--cache-dir')[0] ?? definedVariable(stage, info, 'PIP_CACHE_DIR') ?? '').replace(/\/+$/, '');
        const cached = runMounts(info).length > 0 && mountsOf(info, model).some((m) => (m.type === 'cache' || m.type === 'tmpfs') && m.target !== null && servesPipDownloads(m.target, cacheDir));
        if (cached) continue;
        if (purgedLater(script, command)) continue;
        ctx.report({
          range: model.text.rangeOf(command.start, command.end),
          message: stage.ships
            ? '`pip install` keeps its download cache in the image layer'
            : '`pip install` keeps its download cache in this builder layer (only the copied files ship)',
          severity: stage.ships ? 'warning' : 'hint',
          fixes: [{ title: 'Add `--no-cache-dir`', applicability: 'safe', edits: [insertAt(model, pip.installWord.end, ' --no-cache-dir')] }],
        });
      }
    }
  },
});
