// PYD311: no `.dockerignore`, or one that lets `.git`, virtual environments, caches or `.env` through.
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import { boundedMemo } from '../model/memo';
import type { Range } from '../model/text';
import { parseDockerignore, type DockerignoreFile } from '../workspace/dockerignore';
import type { Workspace } from '../workspace/workspace';
import { classifySource, copyOperands, isGlob, matchesGlob, normalizePath } from './copy-paths';
import { defineRule } from './define-rule';
import { runCommands, runMounts } from './helpers';
import type { Fix, RuleContext } from './types';
import { fileEol } from './workspace-helpers';
import { programName } from '../shell/query';

/** A default entry of the Python `.dockerignore`, and a path it must keep out. */
interface DefaultEntry {
  pattern: string;
  /** A representative path the pattern excludes (checked against the existing file). */
  probe: string;
}

/** The Python defaults written into a new `.dockerignore` (catalogue PYD311), in this order. */
const DEFAULTS: readonly DefaultEntry[] = [
  { pattern: '.git', probe: '.git/HEAD' },
  { pattern: '.venv', probe: '.venv/pyvenv.cfg' },
  { pattern: 'venv', probe: 'venv/pyvenv.cfg' },
  { pattern: '**/__pycache__', probe: 'app/__pycache__/main.cpython-312.pyc' },
  { pattern: '**/*.py[cod]', probe: 'app/main.pyc' },
  { pattern: '.pytest_cache', probe: '.pytest_cache/README.md' },
  { pattern: '.mypy_cache', probe: '.mypy_cache/CACHEDIR.TAG' },
  { pattern: '.ruff_cache', probe: '.ruff_cache/CACHEDIR.TAG' },
  { pattern: '.tox', probe: '.tox/py312/pyvenv.cfg' },
  { pattern: '.nox', probe: '.nox/tests/pyvenv.cfg' },
  { pattern: '.coverage', probe: '.coverage' },
  { pattern: 'htmlcov', probe: 'htmlcov/index.html' },
  { pattern: 'build', probe: 'build/lib/app/__init__.py' },
  { pattern: 'dist', probe: 'dist/app-1.0-py3-none-any.whl' },
  { pattern: '*.egg-info', probe: 'app.egg-info/PKG-INFO' },
  { pattern: '.idea', probe: '.idea/workspace.xml' },
  { pattern: '.vscode', probe: '.vscode/settings.json' },
  { pattern: 'node_modules', probe: 'node_modules/left-pad/index.js' },
];

const ENV_ENTRY: DefaultEntry = { pattern: '.env', probe: '.env' };

/** What must not reach the image, as named in messages. */
interface Required {
  label: string;
  probes: string[];
  /** Only the unsafe fix adds it (a `.env` file may be read by the application at run time). */
  unsafeOnly: boolean;
}

/** A COPY/ADD that sends a whole folder (or the whole context, or a glob) from the build context. */
interface BroadCopy {
  info: InstructionInfo;
  range: Range;
  /** Context folders it sends whole (`''` for the whole context). */
  dirs: string[];
  /** Globs it sends: the folder and the pattern of the last segment. */
  globs: { dir: string; pattern: string }[];
  label: string;
}

/** Whether a broad COPY sends the context path `path`. */
function sends(copy: BroadCopy, path: string): boolean {
  if (copy.dirs.some((d) => d === '' || path.startsWith(`${d}/`))) return true;
  return copy.globs.some((g) => {
    const rel = g.dir === '' ? path : path.startsWith(`${g.dir}/`) ? path.slice(g.dir.length + 1) : null;
    // A glob that matches a folder sends all of it.
    return rel !== null && matchesGlob(rel.split('/')[0] ?? '', g.pattern);
  });
}

