// The build context of open Dockerfiles for the language server: one cached workspace model per
// context folder, invalidated by file-watcher events, plus read-only file access for rules.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { findRepositoryRoot, nodeWorkspaceFs } from '../workspace/node-fs';
import { Workspace } from '../workspace/workspace';
import type { WorkspaceFs } from '../workspace/workspace-fs';

/** Files larger than this are not something a rule should parse (lock files stay well below). */
const MAX_CONTEXT_FILE_BYTES = 2 * 1024 * 1024;

/**
 * Glob patterns of the build-context files rules may read (manifests, lock files, ignore
 * files). The server asks clients to watch them so results do not go stale when they change.
 */
export const CONTEXT_FILE_GLOBS: readonly string[] = [
  '**/requirements*.txt',
  '**/requirements*.in',
  '**/constraints*.txt',
  '**/pyproject.toml',
  '**/poetry.lock',
  '**/uv.lock',
  '**/pdm.lock',
  '**/Pipfile',
  '**/Pipfile.lock',
  '**/setup.py',
  '**/setup.cfg',
  '**/.python-version',
  '**/.dockerignore',
  '**/*.dockerignore',
  '**/.env',
  '**/gunicorn.conf.py',
  '**/*.sh',
  '**/.gitlab-ci.yml',
  '**/.github/workflows/*.{yml,yaml}',
  '**/Jenkinsfile',
  '**/bitbucket-pipelines.yml',
];

/** The folder of a `file:` URI, or undefined for other schemes (untitled, virtual files). */
export function contextFolderOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return path.dirname(fileURLToPath(uri));
  } catch {
    return undefined;
  }
}

/**
 * A reader for files of the build context of the Dockerfile at `uri`: relative paths are
 * resolved against its folder; absolute paths, paths leaving the folder (Docker cannot COPY
 * them either), directories, unreadable and oversized files all read as undefined. Reads are
 * synchronous (rules are synchronous) and memoized for the reader's lifetime, so one lint
 * run sees one consistent snapshot. Nothing is ever written.
 */
export function contextReader(uri: string): ((relativePath: string) => string | undefined) | undefined {
  const folder = contextFolderOf(uri);
  if (folder === undefined) return undefined;
  const memo = new Map<string, string | undefined>();
  return (relativePath) => {
    if (memo.has(relativePath)) return memo.get(relativePath);
    const content = readInside(folder, relativePath);
    memo.set(relativePath, content);
    return content;
  };
}

