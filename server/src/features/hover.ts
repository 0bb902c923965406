// Hovers: a rule's documentation on flagged ranges, and python image facts on FROM lines.
import { MarkupKind, type Hover, type MarkupContent } from 'vscode-languageserver';
import type { Finding } from '../engine/lint';
import { describePythonImage } from '../knowledge/image-info';
import { knowledgeAt } from '../knowledge/lookup';
import type { DocumentModel } from '../model/document-model';
import { rangeContains, type Position, type Range } from '../model/text';
import type { RuleMeta } from '../rules/types';

/** What the hover feature needs about the current version of a document. */
export interface HoverDocument {
  model: DocumentModel;
  findings: readonly Finding[];
}

/** Hover inputs that do not come from the document. */
export interface HoverContext {
  /** Markdown when the client renders it, plaintext otherwise. */
  format: MarkupKind;
  /** ISO date for end-of-life statements. */
  today: string;
  /** Looks up a rule's metadata by code (the registry, or injected rules in tests). */
  ruleFor(code: string): Pick<RuleMeta, 'code' | 'title' | 'docs'> | undefined;
  /**
   * What the configuration decided about a rule and where (a config file or a setting), as
   * Markdown sentences; empty when the rule runs with its defaults.
   */
  configNotes?(code: string): string[];
}

/** Picks the client's preferred format among those we can produce (plaintext if unknown). */
export function preferredFormat(contentFormat: readonly string[] | undefined): MarkupKind {
  const known = (contentFormat ?? []).find((f) => f === MarkupKind.Markdown || f === MarkupKind.PlainText);
  return known === MarkupKind.Markdown ? MarkupKind.Markdown : MarkupKind.PlainText;
}

/** A fenced block whose fence is longer than any backtick run inside (CommonMark rule). */
function fenced(language: string, code: string): string {
  const longest = Math.max(2, ...(code.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${code.replace(/\r\n/g, '\n').replace(/\n+$/, '')}\n${fence}`;
}

/** Drops the little Markdown the knowledge tables use, for plaintext clients. */
export function markdownToPlain(markdown: string): string {
  return markdown
    .replace(/\*\*/g, '')
    .replace(/`/g, '')
    .replace(/^_(.*)_$/gm, '$1');
}

/**
 * A finding's own Markdown (`Finding.detail`) for plaintext clients: fence lines are dropped
 * but the code between them is kept verbatim (backticks and all), prose loses its markup.
 */
export function detailToPlain(markdown: string): string {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.replace(/\r\n/g, '\n').split('\n')) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === undefined && marker !== undefined) {
      fence = marker;
      continue;
    }
    if (fence !== undefined) {
      // A fence closes with a run of the same character at least as long as the opening one.
      if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = undefined;
      else out.push(line);
      continue;
    }
    out.push(markdownToPlain(line));
  }
  return out.join('\n');
}

/** About three sentences of a fix-safety note in a hover; the docs page has the rest. */
export const FIX_SAFETY_CHARS = 360;

/**
 * The sentences of `text` that fit in `limit` characters (at least the first, whole), and
 * whether any were left out. A sentence ends at `.`, `!` or `?` followed by a space, outside
 * backticks (`setup.py` or `e.g.` inside code does not end one).
 */
export function leadSentences(text: string, limit: number): { text: string; cut: boolean } {
  if (text.length <= limit) return { text, cut: false };
  let inCode = false;
  let end = -1;
  for (let i = 0; i < text.length - 1; i++) {
    const c = text[i];
    if (c === '`') inCode = !inCode;
    else if (!inCode && (c === '.' || c === '!' || c === '?') && text[i + 1] === ' ') {
      if (i + 1 > limit && end >= 0) break;
      end = i + 1;
      if (i + 1 > limit) break;
    }
  }
  return end < 0 || end >= text.length ? { text, cut: false } : { text: text.slice(0, end), cut: true };
}

