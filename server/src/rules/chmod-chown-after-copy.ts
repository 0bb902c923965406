// PYD308: a RUN that only runs chmod/chown on copied files, which copies them again into a new layer.
import type { Flag } from 'dockerfile-ast';
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import type { Stage } from '../model/stages';
import type { TextEdit } from '../model/text';
import type { SimpleCommand } from '../shell/parser';
import { effectiveWords, fullyUnderstood, lastPathSegment } from '../shell/query';
import type { Fix } from './types';
import { classifySource, copyOperands, copyTarget, isGlob, isWithin, joinPath, normalizePath, sourcePathFor, substitute, variableLookupBefore, workdirBefore, type CopyOperands, type VariableLookup } from './copy-paths';
import { defineRule } from './define-rule';
import { insertAt, keywordRange, replaceSpan } from './edit-helpers';
import { flagsOf } from './helpers';
import { execFormArgs, frontendAtLeast, indentOf, lineEnd, removeBlocks } from './layer-helpers';

/** The Dockerfile frontend minor that brought `COPY --chmod` (docker/dockerfile:1.2). */
const CHMOD_FRONTEND_MINOR = 2;

/** One chmod or chown command of the RUN. */
interface PermissionCommand {
  tool: 'chmod' | 'chown';
  /** The mode or owner as written. */
  spec: string;
  recursive: boolean;
  /** Operands as written (variables substituted). */
  operands: string[];
  /** `--reference`, `--from` and similar: the change cannot be written as a COPY flag. */
  untranslatable: boolean;
}

/** What the RUN does, with its document span. */
interface PermissionRun {
  commands: PermissionCommand[];
  start: number;
  end: number;
}

/** chmod options (as opposed to modes such as `-x`, which remove a permission). */
const CHMOD_OPTION_RE = /^-[Rvcf]+$|^--(recursive|verbose|changes|silent|quiet|preserve-root|no-preserve-root)$/;
const CHOWN_OPTION_RE = /^-[RhvcfHLP]+$|^--(recursive|verbose|changes|silent|quiet|dereference|no-dereference|preserve-root|no-preserve-root)$/;

/** Parses one chmod/chown argv (program first); null for anything else or a malformed call. */
function permissionCommand(argv: readonly string[]): PermissionCommand | null {
  const tool = lastPathSegment(argv[0] ?? '');
  if (tool !== 'chmod' && tool !== 'chown') return null;
  const optionRe = tool === 'chmod' ? CHMOD_OPTION_RE : CHOWN_OPTION_RE;
  let recursive = false;
  let untranslatable = false;
  let reference = false;
  const rest: string[] = [];
  let options = true;
  for (const a of argv.slice(1)) {
    if (options && a === '--') {
      options = false;
      continue;
    }
    if (options && optionRe.test(a)) {
      if (/^-[A-Za-z]*R|^--recursive$/.test(a)) recursive = true;
      continue;
    }
    if (options && a.startsWith('--')) {
      // `--reference=FILE`, `--from=OWNER`: the result depends on something else.
      untranslatable = true;
      if (a.startsWith('--reference=')) reference = true;
      else if (!a.includes('=')) return null;
      continue;
    }
    rest.push(a);
  }
  // With `--reference`, every argument is a file; otherwise the first one is the mode or owner.
  const spec = reference ? '' : rest[0];
  const operands = reference ? rest : rest.slice(1);
  if (spec === undefined || operands.length === 0) return null;
  return { tool, spec, recursive, operands, untranslatable };
}

