// Pure parsers of the workspace model: requirements, pyproject, locks, Pipfile, `.python-version`,
// gunicorn.conf.py, entry scripts and CI files.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCiFile, readBuildArgs } from '../../server/src/workspace/ci';
import { parseEntryScript } from '../../server/src/workspace/entry-script';
import { parseGunicornConf } from '../../server/src/workspace/gunicorn-conf';
import { newestSatisfying, parsePipfile, parsePipfileLock, parsePyproject, parsePythonVersionFile, parseTomlLock } from '../../server/src/workspace/project-files';
import { parseRequirements } from '../../server/src/workspace/requirements';

describe('parseRequirements', () => {
  const text = [
    '# base',
    '-r common.txt',
    '--constraint=constraints.txt',
    '-e git+https://github.com/example/lib.git@v1.2#egg=example-lib',
    'Flask[async]==3.1.2 ; python_version >= "3.9"  # web',
    'gunicorn>=22,<24',
    'Django==5.*',
    'requests===2.32.5',
    'urllib3==2.5.0 \\',
    '    --hash=sha256:aaaa \\',
    '    --hash=sha256:bbbb',
    'shop-utils @ git+https://github.com/example/utils.git',
    'https://example.com/pkgs/thing-1.0-py3-none-any.whl',
    './vendor/local_pkg',
    '${PRIVATE_PACKAGE}',
    '--require-hashes',
    '',
  ].join('\r\n');
  const parsed = parseRequirements(text);
  const row = (i: number): string => {
    const e = parsed.entries[i];
    return e ? `${e.kind}|${e.line}|${e.name ?? ''}|${e.specifier ?? ''}|${e.pinned}|${e.hashes}|${e.target ?? ''}|${e.dynamic}` : 'none';
  };

  it('reads includes, constraints and editables', () => {
    assert.equal(row(0), 'include|1|||true|0|common.txt|false');
    assert.equal(row(1), 'constraints|2|||true|0|constraints.txt|false');
    assert.equal(row(2), 'editable|3|example-lib||true|0|git+https://github.com/example/lib.git@v1.2#egg=example-lib|false');
  });

  it('tells exact pins from ranges and wildcards, markers and comments aside', () => {
    assert.equal(row(3), 'requirement|4|flask|==3.1.2|true|0||false');
    assert.equal(row(4), 'requirement|5|gunicorn|>=22,<24|false|0||false');
    assert.equal(row(5), 'requirement|6|django|==5.*|false|0||false');
    assert.equal(row(6), 'requirement|7|requests|===2.32.5|true|0||false');
  });

  it('joins continuation lines and counts hashes on the first line of the entry', () => {
    assert.equal(row(7), 'requirement|8|urllib3|==2.5.0|true|2||false');
  });

  it('reads URLs, paths and variables', () => {
    assert.equal(row(8), 'url|11|shop-utils||false|0||false');
    assert.equal(row(9), 'url|12|||true|0||false');
    assert.equal(row(10), 'path|13|||true|0||false');
    assert.equal(row(11).split('|').pop(), 'true');
    assert.equal(parsed.requireHashes, true);
    assert.equal(parsed.entries.length, 13);
  });
});

describe('parsePyproject', () => {
  it('reads [project], dependency groups and Poetry tables', () => {
    const parsed = parsePyproject(
      '[project]\nname = "shop"\nrequires-python = ">=3.11"\ndependencies = ["Flask>=3", "psycopg2==2.9.10; sys_platform == \\"linux\\""]\n[project.optional-dependencies]\ndev = ["pytest"]\n[dependency-groups]\nlint = ["ruff"]\n[tool.poetry.group.docs.dependencies]\nmkdocs = "*"\n[tool.uv]\n',
    );
    assert.ok(parsed.ok);
    assert.equal(parsed.value.requiresPython, '>=3.11');
    assert.deepEqual([...parsed.value.dependencyNames].sort(), ['flask', 'mkdocs', 'psycopg2', 'pytest', 'ruff']);
    assert.equal(parsed.value.uv, true);
    assert.equal(parsed.value.poetry, true);
  });

  it('takes Poetry\'s python dependency as requires-python and spots VCS versioning', () => {
    const poetry = parsePyproject('[tool.poetry.dependencies]\npython = "^3.12"\n[build-system]\nrequires = ["poetry-core", "poetry-dynamic-versioning>=1"]\n');
    assert.ok(poetry.ok);
    assert.equal(poetry.value.requiresPython, '^3.12');
    assert.equal(poetry.value.versionFromVcs, true);
    const hatch = parsePyproject('[project]\ndynamic = ["version"]\n[tool.hatch.version]\nsource = "vcs"\n');
    assert.ok(hatch.ok && hatch.value.versionFromVcs);
    const plain = parsePyproject('[build-system]\nrequires = ["hatchling"]\n');
    assert.ok(plain.ok && !plain.value.versionFromVcs);
  });

  it('reports a syntax error with its position', () => {
    const broken = parsePyproject('[project\nname = "x"\n');
    assert.ok(!broken.ok);
    assert.match(broken.error, /^invalid TOML at line 1, column \d+/);
  });
});