/** The documentation of the rule behind one finding, in the requested format. */
export function ruleHoverText(finding: Finding, rule: Pick<RuleMeta, 'code' | 'title' | 'docs'> | undefined, format: MarkupKind, configNotes: readonly string[] = []): string {
  const markdown = format === MarkupKind.Markdown;
  const parts: string[] = [];
  const title = rule?.title ?? finding.message;
  parts.push(markdown ? `**${title}** (${finding.code})` : `${markdownToPlain(title)} (${finding.code})`);
  // What this finding adds to the rule's page (the cache snippet for the CI system found, …)
  // comes first: it is about the user's own files, the docs below are generic.
  if (finding.detail !== undefined && finding.detail.trim() !== '') parts.push(markdown ? finding.detail.replace(/\r\n/g, '\n').trim() : detailToPlain(finding.detail).trim());
  if (rule) {
    parts.push(markdown ? rule.docs.whyItMatters : markdownToPlain(rule.docs.whyItMatters));
    parts.push(markdown ? `Use instead:\n\n${fenced('dockerfile', rule.docs.useInstead)}` : `Use instead:\n${rule.docs.useInstead.replace(/\r\n/g, '\n')}`);
    // Only where it matters (this finding has a fix that may change the image), and short: the
    // whole note runs to 2,000 characters for some rules and buried the why and the better form.
    if (rule.docs.fixSafety && finding.fixes.some((fix) => fix.applicability === 'unsafe')) {
      const { text, cut } = leadSentences(rule.docs.fixSafety, FIX_SAFETY_CHARS);
      const more = `${finding.docsUrl}#fix-safety`;
      parts.push(markdown ? `**Fix safety:** ${text}${cut ? ` [More](${more})` : ''}` : `Fix safety: ${markdownToPlain(text)}${cut ? ` More: ${more}` : ''}`);
    }
  }
  // Where the rule's behaviour was configured, so "why is this an error here?" has an answer.
  if (configNotes.length > 0) {
    parts.push(markdown ? `Configuration:\n\n${configNotes.map((note) => `- ${note}`).join('\n')}` : `Configuration:\n${configNotes.map((note) => `- ${markdownToPlain(note)}`).join('\n')}`);
  }
  parts.push(markdown ? `[Documentation for ${finding.code}](${finding.docsUrl})` : `Documentation: ${finding.docsUrl}`);
  return parts.join('\n\n');
}

/** The image facts for a `FROM python:…` whose image reference contains `position`. */
function imageHover(doc: HoverDocument, position: Position, today: string): { range: Range; markdown: string } | undefined {
  for (const stage of doc.model.stages) {
    const range = stage.from.getImageRange();
    if (!range || !stage.image || !rangeContains(range, position)) continue;
    const markdown = describePythonImage(stage.image, today);
    if (markdown) return { range, markdown };
  }
  return undefined;
}

/**
 * The hover at a position: the docs of every rule flagged there, then the python image facts
 * when the position is on the image of a FROM line, then knowledge about the ENV key or the
 * pip/apt/apk flag under the cursor. Null when there is nothing to say.
 */
export function hoverAt(doc: HoverDocument, position: Position, context: HoverContext): Hover | null {
  const flagged = doc.findings.filter((f) => rangeContains(f.range, position));
  const sections: string[] = [];
  const seen = new Set<string>();
  for (const finding of flagged) {
    // Two findings of one rule on the same spot would repeat the same page.
    if (seen.has(finding.code)) continue;
    seen.add(finding.code);
    sections.push(ruleHoverText(finding, context.ruleFor(finding.code), context.format, context.configNotes?.(finding.code) ?? []));
  }
  const image = imageHover(doc, position, context.today);
  if (image) sections.push(context.format === MarkupKind.Markdown ? image.markdown : markdownToPlain(image.markdown));
  // Python/Docker knowledge for the ENV key or package-manager flag under the cursor.
  const knowledge = knowledgeAt(doc.model, doc.model.text.offsetAt(position));
  if (knowledge) sections.push(context.format === MarkupKind.Markdown ? knowledge : markdownToPlain(knowledge));
  if (sections.length === 0) return null;
  const separator = context.format === MarkupKind.Markdown ? '\n\n---\n\n' : '\n\n';
  const contents: MarkupContent = { kind: context.format, value: sections.join(separator) };
  const range = flagged[0]?.range ?? image?.range;
  return range ? { contents, range } : { contents };
}