/** The chmod/chown commands of a RUN, or null unless the RUN runs nothing else. */
function permissionRun(model: DocumentModel, info: InstructionInfo): PermissionRun | null {
  const exec = execFormArgs(model, info);
  if (exec) {
    const cmd = permissionCommand(exec);
    const first = info.node.getArguments()[0];
    if (!cmd || !first) return null;
    return { commands: [cmd], start: model.text.offsetAt(first.getRange().start), end: info.end };
  }
  const script = model.shellOf(info);
  if (!script || !fullyUnderstood(script) || script.commands.length === 0) return null;
  const commands: PermissionCommand[] = [];
  let vars: VariableLookup | undefined;
  for (const c of script.commands) {
    const sequential = c.connector === null || c.connector === '&&' || c.connector === ';';
    if (!sequential || c.depth !== 0 || c.negated || c.redirects.length > 0 || c.assignments.length > 0) return null;
    const words = effectiveWords(c);
    if (words.length !== c.words.length) return null;
    // A program written without variables names its tool already: most RUNs run neither chmod
    // nor chown, and need no substituted argv to show it.
    const program = words[0];
    if (!program) return null;
    if (!program.hasExpansion) {
      const tool = lastPathSegment(program.value);
      if (tool !== 'chmod' && tool !== 'chown') return null;
    }
    const lookup = (vars ??= variableLookupBefore(model, info));
    const argv = words.map((w) => (w.hasExpansion ? substitute(w.value, lookup) : w.value));
    if (argv.some((a) => a.includes('$') || a.includes('`'))) return null;
    const cmd = permissionCommand(argv);
    if (!cmd) return null;
    commands.push(cmd);
  }
  const first = script.commands[0] as SimpleCommand;
  const last = script.commands[script.commands.length - 1] as SimpleCommand;
  return { commands, start: first.start, end: last.end };
}

/** How a COPY produced a path. */
type Creation =
  /** The path is one of the files the COPY names (`COPY start.sh ./` → `/app/start.sh`). */
  | 'file'
  /** The path is the directory a directory source was copied into. */
  | 'dir'
  /** The path lies inside such a directory (`COPY . .` → `/app/start.sh`). */
  | 'inside';

interface Creator {
  info: InstructionInfo;
  op: CopyOperands;
  workdir: string;
  /** The source that produced the path. */
  source: string;
  how: Creation;
}

/** How a COPY/ADD wrote `path`, or null when it did not. */
function creation(op: CopyOperands, workdir: string, path: string): { source: string; how: Creation } | null {
  for (const source of op.sources) {
    const target = copyTarget(op, source, workdir);
    if (target.kind === 'files') {
      if (target.paths.some((p) => normalizePath(p) === path)) return { source, how: 'file' };
      continue;
    }
    if (target.dir === path) return { source, how: 'dir' };
    if (isWithin(path, target.dir)) return { source, how: 'inside' };
  }
  return null;
}

/**
 * The last COPY/ADD of the stage before `info` that wrote `path`, or null when none did, or an
 * earlier COPY cannot be read (it might be the one).
 */
function creatorOf(model: DocumentModel, stage: Stage, info: InstructionInfo, path: string): Creator | null {
  for (const prev of [...stage.instructions].reverse()) {
    if (prev.index >= info.index || (prev.keyword !== 'COPY' && prev.keyword !== 'ADD')) continue;
    const op = copyOperands(model, prev);
    if (!op || op.unresolved) return null;
    const workdir = op.dest.startsWith('/') ? '/' : workdirBefore(model, prev)?.dir;
    if (workdir === undefined) return null;
    const made = creation(op, workdir, path);
    if (made) return { info: prev, op, workdir, ...made };
  }
  return null;
}

/**
 * Whether changing the path copies file content into the new layer: a copied file, or a
 * directory changed recursively. A directory changed on its own only adds its own entry, and a
 * path inside a copied directory counts only when it is recursive or looks like a file.
 */
function duplicatesContent(run: PermissionRun, operand: string, creator: Creator): boolean {
  const recursive = run.commands.some((c) => c.recursive && c.operands.includes(operand));
  if (creator.how === 'file' || recursive) return true;
  return creator.how === 'inside' && classifySource(operand) === 'file';
}

// -- Translating chmod/chown into COPY flags ------------------------------------------------------