function readInside(folder: string, relativePath: string): string | undefined {
  if (relativePath === '' || path.isAbsolute(relativePath) || relativePath.includes('\0')) return undefined;
  const full = path.resolve(folder, relativePath);
  const relative = path.relative(folder, full);
  if (relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return undefined;
  try {
    const stat = fs.statSync(full);
    if (!stat.isFile() || stat.size > MAX_CONTEXT_FILE_BYTES) return undefined;
    return fs.readFileSync(full, 'utf8');
  } catch {
    return undefined;
  }
}

/** The workspace of one open Dockerfile. */
export interface DocumentWorkspace {
  workspace: Workspace;
  /** The Dockerfile's path relative to its build context (its file name: the context is its folder). */
  dockerfile: string;
  /** Absolute path of the build context folder. */
  context: string;
}

/** How the store reaches the disk; tests inject counting or in-memory file systems. */
export interface WorkspaceStoreOptions {
  /** The file system of a folder (defaults to the real one). */
  fs?: (root: string) => WorkspaceFs;
  /** The repository root above a context, where CI files live (defaults to the nearest `.git`). */
  repositoryRoot?: (context: string) => string;
}

interface Cached {
  workspace: Workspace;
  context: string;
  repository: string;
}

function isInside(file: string, folder: string): string | null {
  const rel = path.relative(folder, file);
  if (rel === '') return '';
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
  return rel.split(path.sep).join('/');
}

/**
 * One workspace model per build context folder, shared by every Dockerfile in it and kept
 * across edits of the Dockerfiles: linting again reads no file again. File-watcher events
 * invalidate exactly the files they name (and the folder listings that contain them).
 */
export class WorkspaceStore {
  /** Build contexts kept, most recently used last; the editor works in a few at a time. */
  static readonly CAPACITY = 32;
  private readonly contexts = new Map<string, Cached>();
  private readonly repositories = new Map<string, Workspace>();
  private readonly makeFs: (root: string) => WorkspaceFs;
  private readonly repositoryRoot: (context: string) => string;

  constructor(options: WorkspaceStoreOptions = {}) {
    this.makeFs = options.fs ?? ((root) => nodeWorkspaceFs(root));
    this.repositoryRoot = options.repositoryRoot ?? findRepositoryRoot;
  }

  /** The workspace of the Dockerfile at `uri`, or undefined for documents without a folder. */
  workspaceFor(uri: string): DocumentWorkspace | undefined {
    const folder = contextFolderOf(uri);
    if (folder === undefined) return undefined;
    let cached = this.contexts.get(folder);
    if (!cached) {
      const repository = this.repositoryRoot(folder);
      const inRepo = isInside(folder, repository);
      let workspace: Workspace;
      if (inRepo === null || inRepo === '') workspace = new Workspace(this.makeFs(folder));
      else {
        let repo = this.repositories.get(repository);
        if (!repo) {
          repo = new Workspace(this.makeFs(repository));
          this.repositories.set(repository, repo);
        }
        workspace = new Workspace(this.makeFs(folder), { repository: { workspace: repo, contextPath: inRepo } });
      }
      cached = { workspace, context: folder, repository: inRepo === null ? folder : repository };
    }
    this.contexts.delete(folder);
    this.contexts.set(folder, cached);
    for (const key of this.contexts.keys()) {
      if (this.contexts.size <= WorkspaceStore.CAPACITY) break;
      this.contexts.delete(key);
    }
    return { workspace: cached.workspace, dockerfile: path.basename(fileURLToPath(uri)), context: folder };
  }

  /** The `file:` URI of a path relative to a document's build context. */
  fileUri(documentUri: string, relativePath: string): string | undefined {
    const folder = contextFolderOf(documentUri);
    if (folder === undefined) return undefined;
    return pathToFileURL(path.join(folder, ...relativePath.split('/'))).href;
  }

  /**
   * Forgets what the given files held (watcher events): each cached workspace and repository
   * that contains one of them drops it. Returns whether any cached workspace was affected.
   */
  changed(uris: readonly string[]): boolean {
    let affected = false;
    for (const uri of uris) {
      if (!uri.startsWith('file:')) continue;
      let file: string;
      try {
        file = fileURLToPath(uri);
      } catch {
        continue;
      }
      for (const cached of this.contexts.values()) {
        const rel = isInside(file, cached.context);
        if (rel === null) continue;
        cached.workspace.invalidate(rel === '' ? undefined : [rel]);
        affected = true;
      }
      for (const [root, repo] of this.repositories) {
        const rel = isInside(file, root);
        if (rel === null) continue;
        repo.invalidate(rel === '' ? undefined : [rel]);
        affected = true;
      }
    }
    return affected;
  }

  /** Drops every cached workspace (for example when the client cannot watch files). */
  clear(): void {
    this.contexts.clear();
    this.repositories.clear();
  }
}

/** A publishDiagnostics notification to send. */
export interface RelatedPublish<D> {
  uri: string;
  diagnostics: D[];
}

/**
 * Diagnostics that Dockerfiles report on other files (entry scripts, requirements files, CI
 * files). They are pushed with `textDocument/publishDiagnostics` for those files, which editors
 * show in the Problems panel even while the file is closed; pull diagnostics only cover open
 * documents. Several Dockerfiles may report on one file: each file gets the union, and a file
 * is published again only when its union changes (cleared when no Dockerfile reports on it).
 */
export class RelatedDiagnostics<D> {
  private readonly byDocument = new Map<string, Map<string, D[]>>();
  private readonly sent = new Map<string, string>();

  constructor(private readonly key: (diagnostic: D) => string) {}

  /** Records what a Dockerfile reports on other files; returns the notifications to send. */
  update(documentUri: string, perFile: ReadonlyMap<string, D[]>): RelatedPublish<D>[] {
    const before = new Set(this.byDocument.get(documentUri)?.keys() ?? []);
    if (perFile.size === 0) this.byDocument.delete(documentUri);
    else this.byDocument.set(documentUri, new Map(perFile));
    return this.publishes(new Set([...before, ...perFile.keys()]));
  }

  /** Forgets a closed Dockerfile; returns the notifications that clear or shrink its files. */
  remove(documentUri: string): RelatedPublish<D>[] {
    const files = new Set(this.byDocument.get(documentUri)?.keys() ?? []);
    this.byDocument.delete(documentUri);
    return this.publishes(files);
  }

  private publishes(files: ReadonlySet<string>): RelatedPublish<D>[] {
    const out: RelatedPublish<D>[] = [];
    for (const uri of files) {
      const union = new Map<string, D>();
      for (const perFile of this.byDocument.values()) for (const d of perFile.get(uri) ?? []) union.set(this.key(d), d);
      const diagnostics = [...union.values()];
      const signature = [...union.keys()].sort().join('\n');
      if ((this.sent.get(uri) ?? '') === signature) continue;
      if (diagnostics.length === 0) this.sent.delete(uri);
      else this.sent.set(uri, signature);
      out.push({ uri, diagnostics });
    }
    return out;
  }
}