function broadCopies(model: DocumentModel, workspace: Workspace): BroadCopy[] {
  const out: BroadCopy[] = [];
  for (const info of model.instructions) {
    if (info.keyword !== 'COPY' && info.keyword !== 'ADD') continue;
    const op = copyOperands(model, info);
    if (!op || op.from !== null || op.unresolved) continue;
    const dirs: string[] = [];
    const globs: { dir: string; pattern: string }[] = [];
    let first: number | undefined;
    op.sources.forEach((source, index) => {
      const kind = classifySource(source);
      const path = normalizePath(source).replace(/^\/+/, '');
      let dir: string | null = null;
      if (kind === 'glob') {
        const slash = path.lastIndexOf('/');
        const parent = slash < 0 ? '' : path.slice(0, slash);
        // Globs in folder names (`*/requirements.txt`) are beyond what we check.
        if (parent.startsWith('..') || isGlob(parent)) return;
        globs.push({ dir: parent, pattern: path.slice(slash + 1) });
        first ??= index;
        return;
      }
      if (kind === 'context') dir = '';
      else if (kind === 'directory') dir = path;
      else if (kind === 'ambiguous' && workspace.fs.stat?.(path) === 'directory') dir = path;
      if (dir === null || dir.startsWith('..')) return;
      dirs.push(dir === '.' ? '' : dir);
      first ??= index;
    });
    if (first === undefined) continue;
    const arg = info.node.getArguments()[first];
    if (!arg) continue;
    out.push({ info, range: arg.getRange(), dirs, globs, label: [info.keyword, ...info.node.getArguments().map((a) => a.getValue())].join(' ') });
  }
  return out;
}

/** Paths the Dockerfile names explicitly (COPY sources, bind-mount sources): the defaults must spare them. */
function namedSources(model: DocumentModel): string[] {
  const paths: string[] = [];
  for (const info of model.instructions) {
    if (info.keyword === 'COPY' || info.keyword === 'ADD') {
      const op = copyOperands(model, info);
      if (!op || op.from !== null) continue;
      for (const s of op.sources) {
        const p = normalizePath(s).replace(/^\/+/, '');
        if (p !== '.' && !p.startsWith('..')) paths.push(p);
      }
    }
    if (info.keyword === 'RUN') {
      for (const m of runMounts(info)) {
        if (m.get('type') !== 'bind' || m.has('from')) continue;
        const p = normalizePath(m.get('source') ?? m.get('src') ?? '.').replace(/^\/+/, '');
        if (p !== '.') paths.push(p);
      }
    }
  }
  return paths;
}

/**
 * One-pattern ignore files, compiled once per pattern (the defaults are asked about for every
 * Dockerfile; user patterns come from `!` lines of ignore files, hence the bound).
 */
const singlePattern = boundedMemo((pattern): DockerignoreFile => parseDockerignore(pattern), 256);

