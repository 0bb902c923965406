// The Optimize and Fix-all commands: argument validation and the proposal for one document.
import { optimize, type OptimizeOptions, type OptimizeResult } from '../engine/optimize';
import { diffEdits } from '../fix/diff';
import type { OptimizeCommandArgs, OptimizeCommandResult, OptimizeFileEdit } from '../protocol';

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? [...(value as string[])] : undefined;
}

/**
 * Validates executeCommand arguments (untrusted JSON): the first argument must be
 * `{ uri: string, version?: number, includeUnsafe?: boolean, decisions?: string[], otherFiles?: boolean }`.
 * A missing version is accepted because the answer always carries the version it was computed
 * from. Malformed optional fields are ignored.
 */
export function readOptimizeArgs(args: readonly unknown[] | undefined): OptimizeCommandArgs | undefined {
  const first: unknown = args?.[0];
  if (typeof first !== 'object' || first === null) return undefined;
  const { uri, version, includeUnsafe, decisions, otherFiles } = first as Record<string, unknown>;
  if (typeof uri !== 'string' || uri === '') return undefined;
  const ids = stringList(decisions);
  const parsed: OptimizeCommandArgs = {
    uri,
    version: typeof version === 'number' ? version : -1,
    ...(typeof includeUnsafe === 'boolean' ? { includeUnsafe } : {}),
    ...(ids ? { decisions: ids } : {}),
    ...(typeof otherFiles === 'boolean' ? { otherFiles } : {}),
  };
  return parsed;
}

/** The current state of the document the command runs on. */
export interface OptimizeTarget {
  uri: string;
  version: number;
  text: string;
}

/**
 * The URI of a build-context file: the context is the Dockerfile's folder, or the folder
 * `dockerfile` (the Dockerfile's path inside the context) says. Undefined for documents
 * without a folder (untitled).
 */
export function contextFileUri(documentUri: string, path: string, dockerfile?: string): string | undefined {
  const slash = documentUri.lastIndexOf('/');
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(documentUri) || slash < 0) return undefined;
  const depth = dockerfile ? dockerfile.split('/').filter((s) => s !== '').length : 1;
  let root = documentUri;
  for (let i = 0; i < depth; i++) root = root.slice(0, root.lastIndexOf('/'));
  // `file:///Dockerfile` has the root folder `file://` (+ `/.dockerignore`); less than that is no folder.
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(root)) return undefined;
  return `${root}/${path.split('/').map(encodeURIComponent).join('/')}`;
}

/** Protocol form of the other files of a proposal; files whose URI is unknown are left out. */
function fileEditsOf(target: OptimizeTarget, result: OptimizeResult, dockerfile: string | undefined): OptimizeFileEdit[] {
  const out: OptimizeFileEdit[] = [];
  for (const change of result.files) {
    const uri = contextFileUri(target.uri, change.path, dockerfile);
    if (uri === undefined) continue;
    out.push({ uri, path: change.path, create: change.created, edits: diffEdits(change.before, change.after) });
  }
  return out;
}

/**
 * The Optimize proposal for the document's current text, at the safe level, with the unsafe
 * decisions `includeUnsafe` ticks by default, or with exactly the decisions the client sent.
 * The result names the version it was computed from, which may be newer than the one the
 * client asked about; the client applies it only if that version still holds.
 */
export function optimizeDocument(target: OptimizeTarget, options: OptimizeOptions): OptimizeCommandResult {
  const result = optimize(target.text, options);
  const fileEdits = options.otherFiles === true ? fileEditsOf(target, result, options.env?.dockerfile) : [];
  return {
    uri: target.uri,
    version: target.version,
    text: result.text,
    edits: result.edits,
    applied: result.applied,
    skipped: result.skipped,
    changed: result.text !== target.text || fileEdits.length > 0,
    decisions: result.decisions,
    estimate: result.estimate,
    ...(fileEdits.length > 0 ? { fileEdits } : {}),
  };
}

/** An answer that changes nothing and says why (disabled for the document, internal failure). */
export function unchangedResult(target: OptimizeTarget, reason: string): OptimizeCommandResult {
  return { uri: target.uri, version: target.version, text: target.text, edits: [], applied: [], skipped: [{ step: 'all', reason }], changed: false };
}

/** The answer for a document on which the user disabled the extension: nothing changes. */
export function disabledResult(target: OptimizeTarget): OptimizeCommandResult {
  return unchangedResult(target, 'pydockerfile is disabled for this document (`pydockerfile.enable` is false)');
}