/** `+x`, `a+x` and `ugo+x` give a 0644 file mode 0755; octal modes are kept as written. */
function chmodFlag(spec: string, existing: string | null): string | null {
  if (/^[0-7]{3,4}$/.test(spec)) return spec;
  if (!/^(a|ugo)?\+x$/.test(spec)) return null;
  if (existing === null) return '755';
  if (!/^[0-7]{3,4}$/.test(existing)) return null;
  return (parseInt(existing, 8) | 0o111).toString(8).padStart(existing.length, '0');
}

/**
 * `user:group` as is; `user` alone keeps the group the COPY gave (root unless `--chown` said
 * otherwise), and `:group` keeps the user. `user.group` and `user:` (login group) are not translated.
 */
function chownFlag(spec: string, existing: string | null): string | null {
  const [oldUser, oldGroup] = existing === null ? ['root', 'root'] : existing.includes(':') ? existing.split(':') : [existing, null];
  if (/^[\w.-]+:[\w.-]+$/.test(spec) && !spec.endsWith(':')) return spec;
  if (/^[\w-]+$/.test(spec)) return oldGroup ? `${spec}:${oldGroup}` : null;
  if (/^:[\w.-]+$/.test(spec)) return oldUser ? `${oldUser}${spec}` : null;
  return null;
}

function flagOf(info: InstructionInfo, name: string): Flag | undefined {
  return flagsOf(info).find((f) => f.getName() === name);
}

/** The COPY flags (`chmod`, `chown`) that reproduce the RUN for one path, or null. */
function flagsFor(run: PermissionRun, operand: string, creator: Creator): Map<'chmod' | 'chown', string> | null {
  const flags = new Map<'chmod' | 'chown', string>();
  for (const cmd of run.commands) {
    if (!cmd.operands.includes(operand)) continue;
    if (cmd.untranslatable) return null;
    const existing = flags.get(cmd.tool) ?? flagOf(creator.info, cmd.tool)?.getValue() ?? null;
    const value = cmd.tool === 'chmod' ? chmodFlag(cmd.spec, existing) : chownFlag(cmd.spec, existing);
    if (value === null) return null;
    flags.set(cmd.tool, value);
  }
  return flags;
}

/**
 * Sets flags of a COPY: existing ones get a new value, missing ones are inserted together right
 * after the keyword (one edit, so their order is fixed).
 */
function setFlags(model: DocumentModel, info: InstructionInfo, flags: ReadonlyMap<string, string>): TextEdit[] {
  const edits: TextEdit[] = [];
  let inserted = '';
  for (const [name, value] of flags) {
    const range = flagOf(info, name)?.getValueRange();
    if (range) edits.push({ range, newText: value });
    else inserted += ` --${name}=${value}`;
  }
  if (inserted !== '') edits.push(insertAt(model, model.text.offsetAt(keywordRange(info).end), inserted));
  return edits;
}

/** Whether anything between the COPY and the RUN could have changed the copied files. */
function touchedInBetween(stage: Stage, from: InstructionInfo, to: InstructionInfo): boolean {
  return stage.instructions.some((i) => i.index > from.index && i.index < to.index && ['RUN', 'COPY', 'ADD', 'ONBUILD'].includes(i.keyword));
}

interface Target {
  operand: string;
  path: string;
  creator: Creator;
}

/**
 * Fix A: the RUN changes exactly what one COPY created (its files, or the whole directory with
 * `-R`), so the COPY can take the flags and the RUN can go.
 */
