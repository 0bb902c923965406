// Types shared by every rule module: metadata, docs, violations and fixes.
import type { DocumentModel } from '../model/document-model';
import type { Stage } from '../model/stages';
import type { Range, TextEdit } from '../model/text';
import type { Workspace } from '../workspace/workspace';

/** LSP-like severities, plus `off` for configuration. */
export type Severity = 'error' | 'warning' | 'info' | 'hint';
export type SeveritySetting = Severity | 'off';

/** Ruff's applicability: safe fixes run in fix-all, unsafe ones only on request. */
export type Applicability = 'safe' | 'unsafe';

/** Whether a rule can offer a fix at all. */
export type FixAvailability = 'always' | 'sometimes' | 'none';

/** `meta` rules (PYD0xx) judge the linter's own input, such as ignore pragmas. */
export type RuleCategory = 'meta' | 'base-image' | 'dependencies' | 'layers-and-cache' | 'runtime' | 'security';

export type RuleStatus = 'stable' | 'preview' | 'deprecated' | 'removed';

/** Edits to another file of the build context (an entry script, `.dockerignore`, …). */
export interface FileEdit {
  /** Path relative to the build context, with `/` separators. */
  path: string;
  /** The file does not exist yet: create it (the edits then apply to empty text). */
  create?: boolean;
  /** Non-overlapping edits against the file's current text. */
  edits: TextEdit[];
}

/** One proposed change: a title and non-overlapping edits against the linted text. */
export interface Fix {
  title: string;
  applicability: Applicability;
  edits: TextEdit[];
  /** Edits to other files of the build context, applied together with `edits`. */
  fileEdits?: FileEdit[];
}

/** User-facing documentation, rendered in hovers and in docs/rules/<name>.md. */
export interface RuleDocs {
  whatItDoes: string;
  whyItMatters: string;
  /** A Dockerfile that triggers the rule. */
  example: string;
  /** The better form; must not trigger the rule. */
  useInstead: string;
  /** Required whenever a fix can be unsafe. */
  fixSafety?: string;
  references: string[];
  /** Build-context files (path → content) that `example` needs to trigger a workspace rule. */
  exampleFiles?: Readonly<Record<string, string>>;
  /** Build-context files for `useInstead`. */
  useInsteadFiles?: Readonly<Record<string, string>>;
}

export interface RuleMeta {
  code: string;
  name: string;
  title: string;
  category: RuleCategory;
  defaultSeverity: Severity;
  status: RuleStatus;
  since: string;
  fix: { availability: FixAvailability; applicability: Applicability | 'none' };
  /** hadolint codes this rule mirrors: `# hadolint ignore=DLxxxx` silences it too. */
  hadolint?: string[];
  docs: RuleDocs;
}

/** What a rule reports. Severity defaults to the rule's configured severity. */
export interface Violation {
  range: Range;
  message: string;
  severity?: Severity;
  fixes?: Fix[];
  /** Marks the range as unnecessary code (faded out in editors). */
  unnecessary?: boolean;
  /**
   * The build-context file the finding is about when it is not the Dockerfile (an entry script,
   * a requirements file); `range` is then a range of that file.
   */
  file?: string;
  /** For a finding in another file: the Dockerfile range it belongs to (suppression pragmas apply there). */
  origin?: Range;
  /** Extra Markdown shown with the finding (for example a snippet for the user's CI system). */
  detail?: string;
}

/** Clock and optional file access, so rules stay pure and tests deterministic. */
export interface LintEnvironment {
  /** ISO date (YYYY-MM-DD) used for end-of-life comparisons. */
  today: string;
  /**
   * Reads a file of the build context by relative path; undefined when unknown
   * (untitled document, file missing, or no context available).
   */
  readContextFile?: (relativePath: string) => string | undefined;
  /** The project files around the Dockerfile, cached across lints (see server/src/workspace). */
  workspace?: Workspace;
  /** Path of the linted Dockerfile relative to the build context (`Dockerfile`, `docker/app.Dockerfile`). */
  dockerfile?: string;
}

/** Project options a few rules read, from configuration files and editor settings. */
export interface RuleConfig {
  /**
   * Registries, optionally with a namespace (`registry.example.com`, `ghcr.io/acme`), whose
   * images PYD106 and PYD107 do not judge: an internal registry has its own pinning policy.
   */
  trustedRegistries: readonly string[];
  /** The UID (and GID) of the unprivileged user PYD501's fix creates. */
  uid: number;
}

/** The rules a lint draws from; meta rules judge pragmas against it. */
export interface RuleCatalogue {
  rules: readonly Rule[];
  /** Renamed codes: old → current. */
  redirects: Readonly<Record<string, string>>;
}

export interface RuleContext {
  model: DocumentModel;
  env: LintEnvironment;
  /** The workspace model, when the build context is known (`env.workspace`). */
  workspace?: Workspace;
  config: RuleConfig;
  catalogue: RuleCatalogue;
  report(violation: Violation): void;
}

export interface Rule extends RuleMeta {
  check(ctx: RuleContext): void;
}

/** A stage-level helper signature used by many rules. */
export type StageVisitor = (stage: Stage, ctx: RuleContext) => void;
