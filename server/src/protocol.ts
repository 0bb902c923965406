// Protocol constants and payload types shared by the server and the VS Code client.
// The client imports only types and constants from here, never server runtime code.
import type { Range, TextEdit } from './model/text';

/** executeCommand id: returns the Optimize proposal for a document (see OptimizeCommandResult). */
export const OPTIMIZE_COMMAND = 'pydockerfile.server.optimize';
/** executeCommand id: returns the safe fix-all edits for a document. */
export const FIX_ALL_COMMAND = 'pydockerfile.server.fixAll';
/**
 * executeCommand id: opens a rule's documentation page (argument: the URL) through
 * `window/showDocument`. Distinct from the client's own command id, because
 * vscode-languageclient registers server commands under their id and ids must not clash.
 */
export const SHOW_DOCUMENTATION_COMMAND = 'pydockerfile.server.showDocumentation';
/** Code action kind for fix-all on save (`editor.codeActionsOnSave`). */
export const FIX_ALL_CODE_ACTION_KIND = 'source.fixAll.pydockerfile';
/** Diagnostic `source` field. */
export const DIAGNOSTIC_SOURCE = 'pydockerfile';
/** Settings section. */
export const SETTINGS_SECTION = 'pydockerfile';

/** Client command ids (contributed in package.json). */
export const CLIENT_COMMANDS = {
  optimize: 'pydockerfile.optimizeDockerfile',
  fixAll: 'pydockerfile.fixAll',
  restartServer: 'pydockerfile.restartServer',
  showOutput: 'pydockerfile.showOutputChannel',
} as const;

/** A fix as carried in `Diagnostic.data`. */
export interface FixData {
  title: string;
  applicability: 'safe' | 'unsafe';
  edits: TextEdit[];
}

/** `Diagnostic.data`: fixes are only usable while the document version is unchanged. */
export interface DiagnosticData {
  code: string;
  version: number;
  fixes: FixData[];
}

/** Arguments of OPTIMIZE_COMMAND and FIX_ALL_COMMAND. */
export interface OptimizeCommandArgs {
  uri: string;
  version: number;
  /** Include unsafe fixes; defaults to the `pydockerfile.optimize.includeUnsafe` setting. */
  includeUnsafe?: boolean;
}

export interface OptimizeCommandResult {
  uri: string;
  /** The version the proposal was computed from; apply only if the document still has it. */
  version: number;
  text: string;
  edits: TextEdit[];
  applied: { code: string; count: number }[];
  skipped: { step: string; reason: string }[];
  changed: boolean;
}

/** Minimal shape re-exported for client code that wants ranges without vscode types. */
export type { Range, TextEdit };