describe('lock files, Pipfile and .python-version', () => {
  it('reads the locked versions of Poetry, uv and PDM locks', () => {
    const lock = '[[package]]\nname = "Flask"\nversion = "3.1.2"\n\n[[package]]\nname = "zope.interface"\nversion = "7.2"\n';
    for (const kind of ['poetry', 'uv', 'pdm'] as const) {
      const parsed = parseTomlLock(kind, lock);
      assert.ok(parsed.ok);
      assert.deepEqual([...parsed.value.versions], [['flask', '3.1.2'], ['zope-interface', '7.2']]);
    }
  });

  it('reads Pipfile.lock as JSON and refuses what is not JSON', () => {
    const parsed = parsePipfileLock('{"default": {"Django": {"version": "==5.2.8"}}, "develop": {"pytest": {"version": "==8.4.2"}, "local": {"path": "."}}}');
    assert.ok(parsed.ok);
    assert.deepEqual([...parsed.value.versions], [['django', '5.2.8'], ['pytest', '8.4.2']]);
    const broken = parsePipfileLock('{"default": ');
    assert.ok(!broken.ok);
    assert.match(broken.error, /^invalid JSON/);
  });

  it('reads a Pipfile', () => {
    const parsed = parsePipfile('[packages]\nFlask = "*"\n[dev-packages]\npytest = "*"\n[requires]\npython_version = "3.12"\n');
    assert.ok(parsed.ok);
    assert.deepEqual([...parsed.value.packages], ['flask', 'pytest']);
    assert.equal(parsed.value.pythonVersion, '3.12');
  });

  it('reads the minor of .python-version', () => {
    assert.equal(parsePythonVersionFile('3.12.4\n'), '3.12');
    assert.equal(parsePythonVersionFile('# pinned\n\ncpython-3.11\n'), '3.11');
    assert.equal(parsePythonVersionFile('3.13t\n'), '3.13');
    assert.equal(parsePythonVersionFile('pypy3.10\n'), null);
    assert.equal(parsePythonVersionFile('system\n'), null);
  });

  it('picks the newest minor a requires-python allows', () => {
    const minors = ['3.14', '3.13', '3.12', '3.11', '3.10'];
    const table: [string, string | null][] = [
      ['>=3.11', '3.14'],
      ['>=3.10,<3.13', '3.12'],
      ['~=3.11', '3.14'],
      ['~=3.11.2', '3.11'],
      ['^3.11', '3.14'],
      ['~3.12', '3.12'],
      ['==3.12.*', '3.12'],
      ['>3.12', '3.14'],
      ['<=3.11', '3.11'],
      ['!=3.14.*,>=3.12', '3.13'],
      ['<3.8', null],
      ['>=3.8 || <2', null],
      ['whatever', null],
    ];
    for (const [spec, expected] of table) assert.equal(newestSatisfying(spec, minors), expected, spec);
  });
});

describe('parseGunicornConf', () => {
  it('reads top-level assignments, literals and multi-line lists, never indented ones', () => {
    const conf = parseGunicornConf('import os\nbind = ["0.0.0.0:8000",\n        "[::]:8000"]\nworkers: int = 4  # fixed\nif os.environ.get("X"):\n    workers = 8\ntimeout = os.environ.get("T", "30")\nloglevel = \'info\'\n');
    assert.deepEqual(conf.assignments.map((a) => [a.name, a.line, a.string, a.number]), [
      ['bind', 1, null, null],
      ['workers', 3, null, 4],
      ['timeout', 6, null, null],
      ['loglevel', 7, 'info', null],
    ]);
    assert.equal(parseGunicornConf('bind = ["0.0.0.0:9000"]\n').get('bind')?.string, '0.0.0.0:9000');
    assert.equal(parseGunicornConf('bind = "a"\nbind = "b"\n').get('bind')?.string, 'b');
  });
});

