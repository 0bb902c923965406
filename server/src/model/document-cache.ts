// Parse and lint once per (uri, version, settings): every LSP feature reads the same result.
import { lint, type LintOptions, type LintResult } from '../engine/lint';
import { fixAll, type FileChange } from '../fix/apply';
import type { Applicability } from '../rules/types';
import { DocumentModel } from './document-model';

/** The minimum the cache needs to know about an open document. */
export interface VersionedText {
  uri: string;
  version: number;
  getText(): string;
}

interface SettingsEntry {
  result: LintResult;
  options: LintOptions;
  /** Names this result (see CachedLint.resultId). */
  resultId: string;
  /** Fix-all outputs by `level|codes`, so repeated code-action requests do not refix. */
  fixed: Map<string, FixAllOutput>;
}

/** What one fix-all run produces: the Dockerfile's new text and the other files it changes. */
interface FixAllOutput {
  text: string;
  files: FileChange[];
}

interface DocumentEntry {
  version: number;
  text: string;
  model: DocumentModel;
  bySettings: Map<string, SettingsEntry>;
}

/** A lint result plus the options it was computed with (fix-all must use the same ones). */
export interface CachedLint extends LintResult {
  uri: string;
  version: number;
  text: string;
  options: LintOptions;
  /**
   * Names this lint result, and no other, for the server's lifetime; absent when the result is
   * not cached. A client that reports it back as `previousResultId` of a diagnostic pull holds
   * the diagnostics of this very result, so the answer can be "unchanged".
   */
  resultId?: string;
}

/** How many documents keep their model and lint results by default. */
export const DEFAULT_CACHE_CAPACITY = 32;

/**
 * Caches, per URI, the parsed model of the current version and the lint result for each
 * settings key. A new version replaces the entry. Only the most recently used documents are
 * kept (the editor asks about the visible ones); a document evicted earlier is parsed and
 * linted again when it is asked about, so memory stays bounded however many files are open.
 */
export class DocumentCache {
  private readonly entries = new Map<string, DocumentEntry>();
  /** Lint results computed so far: with the prefix, the source of result ids. */
  private results = 0;
  /**
   * Tells this cache's result ids from those of an earlier server process, which a client
   * may still hold when the server was restarted under it.
   */
  private readonly idPrefix = `${Date.now().toString(36)}-`;

  /** @param capacity how many documents keep their results (at least one) */
  constructor(private readonly capacity: number = DEFAULT_CACHE_CAPACITY) {}

  /**
   * The lint result of `doc` under the settings identified by `settingsKey`.
   * `options` is only called on a cache miss.
   */
  get(doc: VersionedText, settingsKey: string, options: () => LintOptions): CachedLint {
    let entry = this.entries.get(doc.uri);
    if (!entry || entry.version !== doc.version) {
      const text = doc.getText();
      entry = { version: doc.version, text, model: new DocumentModel(text), bySettings: new Map() };
    }
    // Map order is the recency order: move this document to the end, drop the oldest.
    this.entries.delete(doc.uri);
    this.entries.set(doc.uri, entry);
    for (const uri of this.entries.keys()) {
      if (this.entries.size <= Math.max(1, this.capacity)) break;
      this.entries.delete(uri);
    }
    let settingsEntry = entry.bySettings.get(settingsKey);
    if (!settingsEntry) {
      const lintOptions = options();
      settingsEntry = { result: lint(entry.model, lintOptions), options: lintOptions, resultId: `${this.idPrefix}${++this.results}`, fixed: new Map() };
      entry.bySettings.set(settingsKey, settingsEntry);
    }
    return { uri: doc.uri, version: entry.version, text: entry.text, options: settingsEntry.options, resultId: settingsEntry.resultId, ...settingsEntry.result };
  }

  /**
   * The text after fix-all at `level` (optionally limited to some codes), computed from the
   * cached version's text with fresh lints on every pass, never by replaying cached fixes.
   */
  fixAllText(cached: CachedLint, settingsKey: string, level: Applicability, codes?: readonly string[]): string {
    // Nothing to fix at this level: skip the fix-all passes (each one lints again).
    const fixable = cached.findings.some((f) => (!codes || codes.includes(f.code)) && f.fixes.some((fix) => level === 'unsafe' || fix.applicability === 'safe'));
    if (!fixable) return cached.text;
    return this.fixAllOutput(cached, settingsKey, level, codes).text;
  }

  /**
   * The other build-context files the same fix-all changes. It shares the run (and its cache
   * entry) with `fixAllText`: a code-action request asks for both, and fix-all is the costly
   * part of answering it.
   */
  fixAllFiles(cached: CachedLint, settingsKey: string, level: Applicability, codes?: readonly string[]): FileChange[] {
    // Only fixes with file edits change other files: without any, do not run fix-all at all.
    const edits = cached.findings.some((f) => (!codes || codes.includes(f.code)) && f.fixes.some((fix) => (fix.fileEdits?.length ?? 0) > 0));
    if (!edits) return [];
    return this.fixAllOutput(cached, settingsKey, level, codes).files;
  }

  private fixAllOutput(cached: CachedLint, settingsKey: string, level: Applicability, codes?: readonly string[]): FixAllOutput {
    const key = `${level}|${codes ? codes.join(',') : '*'}`;
    const settingsEntry = this.entries.get(cached.uri)?.bySettings.get(settingsKey);
    const current = this.entries.get(cached.uri)?.version === cached.version ? settingsEntry : undefined;
    const hit = current?.fixed.get(key);
    if (hit !== undefined) return hit;
    const result = fixAll(cached.text, { ...cached.options, level, ...(codes ? { codes } : {}) });
    const output = { text: result.text, files: result.files };
    current?.fixed.set(key, output);
    return output;
  }

  /** Drops a closed document. */
  delete(uri: string): void {
    this.entries.delete(uri);
  }

  /**
   * Drops every lint result but keeps the parsed models: settings or build-context files
   * changed, the documents did not.
   */
  clearResults(): void {
    for (const entry of this.entries.values()) entry.bySettings.clear();
  }
}