function copyFlagFix(model: DocumentModel, stage: Stage, info: InstructionInfo, run: PermissionRun, targets: readonly Target[]): Fix | null {
  const creator = (targets[0] as Target).creator;
  if (creator.info.keyword !== 'COPY' || !targets.every((t) => t.creator.info === creator.info)) return null;
  const files = targets.every((t) => t.creator.how === 'file');
  const wholeDir = targets.length === 1 && creator.op.sources.length === 1 && (targets[0] as Target).creator.how === 'dir' && run.commands.every((c) => c.recursive);
  if (!files && !wholeDir) return null;
  if (files && !creator.op.sources.every((s) => targets.some((t) => t.creator.source === s))) return null;
  const perTarget = targets.map((t) => flagsFor(run, t.operand, t.creator));
  const first = perTarget[0];
  // One flag applies to every file of the COPY, so every file must get the same change.
  if (!first || perTarget.some((f) => f === null || JSON.stringify([...f]) !== JSON.stringify([...first]))) return null;
  const edits = setFlags(model, creator.info, first);
  edits.push(...removeBlocks(model, [info]));
  const needsBuildKit = first.has('chmod');
  const safe = files && !touchedInBetween(stage, creator.info, info) && (!needsBuildKit || frontendAtLeast(model, CHMOD_FRONTEND_MINOR)) && !anyGlob(targets);
  const label = [...first].map(([name, value]) => `--${name}=${value}`).join(' ');
  return { title: `Add \`${label}\` to the \`COPY\` and remove the \`RUN\``, applicability: safe ? 'safe' : 'unsafe', edits };
}

function anyGlob(targets: readonly Target[]): boolean {
  return targets.some((t) => isGlob(t.operand));
}

/**
 * Fix B: the RUN changes files inside a larger COPY, so it becomes a COPY of just those files
 * with the flags (what catalogue example 2 shows: `COPY --chmod=755 start.sh ./`).
 */
function separateCopyFix(model: DocumentModel, info: InstructionInfo, run: PermissionRun, targets: readonly Target[]): Fix | null {
  const lines: string[] = [];
  for (const t of targets) {
    const { creator } = t;
    if (creator.info.keyword !== 'COPY' || isGlob(t.operand) || classifySource(creator.source) === 'glob') return null;
    const source = sourcePathFor(creator.op, creator.source, creator.workdir, t.path);
    if (source === null || source === '.' || !/^[A-Za-z0-9._/@+-]+$/.test(source + t.operand)) return null;
    const flags = flagsFor(run, t.operand, creator);
    if (!flags) return null;
    const carried = ['from', 'link'].map((n) => flagOf(creator.info, n)).filter((f): f is Flag => f !== undefined).map((f) => (f.getValue() === null ? `--${f.getName()}` : `--${f.getName()}=${f.getValue() ?? ''}`));
    for (const name of ['chown', 'chmod'] as const) {
      const value = flags.get(name) ?? flagOf(creator.info, name)?.getValue() ?? null;
      if (value !== null) carried.push(`--${name}=${value}`);
    }
    lines.push(['COPY', ...carried, source, t.operand].join(' '));
  }
  const indent = indentOf(model, info);
  const start = model.text.lineStart(info.range.start.line);
  const end = lineEnd(model, info.range.end.line);
  return {
    title: lines.length === 1 ? `Replace the \`RUN\` with \`${lines[0] as string}\`` : 'Replace the `RUN` with a `COPY` per file',
    applicability: 'unsafe',
    edits: [replaceSpan(model, start, end, lines.map((l) => indent + l).join(model.eol))],
  };
}

