// The build context of a Dockerfile on the command line (`--context DIR`, default its folder):
// the workspace model the rules read, and where the files that fixes change live.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FileChange } from '../fix/apply';
import { findRepositoryRoot, nodeWorkspaceFs, type DiskSnapshot } from '../workspace/node-fs';
import { Workspace } from '../workspace/workspace';
import { lastValue, type OptionSpec, type ParsedArgs } from './args';
import { UsageError } from './io';
import { diffPath, unifiedDiff } from './unified-diff';

/** `--context DIR`: the build context folder (default: the Dockerfile's folder). */
export const CONTEXT_OPTION: OptionSpec = { name: 'context', takesValue: true };

/**
 * What one CLI run remembers about the disk: repository roots (a run does not create `.git`),
 * and with `snapshot` the folder listings of a run that writes no files.
 */
export class RunDisk {
  /** The repository root of each context folder asked about. */
  readonly repositoryRoots = new Map<string, string>();
  /** Whether a folder holds `.git`, per folder. */
  readonly gitFolders = new Map<string, boolean>();

  constructor(readonly snapshot?: DiskSnapshot) {}
}

/** The build context of one Dockerfile. */
export interface CliContext {
  /** Absolute path of the context folder. */
  dir: string;
  /** The Dockerfile's path relative to the context, with `/` (may start with `../`). */
  dockerfile: string;
  workspace: Workspace;
}

/** The `--context` folder given on the command line (resolved), or undefined; a bad folder is a usage error. */
export function contextOption(args: ParsedArgs, cwd: string): string | undefined {
  const value = lastValue(args, 'context', '');
  if (value === '') return undefined;
  const dir = path.resolve(cwd, value);
  let isDir = false;
  try {
    isDir = fs.statSync(dir).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new UsageError(`\`--context ${value}\` is not a folder`);
  return dir;
}

/**
 * The workspace for a Dockerfile: its context folder (`--context`, else its own folder), and for
 * CI files the repository root above it (the nearest folder with `.git`). A fresh model per call,
 * so a lint after written fixes sees the new files (a run that writes has no `run.snapshot`).
 */
export function cliContext(dockerfile: string, contextDir: string | undefined, run: RunDisk = new RunDisk()): CliContext {
  const dir = contextDir ?? path.dirname(dockerfile);
  // Checking a tree of Dockerfiles asks for the same folders again and again.
  let repository = run.repositoryRoots.get(dir);
  if (repository === undefined) {
    repository = findRepositoryRoot(dir, undefined, run.gitFolders, run.snapshot);
    run.repositoryRoots.set(dir, repository);
  }
  // Most contexts are their own repository root (or have none): nothing to compute then.
  const inRepository = repository === dir ? '' : path.relative(repository, dir).split(path.sep).join('/');
  // Snapshots: nothing writes while this workspace is read (a lint after `--fix` gets a new one).
  const options = { snapshot: true, shared: run.snapshot };
  const workspace =
    repository === dir || inRepository.startsWith('..')
      ? new Workspace(nodeWorkspaceFs(dir, options))
      : new Workspace(nodeWorkspaceFs(dir, options), { repository: { fs: nodeWorkspaceFs(repository, options), contextPath: inRepository } });
  // In its own folder (no `--context`) the Dockerfile's context path is its name.
  const inContext = contextDir === undefined ? path.basename(dockerfile) : path.relative(dir, dockerfile).split(path.sep).join('/');
  return { dir, dockerfile: inContext, workspace };
}

/** Where a context-relative path is on disk, and how to show it (relative to the working folder). */
export function contextFile(context: CliContext, relative: string, cwd: string): { file: string; absolute: string } {
  const absolute = path.join(context.dir, ...relative.split('/'));
  const shown = path.relative(cwd, absolute);
  return { file: shown === '' ? '.' : shown, absolute };
}

/** A unified diff of a changed file of the context; a created file is diffed against `/dev/null`. */
export function contextFileDiff(shown: string, change: FileChange): string {
  const name = diffPath(shown);
  return unifiedDiff(change.before, change.after, change.created ? '/dev/null' : `a/${name}`, `b/${name}`);
}
