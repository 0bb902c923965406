// `check --format sarif`: a SARIF 2.1.0 log (GitHub code scanning, Azure DevOps, IDE viewers).
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding } from '../engine/lint';
import { chooseFix } from '../fix/apply';
import { docsUrl } from '../rules/index';
import type { Range, TextEdit } from '../model/text';
import type { Rule, Severity } from '../rules/types';
import type { CheckedFile } from './format';
import { pathUnderRoot } from './report-root';

/** Where the tool is documented, for `tool.driver.informationUri`. */
export const INFORMATION_URI = 'https://github.com/pydockerfile/pydockerfile';
/** The schema reference the SARIF spec recommends producers write into the log. */
export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
/** The base id relative artifact URIs hang off: the repository root (see reportRoot). */
const SRCROOT = '%SRCROOT%';

/** SARIF `level` for our severities: SARIF has no hint, and `note` is its advice level. */
const LEVELS: Readonly<Record<Severity, 'error' | 'warning' | 'note'>> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/** Inputs of the log besides the checked files. */
export interface SarifOptions {
  /** The tool version (`tool.driver.version`). */
  version: string;
  /** The working folder: relative paths are relative to it. */
  cwd: string;
  /**
   * The folder artifact URIs are relative to (%SRCROOT%): the repository root, since GitHub
   * code scanning reads a relative URI as a path in the repository. Default: `cwd`.
   */
  root?: string;
  /** The rules that ran (their descriptors go into the log; removed ones are left out). */
  rules: readonly Rule[];
  /** False when some input could not be checked (`invocations[0].executionSuccessful`). */
  successful: boolean;
}

interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

interface SarifArtifactLocation {
  uri: string;
  uriBaseId?: string;
}

/** SARIF regions are 1-based and the end column points just past the region, like LSP's exclusive end. */
function region(range: Range): SarifRegion {
  return { startLine: range.start.line + 1, startColumn: range.start.character + 1, endLine: range.end.line + 1, endColumn: range.end.character + 1 };
}

/** A file under the root becomes a URI reference under %SRCROOT%; any other a `file:` URI. */
function artifactLocation(file: CheckedFile, cwd: string, root: string): SarifArtifactLocation {
  const target = file.absolute ?? path.resolve(cwd, file.file);
  // Standard input without --stdin-filename has no path: its name `-` is kept as it is.
  const relative = file.absolute === undefined ? file.file.replace(/\\/g, '/') : pathUnderRoot(target, root);
  if (relative !== undefined) return { uri: relative.split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
  return { uri: pathToFileURL(target).href };
}

/** The rule's descriptor: ids, descriptions, help text and link, default level, category tag. */
function ruleDescriptor(rule: Rule): Record<string, unknown> {
  return {
    id: rule.code,
    name: rule.name,
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.docs.whatItDoes },
    help: {
      text: `${rule.docs.whyItMatters}\n\nUse instead:\n${rule.docs.useInstead}`,
      markdown: `${rule.docs.whyItMatters}\n\nUse instead:\n\n\`\`\`dockerfile\n${rule.docs.useInstead}\n\`\`\`\n\n[Documentation](${docsUrl(rule)})`,
    },
    helpUri: docsUrl(rule),
    defaultConfiguration: { level: LEVELS[rule.defaultSeverity], enabled: rule.status === 'stable' },
    properties: { tags: [rule.category], status: rule.status },
  };
}

function replacements(edits: readonly TextEdit[]): Record<string, unknown>[] {
  return [...edits]
    .sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character)
    .map((edit) => ({ deletedRegion: region(edit.range), insertedContent: { text: edit.newText } }));
}

/**
 * The fix `--fix` would apply at the file's level, as a SARIF fix: one artifact change for the
 * file itself, and one per other file of the build context the fix edits or creates (a new
 * file is an insertion at 1:1 of an empty one).
 */
function sarifFixes(finding: Finding, location: SarifArtifactLocation, file: CheckedFile, cwd: string, root: string): Record<string, unknown>[] {
  const fix = chooseFix(finding, file.level);
  if (!fix) return [];
  const changes: Record<string, unknown>[] = [];
  if (fix.edits.length > 0) changes.push({ artifactLocation: location, replacements: replacements(fix.edits) });
  const folder = path.dirname(file.absolute ?? path.resolve(cwd, file.file));
  for (const other of fix.fileEdits ?? []) {
    if (other.edits.length === 0) continue;
    const target = path.join(folder, ...other.path.split('/'));
    changes.push({ artifactLocation: artifactLocation({ ...file, file: path.relative(cwd, target), absolute: target }, cwd, root), replacements: replacements(other.edits) });
  }
  if (changes.length === 0) return [];
  return [{ description: { text: fix.title }, artifactChanges: changes, properties: { applicability: fix.applicability } }];
}

/** The whole SARIF log as a JSON value (one run). */
export function toSarif(files: readonly CheckedFile[], options: SarifOptions): Record<string, unknown> {
  const rules = options.rules.filter((r) => r.status !== 'removed');
  const ruleIndex = new Map(rules.map((r, i) => [r.code, i]));
  const root = options.root ?? options.cwd;
  const results = files.flatMap((file) => {
    const location = artifactLocation(file, options.cwd, root);
    return file.findings.map((finding) => {
      const index = ruleIndex.get(finding.code);
      const fixes = sarifFixes(finding, location, file, options.cwd, root);
      return {
        ruleId: finding.code,
        ...(index !== undefined ? { ruleIndex: index } : {}),
        level: LEVELS[finding.severity],
        message: { text: finding.message },
        locations: [{ physicalLocation: { artifactLocation: location, region: region(finding.range) } }],
        ...(fixes.length > 0 ? { fixes } : {}),
        properties: { severity: finding.severity },
      };
    });
  });
  const semver = /^\d+\.\d+\.\d+(?:[-+].*)?$/.test(options.version);
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'pydockerfile',
            informationUri: INFORMATION_URI,
            version: options.version,
            ...(semver ? { semanticVersion: options.version } : {}),
            rules: rules.map(ruleDescriptor),
          },
        },
        invocations: [{ executionSuccessful: options.successful }],
        originalUriBaseIds: { [SRCROOT]: { uri: `${pathToFileURL(root).href.replace(/\/?$/, '/')}` } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

/** The log as the command prints it. */
export function formatSarif(files: readonly CheckedFile[], options: SarifOptions): string {
  return `${JSON.stringify(toSarif(files, options), null, 2)}\n`;
}
