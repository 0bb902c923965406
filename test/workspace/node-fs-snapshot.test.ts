// The CLI's snapshot file system (folders listed once) answers exactly like plain disk reads.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it, mock } from 'node:test';
import { DiskSnapshot, findRepositoryRoot, nodeWorkspaceFs } from '../../server/src/workspace/node-fs';

function rawFs(): typeof fs {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('node:fs') as typeof fs;
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pydockerfile-snapshot-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

function write(rel: string, content: string | Buffer): void {
  const file = path.join(root, ...rel.split('/'));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

write('requirements.txt', 'flask==3.0.3\n');
write('requirements/base.txt', 'requests>=2.31\n');
write('Requirements-Dev.txt', 'pytest\n');
write('.github/workflows/ci.yml', 'jobs: {}\n');
write('app/main.py', 'print("hi")\n');
write('binary.bin', Buffer.from([0x41, 0x00, 0x42]));
fs.mkdirSync(path.join(root, 'empty-dir'));
fs.symlinkSync(path.join(root, 'requirements.txt'), path.join(root, 'linked.txt'));
fs.symlinkSync(path.join(root, 'app'), path.join(root, 'linked-dir'));
fs.symlinkSync(path.join(root, 'nowhere.txt'), path.join(root, 'dangling.txt'));

const PATHS = [
  'requirements.txt',
  'requirements/base.txt',
  'requirements/missing.txt',
  'Requirements-Dev.txt',
  'requirements-dev.txt',
  '.github/workflows/ci.yml',
  '.github/workflows/other.yml',
  '.gitlab-ci.yml',
  'app',
  'app/main.py',
  'app/deeper/missing.py',
  'binary.bin',
  'empty-dir',
  'linked.txt',
  'linked-dir',
  'linked-dir/main.py',
  'dangling.txt',
  'requirements.txt/inside',
  'poetry.lock',
];

describe('nodeWorkspaceFs with snapshot', () => {
  const plain = nodeWorkspaceFs(root);
  const snapshot = nodeWorkspaceFs(root, { snapshot: true });

  for (const rel of PATHS) {
    it(`reads and stats \`${rel}\` as the disk does`, () => {
      assert.deepEqual(snapshot.read(rel), plain.read(rel));
      assert.equal(snapshot.stat?.(rel), plain.stat?.(rel));
    });
  }

  for (const dir of ['', 'requirements', '.github/workflows', 'app', 'linked-dir', 'empty-dir', 'missing-dir', 'missing-dir/deeper', 'requirements.txt']) {
    it(`lists \`${dir === '' ? '.' : dir}\` as the disk does`, () => {
      assert.deepEqual(snapshot.list?.(dir), plain.list?.(dir));
    });
  }

  it('lists each folder once and answers for absent files without a system call', () => {
    // The module object itself (not an import namespace), so the spies see the calls of node-fs.
    const disk = rawFs();
    const stat = mock.method(disk, 'statSync');
    const readdir = mock.method(disk, 'readdirSync');
    try {
      const counted = nodeWorkspaceFs(path.join(root, 'app'), { snapshot: true });
      for (let i = 0; i < 3; i++) for (const rel of ['poetry.lock', 'uv.lock', '.dockerignore', 'main.py', 'deploy/missing.txt']) counted.read(rel);
      // One listing of the root; only the file that exists is looked at (the Workspace above caches reads).
      assert.deepEqual({ stat: stat.mock.callCount(), readdir: readdir.mock.callCount() }, { stat: 3, readdir: 1 });
    } finally {
      stat.mock.restore();
      readdir.mock.restore();
    }
  });
});

describe('nodeWorkspaceFs sharing a DiskSnapshot', () => {
  it('answers for every path and folder as the disk does, from the root and from a sub-folder', () => {
    const shared = new DiskSnapshot();
    const fromRoot = nodeWorkspaceFs(root, { snapshot: true, shared });
    const fromApp = nodeWorkspaceFs(path.join(root, 'app'), { snapshot: true, shared });
    const plainApp = nodeWorkspaceFs(path.join(root, 'app'));
    const plain = nodeWorkspaceFs(root);
    for (const rel of PATHS) {
      assert.deepEqual(fromRoot.read(rel), plain.read(rel), rel);
      assert.equal(fromRoot.stat?.(rel), plain.stat?.(rel), rel);
    }
    for (const rel of ['main.py', 'deeper/missing.py', 'requirements.txt', '']) {
      assert.deepEqual(fromApp.read(rel), plainApp.read(rel), rel);
      assert.deepEqual(fromApp.list?.(rel), plainApp.list?.(rel), rel);
    }
  });

  it('lists a folder once for all the file systems of a run, and never below a folder that is absent', () => {
    const disk = rawFs();
    const readdir = mock.method(disk, 'readdirSync');
    try {
      const shared = new DiskSnapshot();
      for (let i = 0; i < 3; i++) {
        const counted = nodeWorkspaceFs(path.join(root, 'app'), { snapshot: true, shared });
        for (const rel of ['main.py', '.github/workflows/ci.yml', 'missing-dir/deeper/file.txt']) counted.read(rel);
        counted.list?.('.github/workflows');
      }
      assert.equal(readdir.mock.callCount(), 1);
    } finally {
      readdir.mock.restore();
    }
  });

  it('tells a name is absent only from a listing it holds, in any spelling', () => {
    const shared = new DiskSnapshot();
    assert.equal(shared.lacks(root, 'pyproject.toml'), false, 'not listed yet: only the disk can tell');
    shared.keep(root, shared.peekListing(root));
    assert.equal(shared.lacks(root, 'pyproject.toml'), true);
    assert.equal(shared.lacks(root, 'requirements.txt'), false);
    // Another spelling exists: on a case-insensitive disk it would be the same file.
    assert.equal(shared.lacks(root, 'requirements-dev.txt'), false);
    assert.equal(shared.lacks(path.join(root, 'app'), 'pyproject.toml'), false, 'peeked, not kept');
  });
});

describe('findRepositoryRoot', () => {
  it('gives the same answer with a shared cache, for every folder below a repository', () => {
    fs.mkdirSync(path.join(root, 'repo', '.git'), { recursive: true });
    fs.mkdirSync(path.join(root, 'repo', 'a', 'b'), { recursive: true });
    fs.mkdirSync(path.join(root, 'repo', 'c'), { recursive: true });
    const cache = new Map<string, boolean>();
    for (const dir of ['repo/a/b', 'repo/a', 'repo/c', 'repo', 'app']) {
      const folder = path.join(root, dir);
      assert.equal(findRepositoryRoot(folder, 12, cache), findRepositoryRoot(folder));
    }
    assert.equal(findRepositoryRoot(path.join(root, 'repo', 'a', 'b'), 12, cache), path.join(root, 'repo'));
  });

  it('gives the same answer when a snapshot has listed the folders', () => {
    fs.mkdirSync(path.join(root, 'repo2', 'x'), { recursive: true });
    fs.writeFileSync(path.join(root, 'repo2', '.git'), 'gitdir: ../elsewhere\n');
    const snapshot = new DiskSnapshot();
    for (const dir of ['repo2/x', 'repo2', 'app']) snapshot.keep(path.join(root, dir), snapshot.peekListing(path.join(root, dir)));
    for (const dir of ['repo2/x', 'repo2', 'app']) assert.equal(findRepositoryRoot(path.join(root, dir), 12, new Map(), snapshot), findRepositoryRoot(path.join(root, dir)), dir);
    assert.equal(findRepositoryRoot(path.join(root, 'repo2', 'x'), 12, undefined, snapshot), path.join(root, 'repo2'));
  });
});
