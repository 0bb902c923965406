// Reads Dockerfiles and build-context files as UTF-8 text, refusing binary and non-UTF-8 input.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inputRefusal, MAX_LINT_CHARS } from '../engine/guards';

/** The outcome of reading one input file. */
export type InputFile =
  | { kind: 'text'; text: string }
  | { kind: 'skipped'; reason: string }
  | { kind: 'unreadable'; reason: string };

// `fatal` rejects invalid byte sequences; `ignoreBOM` keeps a BOM in the text so fixes and
// rewrites preserve it (the engine knows how to handle it).
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Largest build-context file a rule may read; requirement files are far smaller. */
const MAX_CONTEXT_FILE_BYTES = 1024 * 1024;

/** A short, user-facing reason for a file-system error (`no such file or directory`, …). */
export function describeFsError(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a parent of the path is not a directory';
    case 'ELOOP':
      return 'too many levels of symbolic links (a symlink loop?)';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/** Decodes bytes as UTF-8 text, or says why they are not a text file. */
export function decodeText(bytes: Uint8Array): InputFile {
  if (bytes.includes(0)) return { kind: 'skipped', reason: 'binary file (contains NUL bytes)' };
  try {
    return { kind: 'text', text: decoder.decode(bytes) };
  } catch {
    return { kind: 'skipped', reason: 'not valid UTF-8 text' };
  }
}

/**
 * More UTF-8 bytes than this always decode to more than MAX_LINT_CHARS UTF-16 code units (a
 * code point of 1 to 3 bytes is one unit, one of 4 bytes two), so the text would be refused anyway.
 */
const MAX_INPUT_BYTES = MAX_LINT_CHARS * 3;
const CHUNK_BYTES = 64 * 1024;
const formatCount = (n: number): string => n.toLocaleString('en-US');

/**
 * Reads at most MAX_INPUT_BYTES + 1 bytes: a multi-gigabyte file (a log or an image saved as
 * `Dockerfile.bak`) used to be read whole, costing twice its size in memory or failing with a
 * Node error, and a device such as /dev/zero never ended. Pipes (`<(…)`) still work.
 */
function readCapped(file: string): Buffer | InputFile {
  const fd = fs.openSync(file, 'r');
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (stat.isFile() && stat.size > MAX_INPUT_BYTES) {
      return { kind: 'skipped', reason: `too large to lint: ${formatCount(stat.size)} bytes (the limit is ${formatCount(MAX_LINT_CHARS)} characters)` };
    }
    // A regular file of known, acceptable size: one read, as before (a check reads thousands).
    if (stat.isFile()) return fs.readFileSync(fd);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      const read = fs.readSync(fd, chunk, 0, CHUNK_BYTES, null);
      if (read === 0) break;
      chunks.push(read === CHUNK_BYTES ? chunk : chunk.subarray(0, read));
      total += read;
      if (total > MAX_INPUT_BYTES) {
        return { kind: 'skipped', reason: `too large to lint: more than ${formatCount(MAX_INPUT_BYTES)} bytes (the limit is ${formatCount(MAX_LINT_CHARS)} characters)` };
      }
    }
    return Buffer.concat(chunks, total);
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads one input file; never throws. Line endings and a BOM are kept as they are. */
export function readInputFile(file: string): InputFile {
  let bytes: Buffer;
  try {
    const read = readCapped(file);
    if (!Buffer.isBuffer(read)) return read;
    bytes = read;
  } catch (error) {
    return { kind: 'unreadable', reason: describeFsError(error) };
  }
  const decoded = decodeText(bytes);
  // A text lint would refuse (too large, …) is skipped with the reason, like a binary file:
  // lint's info notice would let CI pass without anything having been checked.
  const refusal = decoded.kind === 'text' ? inputRefusal(decoded.text) : undefined;
  return refusal ? { kind: 'skipped', reason: refusal.reason } : decoded;
}

/**
 * Builds the read-only `readContextFile` callback for a Dockerfile: paths are relative to the
 * Dockerfile's folder (the default build context) and may not escape it, because `COPY` cannot
 * reach outside the context either. Missing, oversized, binary or non-UTF-8 files read as
 * undefined, which rules treat as "unknown" and stay conservative.
 */
export function contextReader(dockerfile: string): (relativePath: string) => string | undefined {
  const root = path.resolve(path.dirname(dockerfile));
  return (relativePath: string): string | undefined => {
    if (relativePath === '' || path.isAbsolute(relativePath)) return undefined;
    const target = path.resolve(root, relativePath);
    const rel = path.relative(root, target);
    if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return undefined;
    try {
      const stat = fs.statSync(target);
      if (!stat.isFile() || stat.size > MAX_CONTEXT_FILE_BYTES) return undefined;
      const decoded = decodeText(fs.readFileSync(target));
      return decoded.kind === 'text' ? decoded.text : undefined;
    } catch {
      return undefined;
    }
  };
}
