// The rule registry: every rule, in code order. Adding a rule = one import and one list entry.
import type { Rule } from './types';
import unknownCodeInPragma from './unknown-code-in-pragma';
import unusedPragma from './unused-pragma';
import invalidInstruction from './invalid-instruction';
import fullPythonImageInFinalStage from './full-python-image-in-final-stage';
import floatingPythonTag from './floating-python-tag';
import endOfLifePython from './end-of-life-python';
import unsupportedDebianRelease from './unsupported-debian-release';
import alpineBaseImage from './alpine-base-image';
import floatingBaseImageTag from './floating-base-image-tag';
import baseImageWithoutDigest from './base-image-without-digest';
import incompatibleEnvironmentCopy from './incompatible-environment-copy';
import pipInstallWithCache from './pip-install-with-cache';
import unpinnedPipPackage from './unpinned-pip-package';
import pipInstallWithoutRequirement from './pip-install-without-requirement';
import editableInstallInImage from './editable-install-in-image';
import pipInstallUser from './pip-install-user';
import buildToolchainInFinalImage from './build-toolchain-in-final-image';
import psycopg2WithoutLibpq from './psycopg2-without-libpq';
import venvActivationInRun from './venv-activation-in-run';
import unusedVirtualEnvironment from './unused-virtual-environment';
import poetryExportPitfalls from './poetry-export-pitfalls';
import poetryInstallWithDevDependencies from './poetry-install-with-dev-dependencies';
import poetryVenvOutsideProject from './poetry-venv-outside-project';
import pipenvUnlockedOrShipped from './pipenv-unlocked-or-shipped';
import uvIntegrationPitfalls from './uv-integration-pitfalls';
import unlockedDependencies from './unlocked-dependencies';
import packageIndexMisconfiguration from './package-index-misconfiguration';
import unreadableProjectFile from './unreadable-project-file';
import pipIntoSystemPython from './pip-into-system-python';
import dependencyInstallAfterSourceCopy from './dependency-install-after-source-copy';
import aptGetUpdateAlone from './apt-get-update-alone';
import aptListsNotRemoved from './apt-lists-not-removed';
import aptInstallWithRecommends from './apt-install-with-recommends';
import aptInstallWithoutYes from './apt-install-without-yes';
import apkAddWithCache from './apk-add-with-cache';
import consecutiveRunInstructions from './consecutive-run-instructions';
import chmodChownAfterCopy from './chmod-chown-after-copy';
import systemInstallAfterSourceCopy from './system-install-after-source-copy';
import installWithoutCacheMount from './install-without-cache-mount';
import unfilteredBuildContext from './unfiltered-build-context';
import ciBuildWithoutCache from './ci-build-without-cache';
import addForLocalFiles from './add-for-local-files';
import pipeWithoutPipefail from './pipe-without-pipefail';
import shellFormCmd from './shell-form-cmd';
import singleQuotedJsonArray from './single-quoted-json-array';
import entryScriptWithoutExec from './entry-script-without-exec';
import multiProcessWithoutInit from './multi-process-without-init';
import missingPythonRuntimeEnv from './missing-python-runtime-env';
import bytecodeNotPrecompiled from './bytecode-not-precompiled';
import hardCodedServerOptions from './hard-coded-server-options';
import gunicornHeartbeatOnDisk from './gunicorn-heartbeat-on-disk';
import gunicornWorkersFromHostCpus from './gunicorn-workers-from-host-cpus';
import devServerOrDebugSettings from './dev-server-or-debug-settings';
import implicitWorkingDirectory from './implicit-working-directory';
import legacyEnvSyntax from './legacy-env-syntax';
import duplicateArg from './duplicate-arg';
import argWrittenLikeEnv from './arg-written-like-env';
import serviceWithoutHealthcheck from './service-without-healthcheck';
import exposeBindPortMismatch from './expose-bind-port-mismatch';
import logFilesInContainer from './log-files-in-container';
import inconsistentStageNaming from './inconsistent-stage-naming';
import containerRunsAsRoot from './container-runs-as-root';
import nonNumericUser from './non-numeric-user';
import rootOwnedCopy from './root-owned-copy';
import secretInArgOrEnv from './secret-in-arg-or-env';

/** Where rule documentation pages are published (rendered from docs/rules/ in the repository). */
export const DOCS_BASE_URL = 'https://github.com/pydockerfile/pydockerfile/blob/main/docs/rules/';

export const ALL_RULES: readonly Rule[] = [
  unknownCodeInPragma,
  unusedPragma,
  invalidInstruction,
  fullPythonImageInFinalStage,
  floatingPythonTag,
  endOfLifePython,
  unsupportedDebianRelease,
  alpineBaseImage,
  floatingBaseImageTag,
  baseImageWithoutDigest,
  incompatibleEnvironmentCopy,
  pipInstallWithCache,
  unpinnedPipPackage,
  pipInstallWithoutRequirement,
  editableInstallInImage,
  pipInstallUser,
  buildToolchainInFinalImage,
  psycopg2WithoutLibpq,
  venvActivationInRun,
  unusedVirtualEnvironment,
  poetryExportPitfalls,
  poetryInstallWithDevDependencies,
  poetryVenvOutsideProject,
  pipenvUnlockedOrShipped,
  uvIntegrationPitfalls,
  unlockedDependencies,
  packageIndexMisconfiguration,
  unreadableProjectFile,
  pipIntoSystemPython,
  dependencyInstallAfterSourceCopy,
  aptGetUpdateAlone,
  aptListsNotRemoved,
  aptInstallWithRecommends,
  aptInstallWithoutYes,
  apkAddWithCache,
  consecutiveRunInstructions,
  chmodChownAfterCopy,
  systemInstallAfterSourceCopy,
  installWithoutCacheMount,
  unfilteredBuildContext,
  ciBuildWithoutCache,
  addForLocalFiles,
  pipeWithoutPipefail,
  shellFormCmd,
  singleQuotedJsonArray,
  entryScriptWithoutExec,
  multiProcessWithoutInit,
  missingPythonRuntimeEnv,
  bytecodeNotPrecompiled,
  hardCodedServerOptions,
  gunicornHeartbeatOnDisk,
  gunicornWorkersFromHostCpus,
  devServerOrDebugSettings,
  implicitWorkingDirectory,
  legacyEnvSyntax,
  duplicateArg,
  argWrittenLikeEnv,
  serviceWithoutHealthcheck,
  exposeBindPortMismatch,
  logFilesInContainer,
  inconsistentStageNaming,
  containerRunsAsRoot,
  nonNumericUser,
  rootOwnedCopy,
  secretInArgOrEnv,
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
