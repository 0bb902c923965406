// Typed read of the settings the client itself acts on, and the settings that need a server restart.
import * as vscode from 'vscode';
import { SETTINGS_SECTION } from '../../server/src/protocol';

/** Client-side view of `pydockerfile.*`; the server pulls the rest on its own, per document. */
export interface ClientConfig {
  /** `pydockerfile.optimize.includeUnsafe`: Optimize proposes unsafe fixes as well. */
  includeUnsafe: boolean;
  /** `pydockerfile.optimize.showPreview`: show the diff and ask before applying. */
  showPreview: boolean;
}

const DEFAULTS: ClientConfig = { includeUnsafe: false, showPreview: true };

/**
 * Settings (relative to `pydockerfile.`) that the running server cannot pick up by pulling
 * configuration again, so changing one offers a restart (rust-analyzer's `requiresReloadOpts`).
 * Empty today: every server setting is pulled per document, and `trace.server` is handled by
 * vscode-languageclient live.
 */
export const RESTART_REQUIRED: readonly string[] = [];

/**
 * Reads the client settings for `scope` (a document URI, since both settings are
 * resource-scoped), falling back to the defaults for values of the wrong type.
 */
export function readClientConfig(scope?: vscode.Uri): ClientConfig {
  const section = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
  return {
    includeUnsafe: booleanOr(section.get<unknown>('optimize.includeUnsafe'), DEFAULTS.includeUnsafe),
    showPreview: booleanOr(section.get<unknown>('optimize.showPreview'), DEFAULTS.showPreview),
  };
}

/** True when the change touches a setting listed in {@link RESTART_REQUIRED}. */
export function changeNeedsRestart(event: vscode.ConfigurationChangeEvent): boolean {
  return RESTART_REQUIRED.some((key) => event.affectsConfiguration(`${SETTINGS_SECTION}.${key}`));
}

// Settings are user-edited JSON: a hand-written `"true"` must not flip behaviour by truthiness.
function booleanOr(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}
