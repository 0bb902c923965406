// PYD206: compilers and -dev headers installed in a stage that ships, and never removed in that RUN.
import type { DocumentModel } from '../model/document-model';
import { stageChainInstructions } from '../model/stages';
import type { Word } from '../shell/lexer';
import type { ShellScript, SimpleCommand } from '../shell/parser';
import { apkCommand, aptCommand } from '../shell/apt';
import { pipInstall } from '../shell/pip';
import { fullyUnderstood } from '../shell/query';
import { isBuildOnlyPackage, packageName } from '../knowledge/build-packages';
import type { Fix } from './types';
import { defineRule } from './define-rule';
import { runCommands } from './helpers';
import { insertAt } from './edit-helpers';

type Manager = 'apt' | 'apk';

/** A package-manager install command and the packages it adds. */
interface Install {
  manager: Manager;
  command: SimpleCommand;
  packages: Word[];
  /** `apk add --virtual <name>`: the name that `apk del` removes them by. */
  virtual: string | null;
}

// `apt-get autoremove <pkgs>` removes the named packages too (apt treats its arguments as
// removals, then drops what only they needed): `autoremove --purge build-essential` cleans up.
const APT_REMOVE = new Set(['purge', 'remove', 'autopurge', 'autoremove', 'auto-remove']);
const APK_VIRTUAL = new Set(['-t', '--virtual']);

/** Recognises `apt-get install` / `apk add`, or null. */
function installOf(command: SimpleCommand): Install | null {
  const apt = aptCommand(command);
  if (apt?.sub === 'install') return { manager: 'apt', command, packages: apt.packages, virtual: null };
  const apk = apkCommand(command);
  if (apk?.sub === 'add') {
    const at = apk.options.findIndex((o) => APK_VIRTUAL.has(o.value));
    const virtual = at >= 0 ? apk.options[at + 1]?.value ?? null : apk.options.find((o) => o.value.startsWith('--virtual='))?.value.slice('--virtual='.length) ?? null;
    return { manager: 'apk', command, packages: apk.packages, virtual };
  }
  return null;
}

/**
 * Package names removed by a command (`apt-get purge/remove`, `apk del`), or `'any'` when an
 * argument is a `$VARIABLE` or substitution that could name anything.
 */
function removedBy(command: SimpleCommand): Set<string> | 'any' | null {
  const apt = aptCommand(command);
  const apk = apt ? null : apkCommand(command);
  const words = apt && apt.sub !== null && APT_REMOVE.has(apt.sub) ? apt.packages : apk?.sub === 'del' ? apk.packages : null;
  if (!words) return null;
  if (words.some((w) => w.hasExpansion)) return 'any';
  return new Set(words.map((w) => packageName(w.value)));
}

/**
 * Program names that the image runs at start or in health checks: a build tool named there
 * (`CMD ["make", "serve"]`, `git` in an entry command) is a runtime dependency after all.
 */
const RUNTIME_KEYWORDS = new Set(['CMD', 'ENTRYPOINT', 'HEALTHCHECK']);

function runtimePrograms(model: DocumentModel): Set<string> {
  const names = new Set<string>();
  const final = model.finalStage;
  if (!final) return names;
  for (const info of stageChainInstructions(final)) {
    if (!RUNTIME_KEYWORDS.has(info.keyword)) continue;
    for (const token of model.content.slice(info.start, info.end).split(/[^A-Za-z0-9+._-]+/)) if (token !== '') names.add(token.toLowerCase());
  }
  return names;
}

/**
 * Whether the script is a plain `&&`/`;` chain at top level: then text appended after a
 * command runs after it, exactly once, and cannot change what a pipe or `||` does.
 */
function isPlainChain(script: ShellScript): boolean {
  return fullyUnderstood(script) && script.commands.every((c) => c.depth === 0 && !c.negated && (c.connector === null || c.connector === '&&' || c.connector === ';'));
}

/**
 * The single-stage fallback (CONFIRM): remove the packages right after the last pip install
 * that follows them in the same RUN. apk packages added under `--virtual` are removed by that
 * name when every package of the command is build-only (the name would take the others too).
 */
function purgeFix(model: DocumentModel, script: ShellScript, install: Install, flagged: Word[]): Fix | null {
  if (!isPlainChain(script)) return null;
  const lastPip = [...script.commands].reverse().find((c) => c.index > install.command.index && pipInstall(c) !== null);
  if (!lastPip) return null;
  const names = flagged.map((w) => w.value);
  let removal: string;
  if (install.manager === 'apt') {
    removal = `apt-get purge -y --auto-remove ${names.join(' ')}`;
  } else if (install.virtual !== null) {
    if (install.packages.length !== flagged.length || install.virtual.includes('$')) return null;
    removal = `apk del ${install.virtual}`;
  } else {
    removal = `apk del ${names.join(' ')}`;
  }
  return { title: `Remove the build packages after the pip install (\`${removal}\`)`, applicability: 'unsafe', edits: [insertAt(model, lastPip.end, ` && ${removal}`)] };
}

function quoteList(words: Word[]): string {
  return words.map((w) => `\`${w.value}\``).join(', ');
}

