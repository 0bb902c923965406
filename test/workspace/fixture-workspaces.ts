// The fixture workspaces of test/workspaces/ and what every face (engine, language server, CLI)
// must report on them: one table, asserted three times.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../support/paths';

/** Folder of the fixture workspaces. */
export const WORKSPACES_DIR = path.join(REPO_ROOT, 'test', 'workspaces');

/** The date the tests run at (end-of-life statements depend on it). */
export const TODAY = '2026-11-25';

/** The rules that read the workspace: the tables list their findings only. */
export const WORKSPACE_CODES = ['PYD102', 'PYD108', 'PYD202', 'PYD207', 'PYD215', 'PYD217', 'PYD301', 'PYD311', 'PYD312', 'PYD403', 'PYD409', 'PYD416'];

/** What one Dockerfile of a fixture workspace must produce. */
export interface WorkspaceCase {
  folder: string;
  dockerfile: string;
  /** Findings on the Dockerfile: `CODE line:column` (1-based), sorted. */
  findings: string[];
  /** Findings on other files: `path CODE line:column`, sorted. */
  otherFiles: string[];
  /** Other files safe fix-all creates (`+path`) or changes (`~path`), sorted. */
  safeFiles: string[];
  /** The same including unsafe fixes. */
  unsafeFiles: string[];
}

export const WORKSPACE_CASES: readonly WorkspaceCase[] = [
  {
    folder: 'requirements',
    dockerfile: 'Dockerfile',
    findings: ['PYD202 5:32', 'PYD207 4:35', 'PYD215 4:35', 'PYD301 4:5', 'PYD301 5:5', 'PYD311 3:6', 'PYD312 1:1', 'PYD403 7:13', 'PYD403 7:13', 'PYD409 8:6'],
    otherFiles: ['.gitlab-ci.yml PYD312 6:7', 'docker-entrypoint.sh PYD403 1:1', 'docker-entrypoint.sh PYD403 4:1', 'gunicorn.conf.py PYD409 4:1', 'requirements/base.txt PYD215 1:1'],
    safeFiles: ['+.dockerignore'],
    unsafeFiles: ['+.dockerignore', '~docker-entrypoint.sh'],
  },
  {
    folder: 'requirements',
    dockerfile: 'with-ignore.Dockerfile',
    findings: ['PYD207 5:35', 'PYD215 5:35'],
    otherFiles: ['requirements/base.txt PYD215 1:1'],
    safeFiles: [],
    unsafeFiles: [],
  },
  {
    folder: 'poetry',
    dockerfile: 'Dockerfile',
    findings: ['PYD102 1:13', 'PYD202 5:32', 'PYD301 4:49', 'PYD301 5:5', 'PYD312 1:1'],
    otherFiles: ['Jenkinsfile PYD312 6:13'],
    safeFiles: [],
    unsafeFiles: [],
  },
  {
    folder: 'uv',
    dockerfile: 'Dockerfile',
    findings: ['PYD217 5:5', 'PYD301 5:5', 'PYD311 4:6', 'PYD312 1:1'],
    otherFiles: ['.github/workflows/image.yml PYD312 11:15'],
    safeFiles: ['+.dockerignore'],
    unsafeFiles: ['+.dockerignore'],
  },
  {
    folder: 'pipenv',
    dockerfile: 'Dockerfile',
    findings: ['PYD207 7:5', 'PYD311 12:6'],
    otherFiles: [],
    safeFiles: ['~.dockerignore'],
    unsafeFiles: ['~.dockerignore'],
  },
  {
    folder: 'pip-project',
    dockerfile: 'Dockerfile',
    findings: ['PYD215 4:5', 'PYD301 4:5', 'PYD311 3:6', 'PYD416 3:6'],
    otherFiles: ['gunicorn.conf.py PYD416 2:1'],
    safeFiles: [],
    unsafeFiles: ['~.dockerignore'],
  },
];

let scratch: string | undefined;

/**
 * Copies a fixture workspace into a fresh temporary folder: outside this repository, so its
 * `.git` does not make the repository root the place CI files are read from, and so fixes that
 * write files never touch the fixtures. Removed when the process exits.
 */
export function copyWorkspace(folder: string): string {
  if (scratch === undefined) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pydockerfile-workspaces-'));
    process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));
    scratch = root;
  }
  const dir = fs.mkdtempSync(path.join(scratch, `${folder}-`));
  fs.cpSync(path.join(WORKSPACES_DIR, folder), dir, { recursive: true });
  return dir;
}

/** `CODE line:column` of a finding range (1-based). */
export function at(code: string, range: { start: { line: number; character: number } }): string {
  return `${code} ${range.start.line + 1}:${range.start.character + 1}`;
}
