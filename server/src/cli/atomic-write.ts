// Rewrites a file atomically: a temp file in the same folder, then a rename over the original.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Replaces the content of `file` so that readers see either the old or the new text, never a
 * half-written one. The temp file lives in the target's folder because `rename` is only atomic
 * within one file system. The original permission bits are kept, and a symlink is followed so the
 * link itself survives. Throws (after removing the temp file) when anything fails.
 */
export function writeFileAtomic(file: string, content: string): void {
  const target = fs.realpathSync(file);
  const { mode } = fs.statSync(target);
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