export default defineRule({
  code: 'PYD206',
  name: 'build-toolchain-in-final-image',
  title: 'Keep compilers and -dev headers out of the final image',
  category: 'dependencies',
  defaultSeverity: 'warning',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'unsafe' },
  docs: {
    whatItDoes:
      'Flags `apt-get install`/`apt install`/`apk add` of build-only packages in a stage that ships (the final stage and the stages it is built `FROM`), unless the same RUN removes them again with `apt-get purge`/`remove`/`autoremove <packages>` or `apk del`. ' +
      'Build-only packages are compilers and build helpers (`gcc`, `g++`, `clang`, `make`, `cmake`, `build-essential`, `build-base`, `pkg-config`, `cargo`, `rustc`, `gfortran`, versioned `gcc-12` and friends), C library and kernel headers (`libc6-dev`, `musl-dev`, `linux-headers`, `linux-libc-dev`), `python3-dev`, every `*-dev`/`*-devel` package, and `git`. ' +
      'A tool that CMD, ENTRYPOINT or HEALTHCHECK runs by name (say `git` or `make`) counts as a runtime dependency and is not reported. Builder stages that do not ship are never reported: that is where these packages belong.',
    whyItMatters:
      'Compilers and headers are needed only while pip builds wheels, yet they ship to every container: hundreds of megabytes and a larger CVE surface. ' +
      'One field report measured a 1.1 GB builder against a 331 MB runtime image; the full `python:3.12` image, which bundles buildpack-deps\' toolchain and -dev libraries, is 410.9 MB compressed against 43.2 MB for `-slim`. ' +
      'Pipenv\'s Docker guide recommends exactly this split: -dev packages in the build stage, only the runtime library (for example `libpq5` instead of `libpq-dev`) in the runtime stage.',
    example: 'FROM python:3.12-slim-bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev && rm -rf /var/lib/apt/lists/*\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt',
    useInstead:
      'FROM python:3.12-slim-bookworm AS builder\nRUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev && rm -rf /var/lib/apt/lists/*\nRUN python -m venv /opt/venv\nENV PATH="/opt/venv/bin:$PATH"\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n\n' +
      'FROM python:3.12-slim-bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*\nCOPY --from=builder /opt/venv /opt/venv\nENV PATH="/opt/venv/bin:$PATH"',
    fixSafety:
      'The preferred remedy, moving the build packages to a builder stage, is a restructuring done by "Optimize this Dockerfile". ' +
      'The single-stage fallback offered here appends `apt-get purge -y --auto-remove <packages>` (or `apk del`) after the last pip install of the same RUN, so the layer never contains them. ' +
      'It is unsafe: `--auto-remove` (and `apk del`) also removes libraries that were only pulled in as dependencies of the removed packages — for example `libpq5` with `libpq-dev` — which compiled wheels may need at run time; install such runtime libraries explicitly so they stay. ' +
      'It is only offered when the same RUN installs the packages and then runs pip in a plain `&&`/`;` chain.',
    references: [
      'https://docs.docker.com/build/building/multi-stage/',
      'https://docs.docker.com/build/building/best-practices/#dont-install-unnecessary-packages',
      'https://pipenv.pypa.io/en/latest/docker.html',
      'https://github.com/docker-library/docs/tree/master/python#image-variants',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    // Computed on the first build-only package: most files install none in a shipping stage.
    let runtime: Set<string> | undefined;
    for (const stage of model.stages) {
      if (!stage.ships) continue;
      for (const { script, command } of runCommands(model, stage)) {
        const install = installOf(command);
        if (!install) continue;
        // Most installs have no build-only package: skip reading the rest of the RUN for them.
        if (!install.packages.some((w) => !w.hasExpansion && isBuildOnlyPackage(w.value))) continue;
        // What the commands after the install remove; any removal by expansion may remove everything.
        let removesAny = false;
        const removed = new Set<string>();
        for (let k = command.index + 1; k < script.commands.length && !removesAny; k++) {
          const names = removedBy(script.commands[k] as SimpleCommand);
          if (names === 'any') removesAny = true;
          else if (names) for (const name of names) removed.add(name);
        }
        if (removesAny) continue;
        if (install.virtual !== null) {
          // `apk del <virtual>` removes everything that `apk add --virtual <virtual>` added.
          if (removed.has(install.virtual.toLowerCase())) continue;
        }
        const flagged = install.packages.filter((w) => !w.hasExpansion && isBuildOnlyPackage(w.value) && !removed.has(packageName(w.value)) && !(runtime ??= runtimePrograms(model)).has(packageName(w.value)));
        if (flagged.length === 0) continue;
        const fix = purgeFix(model, script, install, flagged);
        const plural = flagged.length > 1;
        ctx.report({
          range: model.text.rangeOf(command.start, command.end),
          message: `Build-only package${plural ? 's' : ''} ${quoteList(flagged)} ${plural ? 'stay' : 'stays'} in the final image: install ${plural ? 'them' : 'it'} in a builder stage or remove ${plural ? 'them' : 'it'} in the same RUN`,
          ...(fix ? { fixes: [fix] } : {}),
        });
      }
    }
  },
});
