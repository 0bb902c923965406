// Finding the configuration of a Dockerfile on disk: the nearest folder with a config file wins,
// and `.pydockerfile.toml` wins over pyproject.toml in the same folder.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigFileCache, configInFolder, findConfig, loadConfigFile, type ConfigLookup } from '../../server/src/config/find-config';
import { formatWarning } from '../../server/src/config/read-layer';
import { ALL_RULES } from '../../server/src/rules/index';

const CATALOGUE = { rules: ALL_RULES, redirects: {} };
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pydockerfile-config-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

function tree(name: string, files: Record<string, string>): string {
  const dir = path.join(root, name);
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

function configPath(lookup: ConfigLookup): string | undefined {
  return lookup.kind === 'none' ? undefined : lookup.path;
}

describe('findConfig', () => {
  it('takes the nearest folder with a config file, and never merges files further up', () => {
    const dir = tree('nearest', {
      'pyproject.toml': '[tool.pydockerfile]\nignore = ["PYD201"]\npreview = true\n',
      'services/api/pyproject.toml': '[tool.pydockerfile]\nignore = ["PYD202"]\n',
      'services/api/docker/Dockerfile': 'FROM scratch\n',
      'services/web/Dockerfile': 'FROM scratch\n',
    });
    const api = findConfig(path.join(dir, 'services/api/docker'), CATALOGUE);
    assert.equal(configPath(api), path.join(dir, 'services/api/pyproject.toml'));
    assert.deepEqual(api.kind === 'config' ? [api.layer.ignore, api.layer.preview] : [], [['PYD202'], undefined]);
    assert.equal(configPath(findConfig(path.join(dir, 'services/web'), CATALOGUE)), path.join(dir, 'pyproject.toml'));
  });

  it('skips a pyproject.toml without [tool.pydockerfile] and keeps looking upwards', () => {
    const dir = tree('skip', { '.pydockerfile.toml': 'ignore = ["PYD201"]\n', 'app/pyproject.toml': '[project]\nname = "app"\n' });
    assert.equal(configPath(findConfig(path.join(dir, 'app'), CATALOGUE)), path.join(dir, '.pydockerfile.toml'));
  });

  it('prefers .pydockerfile.toml over pyproject.toml in one folder, and says the other is ignored', () => {
    const dir = tree('both', { '.pydockerfile.toml': 'ignore = ["PYD201"]\n', 'pyproject.toml': '[tool.pydockerfile]\nignore = ["PYD202"]\n' });
    const lookup = configInFolder(dir, CATALOGUE);
    assert.equal(configPath(lookup), path.join(dir, '.pydockerfile.toml'));
    assert.deepEqual(lookup.kind === 'config' ? lookup.warnings.map(formatWarning) : [], [
      `${path.join(dir, 'pyproject.toml')}: \`[tool.pydockerfile]\` is ignored: \`.pydockerfile.toml\` in the same folder takes precedence`,
    ]);
    const onlyProject = tree('both-plain', { '.pydockerfile.toml': 'ignore = ["PYD201"]\n', 'pyproject.toml': '[project]\nname = "x"\n' });
    const plain = configInFolder(onlyProject, CATALOGUE);
    assert.deepEqual(plain.kind === 'config' ? plain.warnings : ['not found'], [], 'a pyproject.toml without our section is not shadowed');
  });

  it('returns the error of a broken nearest file instead of falling back to one further up', () => {
    const dir = tree('broken', { 'pyproject.toml': '[tool.pydockerfile]\nignore = ["PYD201"]\n', 'app/.pydockerfile.toml': 'ignore = [\n' });
    const lookup = findConfig(path.join(dir, 'app'), CATALOGUE);
    assert.equal(lookup.kind, 'error');
    assert.equal(configPath(lookup), path.join(dir, 'app/.pydockerfile.toml'));
  });

  it('finds nothing when no folder up to the root has a config file', () => {
    const dir = tree('none', { 'Dockerfile': 'FROM scratch\n' });
    // The temp folder's parents are outside the test's control; this folder's own lookup must be empty.
    assert.equal(configInFolder(dir, CATALOGUE).kind, 'none');
  });
});

describe('loadConfigFile (--config FILE)', () => {
  it('loads a named file by its format, and treats a missing file or section as an error', () => {
    const dir = tree('explicit', { 'ci.toml': 'ignore = ["PYD201"]\n', 'pyproject.toml': '[project]\nname = "x"\n' });
    const own = loadConfigFile(path.join(dir, 'ci.toml'), CATALOGUE);
    assert.deepEqual(own.kind === 'config' ? own.layer.ignore : [], ['PYD201']);
    assert.deepEqual(loadConfigFile(path.join(dir, 'pyproject.toml'), CATALOGUE), {
      kind: 'error',
      path: path.join(dir, 'pyproject.toml'),
      message: `${path.join(dir, 'pyproject.toml')}: has no \`[tool.pydockerfile]\` table`,
    });
    assert.equal(loadConfigFile(path.join(dir, 'missing.toml'), CATALOGUE).kind, 'error');
  });
});

describe('ConfigFileCache', () => {
  it('reads each folder once until cleared', () => {
    const dir = tree('cache', { '.pydockerfile.toml': 'ignore = ["PYD201"]\n', 'a/Dockerfile': '', 'b/Dockerfile': '' });
    const cache = new ConfigFileCache(CATALOGUE);
    assert.equal(configPath(cache.lookup(path.join(dir, 'a'))), path.join(dir, '.pydockerfile.toml'));
    fs.writeFileSync(path.join(dir, '.pydockerfile.toml'), 'ignore = ["PYD202"]\n');
    const cached = cache.lookup(path.join(dir, 'b'));
    assert.deepEqual(cached.kind === 'config' ? cached.layer.ignore : [], ['PYD201'], 'served from the cache');
    cache.clear();
    const fresh = cache.lookup(path.join(dir, 'b'));
    assert.deepEqual(fresh.kind === 'config' ? fresh.layer.ignore : [], ['PYD202']);
  });
});
