// Protocol constants and payload types shared by the server and the VS Code client.
// The client imports only types and constants from here, never server runtime code.
import type { Range, TextEdit } from './model/text';
import type { AppliedCount, OptimizeDecision, OptimizeEstimate, SkippedStep } from './optimize/types';

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
/**
 * executeCommand id: computes the Optimize proposal (safe fixes, plus the default decisions when
 * `pydockerfile.optimize.includeUnsafe` is on) and applies it through `workspace/applyEdit`.
 * Run by the "Optimize this Dockerfile" code action in clients that have no Optimize preview of
 * their own (every client but ours); arguments as OPTIMIZE_COMMAND. Answers the applied proposal.
 */
export const OPTIMIZE_APPLY_COMMAND = 'pydockerfile.server.optimizeApply';
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

/**
 * `initializationOptions` a client may send. Our VS Code client is also recognised by its
 * `clientInfo.name`; other clients that implement CLIENT_COMMANDS.optimize say so here.
 */
export interface InitializationOptions {
  /** The client runs CLIENT_COMMANDS.optimize (argument: the document URI) and shows its own preview. */
  optimizePreview?: boolean;
}

/**
 * `Diagnostic.data`: the rule code and the document version the diagnostic belongs to. Fixes
 * are not carried: code actions take them from the server's cached lint of that version, and a
 * diagnostic of another version gets none.
 */
export interface DiagnosticData {
  code: string;
  version: number;
}

/** Arguments of OPTIMIZE_COMMAND and FIX_ALL_COMMAND. */
export interface OptimizeCommandArgs {
  uri: string;
  version: number;
  /** Include unsafe fixes; defaults to the `pydockerfile.optimize.includeUnsafe` setting. */
  includeUnsafe?: boolean;
  /**
   * Optimize only: tick exactly these decisions (ids from `OptimizeCommandResult.decisions`);
   * wins over `includeUnsafe`. Unknown ids are reported in `skipped`.
   */
  decisions?: string[];
  /**
   * Optimize only: also propose changes to other files of the build context (`.dockerignore`,
   * an entry script's `exec`), returned in `fileEdits`. Clients that cannot apply them leave it off.
   */
  otherFiles?: boolean;
}

/**
 * An unsafe step of Optimize the user can tick (docs/optimize.md lists the ids): the engine's
 * decision as it is, so the wire shape cannot drift from what Optimize produces.
 */
export type OptimizeDecisionData = OptimizeDecision;

/** The expected effect of a proposal: figures from a dated table, always presented as an estimate. */
export type OptimizeEstimateData = OptimizeEstimate;

/** A change of another file of the build context that goes with a proposal. */
export interface OptimizeFileEdit {
  /** The file's URI (created when `create` is true). */
  uri: string;
  /** Its path relative to the build context, for display. */
  path: string;
  create: boolean;
  /** Edits against the file's current text (against empty text when created). */
  edits: TextEdit[];
}

export interface OptimizeCommandResult {
  uri: string;
  /** The version the proposal was computed from; apply only if the document still has it. */
  version: number;
  text: string;
  edits: TextEdit[];
  applied: AppliedCount[];
  skipped: SkippedStep[];
  changed: boolean;
  /** Optimize: every unsafe step the file offers, ticked or not (absent for fix-all). */
  decisions?: OptimizeDecisionData[];
  /** Optimize: the expected effect (absent for fix-all). */
  estimate?: OptimizeEstimateData;
  /** Optimize with `otherFiles`: changes of other files that belong to the proposal. */
  fileEdits?: OptimizeFileEdit[];
}

/**
 * Request method: which rules apply to a document under its settings (project file, editor
 * settings, pragmas), for the language status item.
 */
export const RULE_SUMMARY_REQUEST = 'pydockerfile/ruleSummary';

/** Parameters of RULE_SUMMARY_REQUEST. */
export interface RuleSummaryParams {
  uri: string;
}

/** Result of RULE_SUMMARY_REQUEST (null when the document is not open). */
export interface RuleSummaryResult {
  /** Rules registered in this server. */
  total: number;
  /** Rules that run on this document (selected, not ignored, preview only when enabled). */
  enabled: number;
  /** Of the enabled rules, those that offer a quick fix. */
  fixable: number;
  /** Findings in the document's current version, per severity. */
  problems: { error: number; warning: number; info: number; hint: number };
  /** Where the settings came from: a project file's path relative to the workspace, or null for defaults/editor settings only. */
  configFile: string | null;
}

/** Minimal shape re-exported for client code that wants ranges without vscode types. */
export type { Range, TextEdit };
