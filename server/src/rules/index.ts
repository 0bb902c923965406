// The rule registry: every rule, in code order. Adding a rule = one import and one list entry.
import type { Rule } from './types';
import fullPythonImageInFinalStage from './full-python-image-in-final-stage';
import floatingPythonTag from './floating-python-tag';
import endOfLifePython from './end-of-life-python';
import pipInstallWithCache from './pip-install-with-cache';
import unpinnedPipPackage from './unpinned-pip-package';
import venvActivationInRun from './venv-activation-in-run';
import dependencyInstallAfterSourceCopy from './dependency-install-after-source-copy';
import aptGetUpdateAlone from './apt-get-update-alone';
import consecutiveRunInstructions from './consecutive-run-instructions';
import addForLocalFiles from './add-for-local-files';
import shellFormCmd from './shell-form-cmd';
import singleQuotedJsonArray from './single-quoted-json-array';
import legacyEnvSyntax from './legacy-env-syntax';
import containerRunsAsRoot from './container-runs-as-root';

/** Where rule documentation pages are published (rendered from docs/rules/ in the repository). */
export const DOCS_BASE_URL = 'https://github.com/pydockerfile/pydockerfile/blob/main/docs/rules/';

export const ALL_RULES: readonly Rule[] = [
  fullPythonImageInFinalStage,
  floatingPythonTag,
  endOfLifePython,
  pipInstallWithCache,
  unpinnedPipPackage,
  venvActivationInRun,
  dependencyInstallAfterSourceCopy,
  aptGetUpdateAlone,
  consecutiveRunInstructions,
  addForLocalFiles,
  shellFormCmd,
  singleQuotedJsonArray,
  legacyEnvSyntax,
  containerRunsAsRoot,
];

const byCode = new Map(ALL_RULES.map((r) => [r.code, r]));
const byName = new Map(ALL_RULES.map((r) => [r.name, r]));

export function ruleByCode(code: string): Rule | undefined {
  return byCode.get(code.toUpperCase());
}

export function ruleByName(name: string): Rule | undefined {
  return byName.get(name);
}

export function docsUrl(rule: Pick<Rule, 'name'>): string {
  return `${DOCS_BASE_URL}${rule.name}.md`;
}