/** Whether a default would keep out something the build needs: a named source, or `.git` for VCS versioning or `git` in RUN. */
function neededBy(entry: DefaultEntry, named: readonly string[], gitNeeded: boolean): boolean {
  if (entry.pattern === '.git' && gitNeeded) return true;
  const only = singlePattern(entry.pattern);
  // A glob source (`dist/*.whl`) is checked by its folder.
  return named.some((p) => only.excludes(p.replace(/\/[^/]*[*?[][^/]*$/, '/x')) || only.excludes(`${p}/x`));
}

/** Whether the project needs `.git` in the build context. */
function needsGit(model: DocumentModel, workspace: Workspace): boolean {
  const pyproject = workspace.pyproject();
  if (pyproject.kind === 'ok' && pyproject.value.versionFromVcs) return true;
  for (const { command } of runCommands(model)) if (programName(command) === 'git') return true;
  return false;
}

/** A user's `!` line that deliberately sends a path: that entry is not required then. */
function deliberatelyIncluded(file: DockerignoreFile, probe: string): boolean {
  return file.patterns.some((p) => p.exception && singlePattern(p.pattern).excludes(probe));
}

/** The entries that must be kept out of what the broad COPYs send, given what exists. */
function requiredEntries(workspace: Workspace, copies: readonly BroadCopy[], gitNeeded: boolean): Required[] {
  const dirs = copies.flatMap((c) => c.dirs);
  const covers = (path: string): boolean => copies.some((c) => sends(c, path));
  const required: Required[] = [];
  if (!gitNeeded && covers('.git/HEAD') && (workspace.exists('.git/HEAD') || workspace.read('.git').kind === 'text')) required.push({ label: '`.git`', probes: ['.git/HEAD'], unsafeOnly: false });
  if (covers('.venv/pyvenv.cfg')) required.push({ label: '`.venv`', probes: ['.venv/pyvenv.cfg'], unsafeOnly: false });
  if (covers('venv/pyvenv.cfg') && workspace.exists('venv/pyvenv.cfg')) required.push({ label: '`venv`', probes: ['venv/pyvenv.cfg'], unsafeOnly: false });
  const pycache = dirs.map((d) => (d === '' ? 'app/__pycache__/main.cpython-312.pyc' : `${d}/__pycache__/main.cpython-312.pyc`)).filter(covers);
  if (pycache.length > 0) required.push({ label: '`__pycache__`', probes: [...new Set(pycache)], unsafeOnly: false });
  if (covers('.env') && workspace.exists('.env')) required.push({ label: '`.env`', probes: ['.env'], unsafeOnly: true });
  return required;
}

function listLabels(labels: readonly string[]): string {
  if (labels.length <= 1) return labels.join('');
  return `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1] as string}`;
}

/** The create/extend fixes: defaults (safe), then the same plus `.env` (unsafe) when it matters. */
function fixes(ctx: RuleContext, existing: { path: string; text: string; file: DockerignoreFile } | null, withEnv: boolean, named: readonly string[], gitNeeded: boolean): Fix[] {
  const missing = DEFAULTS.filter((e) => !neededBy(e, named, gitNeeded) && !(existing && (existing.file.excludes(e.probe) || deliberatelyIncluded(existing.file, e.probe))));
  const eol = existing ? fileEol(existing.text) : ctx.model.eol;
  const build = (entries: readonly DefaultEntry[], title: string, applicability: 'safe' | 'unsafe'): Fix | null => {
    if (entries.length === 0) return null;
    const lines = entries.map((e) => e.pattern);
    if (!existing) {
      return { title, applicability, edits: [], fileEdits: [{ path: '.dockerignore', create: true, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: lines.map((l) => l + eol).join('') }] }] };
    }
    // Prepended: later lines of the user's file still win, so their exceptions keep working.
    const header = ['# Python defaults', ...lines, ''].map((l) => l + eol).join('');
    return { title, applicability, edits: [], fileEdits: [{ path: existing.path, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: header }] }] };
  };
  const what = existing ? `Add the Python defaults to \`${existing.path}\`` : 'Create `.dockerignore` with the Python defaults';
  const out: Fix[] = [];
  const safe = build(missing, what, 'safe');
  if (safe) out.push(safe);
  if (withEnv && !neededBy(ENV_ENTRY, named, gitNeeded)) {
    const unsafe = build([...missing, ENV_ENTRY], `${what} and \`.env\``, 'unsafe');
    if (unsafe) out.push(unsafe);
  }
  return out;
}

