// Starts a bundle with the V8 code cache written next to it at build time (esbuild.mjs), so a
// process skips parsing and compiling most of its code; without a usable cache it compiles as usual.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import * as vm from 'node:vm';
import * as zlib from 'node:zlib';

/** Appended to a bundle's file name to name its code cache. */
export const CODE_CACHE_SUFFIX = '.cache';

/** First words of a cache file; the number changes whenever the layout below does. */
const MAGIC = 'pydockerfile-code-cache 2';

/** A header is one short ASCII line; more than this is not ours. */
const MAX_HEADER_BYTES = 512;

/**
 * The wrapper Node.js puts around a CommonJS module, with the bundle starting on a line of its
 * own: with `lineOffset: -1` line numbers in stack traces stay those of the file (and its
 * source map). The build-time producer compiles the same text, which V8 requires of a cache.
 */
const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) {\n';
const WRAPPER_TAIL = '\n})';

/**
 * What became of the cache when the bundle was compiled: `used`; `rejected` by V8 (its own
 * checks, e.g. other flags); `absent`; `invalid` (not made for this bundle, V8 or architecture,
 * or damaged), in which case V8 never saw it.
 */
export type CodeCacheOutcome = 'used' | 'rejected' | 'absent' | 'invalid';

/** A compiled bundle, ready to run once. */
export interface CompiledBundle {
  /** The compiled script (the build-time producer serializes its code from it). */
  readonly script: vm.Script;
  /** Whether the code cache was taken (tests and the build check this). */
  readonly cache: CodeCacheOutcome;
  /**
   * Runs the bundle's top level as a CommonJS module: `__filename`/`__dirname` are the bundle's,
   * `require` resolves from it, `module` is the entry that loaded it (so the bundle is
   * `require.main` when that entry is).
   */
  run(entry: NodeModule): void;
}

type ModuleFunction = (exports: unknown, require: NodeJS.Require, module: NodeModule, filename: string, dirname: string) => void;

/** `zlib.crc32` where Node.js has it (20.15 and later), else undefined. */
const crc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

/**
 * The checksum of a bundle or payload: CRC-32, which catches a damaged file and tells builds
 * apart (a stale cache needs a collision, one in four billion); no attacker writes these files.
 * Not SHA-256: loading node:crypto and hashing 2 MB was about 4 ms of every start. Where Node.js
 * has no `zlib.crc32`, there is no checksum and so no cache (the bundle compiles as usual).
 */
function checksum(data: Uint8Array): string | undefined {
  return crc32 ? crc32(data).toString(16).padStart(8, '0') : undefined;
}

/**
 * The first line of a cache file. V8 checks its own version and flags, but in a release build
 * it neither verifies the payload (a damaged one crashes the process) nor the source beyond its
 * length (a cache of another build of the same length would run stale code): hence both checksums.
 * The V8 version and architecture let a foreign runtime (VS Code's Electron) skip the file unread.
 */
export function codeCacheHeader(bundle: Uint8Array, payload: Uint8Array): string {
  return `${MAGIC} ${process.versions.v8} ${process.arch} ${checksum(bundle) ?? 'none'} ${checksum(payload) ?? 'none'}\n`;
}

/** The first bytes of an open file, where the header line is. */
function readHead(fd: number): Buffer {
  const head = Buffer.alloc(MAX_HEADER_BYTES);
  return head.subarray(0, fs.readSync(fd, head, 0, MAX_HEADER_BYTES, 0));
}

/**
 * The payload of `cacheFile` when it was made for exactly `bundle` by this V8 on this
 * architecture, else undefined (missing, foreign, stale or damaged: the caller compiles without).
 */
export function readCodeCache(cacheFile: string, bundle: Uint8Array): Buffer | undefined {
  let fd: number;
  try {
    fd = fs.openSync(cacheFile, 'r');
  } catch {
    return undefined;
  }
  try {
    const head = readHead(fd);
    const end = head.indexOf(0x0a);
    if (end < 0) return undefined;
    const fields = head.subarray(0, end).toString('latin1').split(' ');
    // MAGIC is two words: name and layout version.
    const [name, layout, v8, arch, bundleHash, payloadHash] = fields;
    if (fields.length !== 6 || `${name} ${layout}` !== MAGIC || v8 !== process.versions.v8 || arch !== process.arch) return undefined;
    const bundleSum = checksum(bundle);
    if (bundleSum === undefined || bundleHash !== bundleSum) return undefined;
    const size = fs.fstatSync(fd).size - (end + 1);
    if (size <= 0) return undefined;
    const payload = Buffer.alloc(size);
    if (fs.readSync(fd, payload, 0, size, end + 1) !== size || checksum(payload) !== payloadHash) return undefined;
    return payload;
  } catch {
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/** Compiles the CommonJS bundle at `bundleFile` (absolute), with its code cache when usable. */
export function compileBundle(bundleFile: string): CompiledBundle {
  const source = fs.readFileSync(bundleFile);
  const cachedData = readCodeCache(bundleFile + CODE_CACHE_SUFFIX, source);
  const script = new vm.Script(WRAPPER_HEAD + source.toString('utf8') + WRAPPER_TAIL, { filename: bundleFile, lineOffset: -1, cachedData });
  const cache: CodeCacheOutcome = cachedData === undefined ? (fs.existsSync(bundleFile + CODE_CACHE_SUFFIX) ? 'invalid' : 'absent') : script.cachedDataRejected === true ? 'rejected' : 'used';
  return {
    script,
    cache,
    run(entry) {
      const moduleFunction = script.runInThisContext() as ModuleFunction;
      moduleFunction.call(entry.exports, entry.exports, createRequire(bundleFile), entry, bundleFile, path.dirname(bundleFile));
    },
  };
}

/**
 * Sets a program's V8 flags. Done before its bundle compiles: V8 takes a code cache only under
 * the flags it was made with, so the build's cache producer sets the same ones (esbuild.mjs).
 */
export function applyV8Flags(flags: readonly string[]): void {
  for (const flag of flags) setFlagsFromString(flag);
}

/**
 * Runs the bundle `bundleFile` for the process entry `entry` under the V8 flags `flags`: through
 * its code cache, or with Node.js's own loader when source maps are on (`--enable-source-maps`),
 * since Node.js 20 maps stack traces of files it loads itself but not of vm scripts.
 */
export function startBundle(bundleFile: string, entry: NodeModule, flags: readonly string[] = []): void {
  applyV8Flags(flags);
  if (process.sourceMapsEnabled) entry.require(bundleFile);
  else compileBundle(bundleFile).run(entry);
}
