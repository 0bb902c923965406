// The Optimize and Fix-all commands: argument validation and the proposal for one document.
import { optimize, type OptimizeOptions } from '../engine/optimize';
import type { OptimizeCommandArgs, OptimizeCommandResult } from '../protocol';

/**
 * Validates executeCommand arguments (untrusted JSON): the first argument must be
 * `{ uri: string, version?: number, includeUnsafe?: boolean }`. A missing version is accepted
 * because the answer always carries the version it was computed from.
 */
export function readOptimizeArgs(args: readonly unknown[] | undefined): OptimizeCommandArgs | undefined {
  const first: unknown = args?.[0];
  if (typeof first !== 'object' || first === null) return undefined;
  const { uri, version, includeUnsafe } = first as Record<string, unknown>;
  if (typeof uri !== 'string' || uri === '') return undefined;
  return {
    uri,
    version: typeof version === 'number' ? version : -1,
    ...(typeof includeUnsafe === 'boolean' ? { includeUnsafe } : {}),
  };
}

/** The current state of the document the command runs on. */
export interface OptimizeTarget {
  uri: string;
  version: number;
  text: string;
}

/**
 * The Optimize proposal for the document's current text, at the safe level or including
 * unsafe fixes. The result names the version it was computed from, which may be newer than
 * the one the client asked about; the client applies it only if that version still holds.
 */
export function optimizeDocument(target: OptimizeTarget, options: OptimizeOptions): OptimizeCommandResult {
  const result = optimize(target.text, options);
  return { uri: target.uri, version: target.version, ...result };
}

/** An answer that changes nothing and says why (disabled for the document, internal failure). */
export function unchangedResult(target: OptimizeTarget, reason: string): OptimizeCommandResult {
  return { uri: target.uri, version: target.version, text: target.text, edits: [], applied: [], skipped: [{ step: 'all', reason }], changed: false };
}

/** The answer for a document on which the user disabled the extension: nothing changes. */
export function disabledResult(target: OptimizeTarget): OptimizeCommandResult {
  return unchangedResult(target, 'pydockerfile is disabled for this document (`pydockerfile.enable` is false)');
}