export default defineRule({
  code: 'PYD311',
  name: 'unfiltered-build-context',
  title: 'Keep `.git`, virtual environments, caches and `.env` out of the build context',
  category: 'layers-and-cache',
  defaultSeverity: 'warning',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'sometimes', applicability: 'safe' },
  docs: {
    whatItDoes:
      'When the Dockerfile copies the whole build context (`COPY . .`), a folder or a glob, checks the ignore file Docker reads for it: `<Dockerfile>.dockerignore` next to the Dockerfile, else `.dockerignore` at the root of the context. It reports a missing file, and a file that lets through `.venv`, `__pycache__` folders, `.git` (when the context has one), a `venv` folder holding a virtual environment, or an existing `.env` file. Patterns are matched with Docker\'s rules: `**`, `!` exceptions, the last matching line wins, and a pattern that matches a folder keeps out everything below it. ' +
      'It stays silent when the build context is unknown (an unsaved file) or the ignore file cannot be read, and does not ask to exclude `.git` when the version comes from git (`setuptools-scm`, `hatch-vcs` and similar in `pyproject.toml`) or a RUN runs `git`.',
    whyItMatters:
      'Everything a `COPY . .` reaches is sent to the builder and baked into the image: the whole git history, a virtual environment built on the host for another OS (uv\'s Docker guide requires excluding `.venv`), byte-code caches that change on every run and so bust the layer cache on irrelevant edits, and secrets in `.env` that then sit in every copy of the image.',
    example: 'FROM python:3.12-slim-bookworm\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir .\nCMD ["python", "-m", "app"]',
    exampleFiles: {},
    useInstead: 'FROM python:3.12-slim-bookworm\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir .\nCMD ["python", "-m", "app"]',
    useInsteadFiles: { '.dockerignore': '.git\n.venv\nvenv\n**/__pycache__\n**/*.py[cod]\n.env\n' },
    fixSafety:
      'Creating `.dockerignore` (or adding the missing defaults at its top, so your own later lines and `!` exceptions still win) only keeps out files a Python image does not need: `.git`, `.venv`, `venv`, `__pycache__`, `*.py[cod]`, tool caches (`.pytest_cache`, `.mypy_cache`, `.ruff_cache`, `.tox`, `.nox`, `.coverage`, `htmlcov`), `build`, `dist`, `*.egg-info`, `.idea`, `.vscode` and `node_modules`. A default that would exclude a path the Dockerfile copies or bind-mounts by name (for example `COPY dist/*.whl`) is left out, and so is `.git` when the project takes its version from git. Adding `.env` is a separate, unsafe choice: an application that reads `.env` at start-up (python-dotenv) would lose its settings; pass them with `docker run --env-file` or secrets instead.',
    references: [
      'https://docs.docker.com/build/concepts/context/#dockerignore-files',
      'https://docs.astral.sh/uv/guides/integration/docker/#optimizations',
      'https://docs.docker.com/build/building/best-practices/#exclude-with-dockerignore',
    ],
  },
  check(ctx) {
    const { model, workspace } = ctx;
    if (!workspace) return;
    const copies = broadCopies(model, workspace);
    const first = copies[0];
    if (!first) return;
    const gitNeeded = needsGit(model, workspace);
    const required = requiredEntries(workspace, copies, gitNeeded);
    // Only files the copies would send matter (a `COPY *.py ./` sends no folders at all).
    if (required.length === 0) return;
    const ignore = workspace.dockerignore(ctx.env.dockerfile);
    if (ignore === 'unknown' || ignore?.kind === 'problem') return;
    const named = namedSources(model);
    const hasEnv = required.some((r) => r.unsafeOnly);
    if (ignore === null) {
      const labels = required.map((r) => r.label);
      ctx.report({
        range: first.range,
        message: `There is no \`.dockerignore\`, so \`${first.label}\` also copies ${listLabels(labels)} into the image`,
        fixes: fixes(ctx, null, hasEnv, named, gitNeeded),
      });
      return;
    }
    if (ignore.kind !== 'ok') return;
    const file = ignore.value;
    const missing = required.filter((r) => !r.probes.every((p) => file.excludes(p)) && !r.probes.some((p) => deliberatelyIncluded(file, p)));
    if (missing.length === 0) return;
    const text = workspace.text(ignore.path) ?? '';
    ctx.report({
      range: first.range,
      message: `\`${ignore.path}\` does not exclude ${listLabels(missing.map((r) => r.label))}, which \`${first.label}\` copies into the image`,
      fixes: fixes(ctx, { path: ignore.path, text, file }, missing.some((r) => r.unsafeOnly), named, gitNeeded).filter((f) => f.applicability === 'unsafe' || missing.some((r) => !r.unsafeOnly)),
    });
  },
});
