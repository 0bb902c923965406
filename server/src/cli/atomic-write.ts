// Rewrites a file atomically: a temp file in the same folder, then a rename over the original.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Replaces the content of `file` so that readers see either the old or the new text, never a
 * half-written one. The temp file lives in the target's folder because `rename` is only atomic
 * within one file system. The original permission bits are kept, and a symlink is followed so the
 * link itself survives. Throws (after removing the temp file) when anything fails, and before
 * writing anything when the file is read-only.
 */
export function writeFileAtomic(file: string, content: string): void {
  const target = fs.realpathSync(file);
  const { mode } = fs.statSync(target);
  assertWritable(target, mode);
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);
  try {
    fs.writeFileSync(temp, content, { encoding: 'utf8', mode: mode & 0o7777, flag: 'wx' });
    // The umask may have narrowed the mode given to writeFileSync; set it exactly.
    fs.chmodSync(temp, mode & 0o7777);
    fs.renameSync(temp, target);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * Refuses to replace a read-only file. `rename` only needs a writable folder, so without this a
 * file the user made read-only (a deliberate "do not touch") would be replaced silently; the
 * mode bits are checked too because for root `access` always says yes.
 */
function assertWritable(target: string, mode: number): void {
  if ((mode & 0o222) === 0) throw Object.assign(new Error('the file is read-only'), { code: 'EREADONLY' });
  fs.accessSync(target, fs.constants.W_OK);
}

/** One file `commitFiles` writes: replaced when it exists, created (never clobbered) when `create`. */
export interface FileWrite {
  file: string;
  content: string;
  create: boolean;
}

/**
 * Writes several files as one change, as far as a file system allows: every new content goes
 * to a temp file next to its target first, and only when all of them are written are they
 * moved into place. A failure while staging removes the temp files and leaves every target
 * as it was. A file to create must not exist yet (it is linked into place, which fails rather
 * than overwrite something that appeared meanwhile). Throws the first error.
 */
export function commitFiles(writes: readonly FileWrite[]): void {
  const staged: { temp: string; target: string; create: boolean; mode: number | undefined }[] = [];
  try {
    for (const { file, content, create } of writes) {
      const target = create ? path.resolve(file) : fs.realpathSync(file);
      if (create) fs.mkdirSync(path.dirname(target), { recursive: true });
      const mode = create ? undefined : fs.statSync(target).mode & 0o7777;
      if (mode !== undefined) assertWritable(target, mode);
      const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);
      fs.writeFileSync(temp, content, { encoding: 'utf8', flag: 'wx', ...(mode !== undefined ? { mode } : {}) });
      staged.push({ temp, target, create, mode });
      if (mode !== undefined) fs.chmodSync(temp, mode);
    }
  } catch (error) {
    for (const { temp } of staged) fs.rmSync(temp, { force: true });
    throw error;
  }
  for (const { temp, target, create } of staged) {
    try {
      if (create) {
        fs.linkSync(temp, target);
        fs.rmSync(temp, { force: true });
      } else {
        fs.renameSync(temp, target);
      }
    } catch (error) {
      for (const rest of staged) fs.rmSync(rest.temp, { force: true });
      throw error;
    }
  }
}
