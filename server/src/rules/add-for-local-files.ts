// PYD313: ADD used where COPY does the same job (local files that are not archives).
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import type { Stage } from '../model/stages';
import { defineRule } from './define-rule';
import { keywordRange, replaceSpan } from './edit-helpers';
import { definedVariables, flagsOf } from './helpers';

/** Flags that COPY accepts with the same meaning; any other ADD flag keeps the finding away. */
const COPY_COMPATIBLE_FLAGS = new Set(['chown', 'chmod', 'link', 'exclude']);

/**
 * Names Docker may unpack. ADD detects tar archives by content, so every compression suffix
 * counts (a `.gz` file may hold a tar), not only `.tar.*`.
 */
const ARCHIVE_RE = /\.(tar|tgz|taz|tbz|tbz2|tb2|txz|tzst|tlz|gz|bz2|xz|zst|zstd|lz|lzma|lz4|z)$/i;
const URL_RE = /^[a-z][a-z0-9+.-]*:\/\//i;
/** `git@github.com:org/repo.git` and other scp-like remote references. */
const SCP_RE = /^[^/\s]+@[^/\s]+:/;
const GLOB_RE = /[*?[]/;

/** The sources and destination of an ADD, or null when the instruction cannot be judged. */
function addOperands(model: DocumentModel, info: InstructionInfo): string[] | null {
  if (model.isExecForm(info)) return jsonOperands(info, model.escapeChar);
  const args = info.node.getArguments().map((a) => a.getValue());
  // Heredoc sources (`ADD <<EOF /dest`) are generated content, not files.
  if (args.some((a) => a.startsWith('<<'))) return null;
  return args;
}

/**
 * Reads the exec-form array ourselves: dockerfile-ast drops the blanks inside JSON strings
 * (`"my file"` comes back as `myfile`).
 */
function jsonOperands(info: InstructionInfo, escapeChar: string): string[] | null {
  const raw = info.node.getRawArgumentsContent();
  if (raw === null) return null;
  const joined = raw.split(escapeChar + '\r\n').join('').split(escapeChar + '\n').join('');
  try {
    const parsed: unknown = JSON.parse(joined.slice(joined.indexOf('[')));
    return Array.isArray(parsed) && parsed.every((x): x is string => typeof x === 'string') ? parsed : null;
  } catch {
    return null;
  }
}

/**
 * Resolves `$NAME`/`${NAME}` from ENV values set earlier in the stage chain. ARG values are
 * not used: `--build-arg` can replace them with an archive or a URL at build time.
 */
function resolveEnv(stage: Stage, info: InstructionInfo, value: string): string {
  if (!value.includes('$')) return value;
  const env = definedVariables(stage, info, ['ENV']);
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, braced: string | undefined, bare: string | undefined) => {
    const resolved = env.get(braced ?? bare ?? '');
    return resolved === undefined || resolved === null || resolved.includes('$') ? whole : resolved;
  });
}

/**
 * True when a source is certainly a plain local path: not a URL or git remote, not a name that
 * may be an archive, and, for a glob, only matching a fixed non-archive extension.
 */
function isPlainLocalSource(source: string): boolean {
  if (source === '' || source.includes('$')) return false;
  if (URL_RE.test(source) || SCP_RE.test(source)) return false;
  const base = source.replace(/\/+$/, '').split('/').pop() ?? '';
  if (ARCHIVE_RE.test(base)) return false;
  if (GLOB_RE.test(base)) {
    // `*.py` can only match Python files; `*` or `dist/*` might match an archive.
    const ext = /\.([A-Za-z0-9]+)$/.exec(base);
    if (!ext) return false;
  }
  return true;
}

/** `COPY` written in the case style of the original keyword (`ADD` → `COPY`, `add` → `copy`). */
function copyKeyword(written: string): string {
  if (written === written.toUpperCase()) return 'COPY';
  if (written === written.toLowerCase()) return 'copy';
  return 'Copy';
}

export default defineRule({
  code: 'PYD313',
  name: 'add-for-local-files',
  title: 'Use `COPY` instead of `ADD` for plain local files',
  category: 'layers-and-cache',
  defaultSeverity: 'warning',
  status: 'stable',
  since: '0.1.0',
  fix: { availability: 'always', applicability: 'safe' },
  hadolint: ['DL3020'],
  docs: {
    whatItDoes:
      'Flags `ADD` when every source is a local file or directory that cannot be an archive: no URL, no git remote, no name ending in a tar or compression suffix (`.tar`, `.tar.gz`, `.tgz`, `.tar.bz2`, `.tar.xz`, `.txz`, `.tar.zst`, `.gz`, …), and no `--checksum`, `--keep-git-dir` or other ADD-only flag. Sources with unresolved variables, globs that could match an archive (`*`, `dist/*`) and heredocs are left alone.',
    whyItMatters:
      '`ADD` does more than copy: it downloads URLs and unpacks local tar archives, detected by content rather than by name. Using it for ordinary files hides that magic from readers and invites surprises when a file later turns out to be an archive. Docker\'s best practices recommend `COPY` for local files and reserving `ADD` for remote artifacts and archive extraction; S000 and S004 both used `ADD` for plain source trees (`ADD ./src /www`, `ADD python/src /app`).',
    example: 'FROM python:3.12-slim-bookworm\nWORKDIR /app\nADD ./src /app/src',
    useInstead: 'FROM python:3.12-slim-bookworm\nWORKDIR /app\nCOPY ./src /app/src\nADD vendor/wheels.tar.gz /opt/wheels/',
    references: [
      'https://docs.docker.com/build/building/best-practices/#add-or-copy',
      'https://docs.docker.com/reference/dockerfile/#add',
      'https://docs.docker.com/reference/dockerfile/#copy',
      'https://github.com/hadolint/hadolint/wiki/DL3020',
    ],
  },
  check(ctx) {
    const { model } = ctx;
    for (const stage of model.stages) {
      for (const info of stage.instructions) {
        if (info.keyword !== 'ADD') continue;
        if (!flagsOf(info).every((f) => COPY_COMPATIBLE_FLAGS.has(f.getName()))) continue;
        const operands = addOperands(model, info);
        if (!operands || operands.length < 2) continue;
        const sources = operands.slice(0, -1).map((s) => resolveEnv(stage, info, s));
        if (!sources.every(isPlainLocalSource)) continue;
        const keyword = keywordRange(info);
        const start = model.text.offsetAt(keyword.start);
        const end = model.text.offsetAt(keyword.end);
        ctx.report({
          range: keyword,
          message: '`ADD` is used for plain local files, which `COPY` copies without archive extraction or downloads',
          fixes: [{ title: 'Replace `ADD` with `COPY`', applicability: 'safe', edits: [replaceSpan(model, start, end, copyKeyword(info.node.getInstruction()))] }],
        });
      }
    }
  },
});