describe('parseEntryScript', () => {
  it('finds the last command, where `exec` goes, and `set -e`', () => {
    const script = parseEntryScript('#!/bin/bash\nset -euo pipefail\n# go\ncd /app && FLASK_ENV=prod gunicorn app:app \\\n  --bind 0.0.0.0:80\n', 'start.sh');
    assert.equal(script.shell, true);
    assert.equal(script.errexit, true);
    assert.equal(script.commandsBefore, 1);
    assert.deepEqual(script.last && [script.last.line, script.last.column, script.last.execColumn, script.last.words[0], script.last.exec], [3, 11, 26, 'gunicorn', false]);
  });

  it('knows errexit from the #! line and exec at the end', () => {
    const script = parseEntryScript('#!/usr/bin/env sh -e\nexec "$@"\n', 'entrypoint');
    assert.equal(script.errexit, true);
    assert.equal(script.last?.exec, true);
    assert.deepEqual(script.last?.words, ['exec', '$@']);
  });

  it('gives up on compound commands, background jobs, pipelines and heredocs', () => {
    for (const body of ['if true; then\n  gunicorn a\nfi\n', 'gunicorn a &\n', 'gunicorn a | tee log\n', 'cat <<EOF\nx\nEOF\ngunicorn a\n', 'wait\n']) {
      assert.equal(parseEntryScript(`#!/bin/sh\n${body}`, 'start.sh').last, null, body);
    }
  });

  it('tells shell scripts from other interpreters', () => {
    assert.equal(parseEntryScript('#!/usr/bin/env python3\nprint(1)\n', 'start').shell, false);
    assert.equal(parseEntryScript('gunicorn app\n', 'run.sh').shell, true);
    assert.equal(parseEntryScript('gunicorn app\n', 'run').shell, false);
  });
});

describe('CI files', () => {
  it('reads docker build options: Dockerfile, cache, tags', () => {
    assert.deepEqual(readBuildArgs(['-t', 'a:1', '--file=docker/app.Dockerfile', '--cache-from', 'type=gha', 'services/api']), { dockerfile: 'docker/app.Dockerfile', cache: true, tags: ['a:1'] });
    assert.deepEqual(readBuildArgs(['--pull', '--push', '-t', 'b', 'services/api']), { dockerfile: 'services/api/Dockerfile', cache: false, tags: ['b'] });
    assert.equal(readBuildArgs(['-f', '$FILE', '.']).dockerfile, null);
    assert.equal(readBuildArgs(['--unknown-flag', '.']).dockerfile, null);
    assert.equal(readBuildArgs(['https://github.com/x/y.git']).dockerfile, null);
  });

  it('finds builds in GitLab scripts with their positions', () => {
    const text = 'variables:\n  NOTE: docker build is done below\nbuild:\n  before_script:\n    - docker login\n  script:\n    - |\n      echo building\n      docker buildx build --cache-to type=inline -t app . && docker push app\n    - docker image build -f Dockerfile.prod .\n';
    const parsed = parseCiFile('.gitlab-ci.yml', 'gitlab', text);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.value.builds.map((b) => [b.line, b.column, b.label, b.dockerfile, b.cache]), [
      [8, 6, 'docker buildx build', 'Dockerfile', true],
      [9, 6, 'docker image build', 'Dockerfile.prod', false],
    ]);
  });

  it('finds docker/build-push-action steps and run steps in GitHub workflows', () => {
    const text = 'jobs:\n  b:\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          context: ./api\n          tags: |\n            a:latest\n            a:${{ github.sha }}\n          cache-from: type=gha\n      - run: docker build -t x ./worker\n';
    const parsed = parseCiFile('.github/workflows/ci.yml', 'github', text);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.value.builds.map((b) => [b.line, b.label, b.dockerfile, b.cache, b.tags.length]), [
      [3, 'docker/build-push-action', 'api/Dockerfile', true, 2],
      [10, 'docker build', 'worker/Dockerfile', false, 1],
    ]);
  });

  it('reads Jenkinsfile sh steps and docker.build calls', () => {
    const text = "node {\n  // sh 'docker build .'\n  sh 'docker build -t app:${BUILD_ID} .'\n  def img = docker.build(\"app:1\", \"-f ci/Dockerfile .\")\n}\n";
    const parsed = parseCiFile('Jenkinsfile', 'jenkins', text);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.value.builds.map((b) => [b.line, b.column, b.dockerfile]), [
      [2, 6, 'Dockerfile'],
      [3, 12, 'ci/Dockerfile'],
    ]);
  });

  it('reports invalid YAML', () => {
    const parsed = parseCiFile('bitbucket-pipelines.yml', 'bitbucket', 'pipelines:\n  default: [\n');
    assert.ok(!parsed.ok);
    assert.match(parsed.error, /^invalid YAML: /);
  });
});