export default defineRule({
  code: 'PYD308',
  name: 'chmod-chown-after-copy',
  title: 'Set modes and owners with `COPY --chmod`/`--chown`, not in a separate `RUN`',
  category: 'layers-and-cache',
  defaultSeverity: 'info',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'unsafe' },
  docs: {
    whatItDoes:
      'Flags a `RUN` (shell or exec form) that runs nothing but `chmod` and `chown` on paths that an earlier COPY or ADD of the same stage created: the files it names, the directory it copied into (with `-R`), or files and directories (with `-R`) inside that directory. A directory changed without `-R` is left alone, since only its own entry goes into the new layer, and so is a name inside a copied directory that does not look like a file. In stages that do not ship, the finding is only a hint.',
    whyItMatters:
      'Changing a file\'s mode or owner in a later `RUN` copies the whole file into the new layer, so the image carries it twice: `chown -R app /app` after `COPY . /app` doubles the size of the whole tree. `COPY --chmod` and `COPY --chown` set them while copying, in a single layer. S000 made its entry script executable with a separate `RUN ["chmod", "+x", "./entrypoint.sh"]`.',
    example: 'FROM python:3.12-slim-bookworm\nWORKDIR /app\nCOPY start.sh ./\nRUN chmod +x start.sh\nCMD ["./start.sh"]',
    useInstead: '# syntax=docker/dockerfile:1\nFROM python:3.12-slim-bookworm\nWORKDIR /app\nCOPY --chmod=755 start.sh ./\nCMD ["./start.sh"]',
    fixSafety:
      'When the `RUN` changes exactly the files that one COPY names, the fix adds `--chmod`/`--chown` to that COPY and removes the `RUN` with its comment lines. `+x` becomes `--chmod=755` (what `chmod +x` makes of a usual 0644 file; on an existing octal `--chmod` the execute bits are added), octal modes are kept as written, `chown user` becomes `--chown=user:root` (COPY creates files owned by root:root, and `chown user` keeps the group) and `user:group` is kept. ' +
      'It is safe when no RUN, COPY or ADD between the COPY and the `RUN` could have changed those files and, for `--chmod`, the file selects the Dockerfile frontend 1.2 or newer with `# syntax=docker/dockerfile:1`: the legacy builder rejects `--chmod` (`--chown` works everywhere). ' +
      'With `chmod -R`/`chown -R` on the directory a COPY filled, the same edit is unsafe: the flag changes neither the directory itself nor files that were there before, which the `RUN` did, so an application that writes into that directory at run time can fail. ' +
      'When the `RUN` changes some files inside a larger COPY (`COPY . .`, then `chmod +x start.sh`), the fix replaces it with a `COPY --chmod=755 start.sh start.sh` that keeps the other COPY\'s `--chown` and `--from`. This is always unsafe: it copies the file from the build context again, which is right only if it came from there unchanged, and a name without an extension may be a directory. Symbolic modes other than `+x`, `--reference` and `user.group` get no fix.',
    references: [
      'https://docs.docker.com/reference/dockerfile/#copy---chown---chmod',
      'https://docs.docker.com/build/buildkit/frontend/',
      'https://docs.docker.com/get-started/docker-concepts/building-images/understanding-image-layers/',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    for (const stage of model.stages) {
      for (const info of stage.instructions) {
        if (info.keyword !== 'RUN') continue;
        const run = permissionRun(model, info);
        if (!run) continue;
        const cwd = workdirBefore(model, info)?.dir ?? null;
        const targets: Target[] = [];
        let all = true;
        for (const operand of new Set(run.commands.flatMap((c) => c.operands))) {
          if (!operand.startsWith('/') && cwd === null) {
            all = false;
            break;
          }
          const path = joinPath(cwd ?? '/', operand);
          const creator = creatorOf(model, stage, info, path);
          if (!creator || !duplicatesContent(run, operand, creator)) {
            all = false;
            break;
          }
          targets.push({ operand, path, creator });
        }
        if (!all || targets.length === 0) continue;
        const tools = new Set(run.commands.map((c) => c.tool));
        const flags = [...tools].sort().map((t) => `--${t}`).join('`/`');
        const fixes = [copyFlagFix(model, stage, info, run, targets) ?? separateCopyFix(model, info, run, targets)].filter((f): f is Fix => f !== null);
        ctx.report({
          range: model.text.rangeOf(run.start, run.end),
          message: stage.ships
            ? `This \`RUN\` only changes copied files, which puts a second copy of them in a new layer: use \`COPY ${flags}\``
            : `This \`RUN\` only changes copied files, which puts a second copy of them in a new builder layer: use \`COPY ${flags}\``,
          severity: stage.ships ? 'info' : 'hint',
          ...(fixes.length > 0 ? { fixes } : {}),
        });
      }
    }
  },
});
