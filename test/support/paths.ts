// Paths of the repository, valid both from test/ sources and from compiled out/test/.
import * as fs from 'node:fs';
import * as path from 'node:path';

function findRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('repository root not found');
    dir = parent;
  }
  return dir;
}

export const REPO_ROOT = findRoot();
export const FIXTURE_DIR = path.join(REPO_ROOT, 'test', 'rules');
