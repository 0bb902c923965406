// Result types of "Optimize this Dockerfile": decisions, skipped steps, the estimate.

/** How many problems of one rule code a rewrite fixed. */
export interface AppliedCount {
  code: string;
  count: number;
  /**
   * The decision (its id) whose rewrite fixed them when it is not the rule's own fix: the
   * multi-stage rewrite is credited to the finding it resolves (PYD206, PYD101, PYD210, PYD213,
   * PYD214), whose title describes another remedy. Absent for the rule's own fixes.
   */
  via?: string;
}

/** A step that was not taken, and why (a failed precondition, an invariant, a syntax guard). */
export interface SkippedStep {
  step: string;
  reason: string;
}

/**
 * An unsafe step the user can tick. `default` is whether `--unsafe` (or the editor's default
 * selection) ticks it; `applied` whether it changed the proposal this time.
 */
export interface OptimizeDecision {
  /** Stable kebab-case id (`multi-stage`, `slim-runtime`, `fix:PYD304`, …). */
  id: string;
  title: string;
  /** Why one would tick it, and what it may change. */
  explanation: string;
  /** The rule codes whose fixes this decision applies (they explain the change). */
  codes: string[];
  default: boolean;
  /** Ticked for this run (explicitly, or by default with `unsafe`). */
  ticked: boolean;
  applied: boolean;
}

/** One size figure of the estimate, in MB (compressed = what a pull transfers). */
export interface SizeChange {
  /** Image reference before and after, e.g. `python:3.12` → `python:3.12-slim-trixie`. */
  from: string;
  to: string;
  compressedMb: number;
  diskMb: number;
}

/**
 * The expected effect of the rewrite, from the dated size table and the layer order. It is an
 * estimate: actual sizes depend on the dependencies and the platform.
 */
export interface OptimizeEstimate {
  /** Always `estimate`: consumers must present the numbers as such. */
  kind: 'estimate';
  /** Change of the final image's base (negative = smaller), when the base changed. */
  base: SizeChange | null;
  /** Build-only system packages that no longer ship in the final image. */
  buildPackagesRemoved: string[];
  /** Instructions that a change to the source code no longer rebuilds (cache-friendly order). */
  noLongerRebuiltOnSourceChange: string[];
  /** Human-readable lines, each one labelled as an estimate where it gives a number. */
  lines: string[];
  /** When the size table was checked. */
  dataDate: string;
}
