// Reads rule fixtures: Markdown files with annotated `dockerfile` cases and expected fixes.
//
// Annotation lines sit under the line they describe and are removed before linting:
//   RUN pip install flask
//   #   ^^^^^^^^^^^^^^^^^ PYD201: pip cache
// The carets mark the columns of the finding. `#` immediately followed by carets marks a
// span starting at column 0 (the `#` counts as the first column): `#^^ PYD313` = columns 0–2.
// `PYD103(error)` also asserts the severity; a trailing `: text` asserts that the message
// contains that text.

export interface ExpectedFinding {
  code: string;
  line: number;
  startColumn: number;
  endColumn: number;
  messageIncludes?: string;
  /** Asserted when written as `PYD103(error)`. */
  severity?: 'error' | 'warning' | 'info' | 'hint';
}

export interface FixtureCase {
  title: string;
  /** 1-based line in the Markdown file where the case's block starts. */
  sourceLine: number;
  text: string;
  expected: ExpectedFinding[];
  fixed?: string;
  fixedUnsafe?: string;
  options: CaseOptions;
}

export interface CaseOptions {
  today?: string;
  files?: Record<string, string>;
  severities?: Record<string, string>;
}

const ANNOTATION_RE = /^(\s*)#(\s*)(\^+)\s+(PYD\d{3})(?:\((error|warning|info|hint)\))?(?::\s*(.*))?\s*$/;

export function isAnnotation(line: string): boolean {
  return ANNOTATION_RE.test(line);
}

/** Parses one annotated block into the Dockerfile text and the expected findings. */
export function parseAnnotatedBlock(block: string): { text: string; expected: ExpectedFinding[] } {
  const lines = block.split('\n');
  const kept: string[] = [];
  const expected: ExpectedFinding[] = [];
  for (const line of lines) {
    const m = ANNOTATION_RE.exec(line);
    if (!m) {
      kept.push(line);
      continue;
    }
    if (kept.length === 0) throw new Error(`annotation with no line above: ${line}`);
    const lead = (m[1] as string).length;
    const gap = (m[2] as string).length;
    const carets = (m[3] as string).length;
    const startsAtHash = gap === 0;
    const startColumn = startsAtHash ? lead : lead + 1 + gap;
    const length = startsAtHash ? carets + 1 : carets;
    const finding: ExpectedFinding = { code: m[4] as string, line: kept.length - 1, startColumn, endColumn: startColumn + length };
    if (m[5]) finding.severity = m[5] as ExpectedFinding['severity'];
    if (m[6]) finding.messageIncludes = m[6].trim();
    expected.push(finding);
  }
  return { text: kept.join('\n'), expected };
}

interface Fence {
  info: string;
  body: string;
  line: number;
  section: string;
}

function fences(markdown: string): Fence[] {
  const out: Fence[] = [];
  const lines = markdown.split('\n');
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.startsWith('## ')) section = line.slice(3).trim();
    const open = /^```(.*)$/.exec(line);
    if (!open) continue;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !/^```\s*$/.test(lines[j] as string)) body.push(lines[j++] as string);
    out.push({ info: (open[1] as string).trim(), body: body.join('\n'), line: i + 1, section });
    i = j;
  }
  return out;
}

/** Parses a fixture file into cases. Throws on malformed structure so mistakes surface. */
export function parseFixture(markdown: string): FixtureCase[] {
  const cases: FixtureCase[] = [];
  let pendingOptions: CaseOptions = {};
  let last: FixtureCase | undefined;
  for (const fence of fences(markdown)) {
    const words = fence.info.split(/\s+/);
    if (words[0] === 'json') {
      pendingOptions = JSON.parse(fence.body) as CaseOptions;
      continue;
    }
    if (words[0] !== 'dockerfile') continue;
    const tag = words[1];
    if (tag === 'fixed' || tag === 'fixed-unsafe') {
      if (!last || last.title !== fence.section) throw new Error(`line ${fence.line}: a \`${tag}\` block must follow a case in the same section`);
      if (tag === 'fixed') last.fixed = fence.body;
      else last.fixedUnsafe = fence.body;
      continue;
    }
    const { text, expected } = parseAnnotatedBlock(fence.body);
    last = { title: fence.section, sourceLine: fence.line, text, expected, options: pendingOptions };
    pendingOptions = {};
    cases.push(last);
  }
  return cases;
}
