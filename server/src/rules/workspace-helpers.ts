// Helpers for rules that look at the project around the Dockerfile: the project's Python minor,
// ranges and edits in other files, and the dependencies an image installs from project files.
import { pythonSupportStatus } from '../knowledge/image-info';
import { imageCodenames, NEWEST_STABLE_MINOR, PYTHON_RELEASES, pythonRelease } from '../knowledge/python-releases';
import type { DocumentModel } from '../model/document-model';
import type { Range, TextEdit } from '../model/text';
import { hasVersionSpecifier, pipInstall, requirementName } from '../shell/pip';
import { projectInstalls, requirementsUses, type InstallSite } from '../workspace/dockerfile-files';
import { newestSatisfying } from '../workspace/project-files';
import type { Workspace } from '../workspace/workspace';
import { parsedRuns } from './run-scripts';

/** The Python minor the project asks for, and where that is written. */
export interface ProjectMinor {
  minor: string;
  /** For messages and fix titles: "`.python-version`", "`requires-python` in `pyproject.toml`". */
  source: string;
}

/** CPython minors with published images, newest first, up to the newest stable one. */
function publishedMinors(today: string): string[] {
  const stable = Number((NEWEST_STABLE_MINOR.split('.')[1] ?? '0'));
  return PYTHON_RELEASES.map((r) => r.minor)
    .filter((m) => m.startsWith('3.') && Number(m.split('.')[1]) <= stable && imageCodenames(m) !== undefined && !pythonSupportStatus(m, today)?.ended)
    .sort((a, b) => Number(b.split('.')[1]) - Number(a.split('.')[1]));
}

/**
 * The Python minor of the project: `.python-version` first (the exact minor the developers run),
 * then the newest supported minor that `requires-python` (or Poetry's `python` dependency)
 * allows. Null when neither says anything usable.
 */
export function projectMinor(workspace: Workspace | undefined, today: string, dir = ''): ProjectMinor | null {
  if (!workspace) return null;
  const file = workspace.pythonVersion(dir);
  if (file.kind === 'ok' && file.value !== null && pythonRelease(file.value) !== undefined && imageCodenames(file.value) !== undefined) {
    return { minor: file.value, source: '`.python-version`' };
  }
  const pyproject = workspace.pyproject(dir);
  const spec = pyproject.kind === 'ok' ? pyproject.value.requiresPython : null;
  if (spec === null) return null;
  const minor = newestSatisfying(spec, publishedMinors(today));
  return minor === null ? null : { minor, source: '`requires-python` in `pyproject.toml`' };
}

/** The line ending a file uses (its first one), LF when it has none. */
export function fileEol(text: string): string {
  const i = text.indexOf('\n');
  return i > 0 && text[i - 1] === '\r' ? '\r\n' : '\n';
}

/** A range on one line of another file. */
export function lineRange(line: number, start: number, end: number): Range {
  return { start: { line, character: start }, end: { line, character: Math.max(start, end) } };
}

/** An insertion at a position of another file. */
export function insertion(line: number, character: number, newText: string): TextEdit {
  return { range: lineRange(line, character, character), newText };
}

/** The position just after the last character of a text (where appended lines go). */
export function endPosition(text: string): { line: number; character: number } {
  const lines = text.split('\n');
  return { line: lines.length - 1, character: (lines[lines.length - 1] ?? '').length };
}

/** A Python package the image installs, and where it is installed. */
export interface InstalledPackage {
  /** PEP 503 normalized name. */
  name: string;
  site: InstallSite;
  /** Where the requirement is written: the Dockerfile, or a project file. */
  from: { kind: 'dockerfile' } | { kind: 'file'; path: string; line: number };
  /** The Dockerfile range to report on: the package word, the `-r` file, or the install command. */
  range: Range;
}

/**
 * The packages an image installs that can be named: arguments of `pip install`, the contents of
 * requirements files behind `-r` (with includes), and for project installs (`pip install .`,
 * Poetry, uv, Pipenv, PDM) the dependencies of `pyproject.toml`/`Pipfile` and their lock files.
 */
export function installedPackages(model: DocumentModel, workspace: Workspace | undefined): InstalledPackage[] {
  const out: InstalledPackage[] = [];
  const commandRange = (site: InstallSite): Range => model.text.rangeOf(site.command.start, site.command.end);
  for (const { stage, info, script } of parsedRuns(model)) {
    for (const command of script.commands) {
      const pip = pipInstall(command);
      for (const word of pip?.packages ?? []) {
        if (word.hasExpansion || !/^[A-Za-z0-9]/.test(word.value) || word.value.includes('/') || (word.value.includes(':') && !hasVersionSpecifier(word.value))) continue;
        out.push({ name: requirementName(word.value), site: { info, stage, script, command }, from: { kind: 'dockerfile' }, range: model.text.rangeOf(word.start, word.end) });
      }
    }
  }
  if (!workspace) return out;
  for (const use of requirementsUses(model)) {
    if (use.role !== 'requirements' || use.contextPath === null) continue;
    for (const f of workspace.requirementsTree(use.contextPath).files) {
      if (f.role !== 'requirements') continue;
      for (const e of f.file.entries) {
        if (e.name === null || (e.kind !== 'requirement' && e.kind !== 'url' && e.kind !== 'editable')) continue;
        out.push({ name: e.name, site: use, from: { kind: 'file', path: f.path, line: e.line }, range: model.text.rangeOf(use.word.start, use.word.end) });
      }
    }
  }
  for (const install of projectInstalls(model)) {
    if (install.contextDir === null) continue;
    const dir = install.contextDir;
    const names = new Map<string, { path: string; line: number }>();
    if (install.kind === 'pipenv') {
      const pipfile = workspace.pipfile(dir);
      if (pipfile.kind === 'ok') for (const n of pipfile.value.packages) names.set(n, { path: pipfile.path, line: 0 });
      const lock = workspace.lock('pipenv', dir);
      if (lock.kind === 'ok') for (const n of lock.value.versions.keys()) if (!names.has(n)) names.set(n, { path: lock.path, line: 0 });
    } else {
      const pyproject = workspace.pyproject(dir);
      if (pyproject.kind === 'ok') for (const n of pyproject.value.dependencyNames) names.set(n, { path: pyproject.path, line: 0 });
      const lockKind = install.kind === 'poetry' ? 'poetry' : install.kind === 'uv' ? 'uv' : install.kind === 'pdm' ? 'pdm' : null;
      const lock = lockKind ? workspace.lock(lockKind, dir) : null;
      if (lock?.kind === 'ok') for (const n of lock.value.versions.keys()) if (!names.has(n)) names.set(n, { path: lock.path, line: 0 });
    }
    for (const [name, where] of names) out.push({ name, site: install, from: { kind: 'file', ...where }, range: commandRange(install) });
  }
  return out;
}
