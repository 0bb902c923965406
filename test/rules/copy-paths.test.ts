// Table-driven tests for the container-path helpers shared by the COPY/WORKDIR-aware rules.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDocument, type DocumentModel, type InstructionInfo } from '../../server/src/model/document-model';
import {
  classifySource,
  copyOperands,
  copyTarget,
  dirName,
  isWithin,
  joinPath,
  lastSegment,
  matchesGlob,
  normalizePath,
  relativeWithin,
  sourcePathFor,
  substitute,
  workdirBefore,
} from '../../server/src/rules/copy-paths';

/** The n-th instruction (0-based) with a given keyword. */
function nth(model: DocumentModel, keyword: string, n = 0): InstructionInfo {
  const info = model.byKeyword(keyword)[n];
  assert.ok(info, `no ${keyword} #${n}`);
  return info;
}

describe('path arithmetic', () => {
  const normalize: [string, string][] = [
    ['/app/./src//x/', '/app/src/x'],
    ['/app/../..', '/'],
    ['a/../../b', '../b'],
    ['./', '.'],
    ['', '.'],
    ['/', '/'],
  ];
  for (const [input, expected] of normalize) {
    it(`normalizes ${JSON.stringify(input)}`, () => assert.equal(normalizePath(input), expected));
  }

  it('joins relative paths and lets absolute ones win', () => {
    assert.equal(joinPath('/srv', 'venv'), '/srv/venv');
    assert.equal(joinPath('/srv', '../opt/venv/'), '/opt/venv');
    assert.equal(joinPath('/srv', '/opt/venv'), '/opt/venv');
  });

  it('splits directory and last segment', () => {
    assert.equal(dirName('requirements/prod.txt'), 'requirements');
    assert.equal(dirName('requirements.txt'), '.');
    assert.equal(dirName('/requirements.txt'), '/');
    assert.equal(lastSegment('src/app/'), 'app');
  });

  it('finds paths inside a directory, never beside it', () => {
    assert.equal(relativeWithin('/app/requirements.txt', '/app'), 'requirements.txt');
    assert.equal(relativeWithin('/app', '/app/'), '.');
    assert.equal(relativeWithin('/application/x', '/app'), null);
    assert.equal(relativeWithin('/etc/x', '/'), 'etc/x');
    assert.equal(relativeWithin('/app/x', '/srv'), null);
  });

  it('matches Docker globs on one segment', () => {
    assert.ok(matchesGlob('requirements-dev.txt', 'requirements*.txt'));
    assert.ok(matchesGlob('Pipfile.lock', 'Pipfile*'));
    assert.ok(matchesGlob('a1.txt', 'a[0-9].txt'));
    assert.ok(!matchesGlob('constraints.txt', 'requirements*.txt'));
    assert.ok(!matchesGlob('x.txt', 'x[.txt'));
  });
});

describe('COPY sources', () => {
  const kinds: [string, ReturnType<typeof classifySource>][] = [
    ['.', 'context'],
    ['./', 'context'],
    ['src/', 'directory'],
    ['./src', 'ambiguous'],
    ['requirements.txt', 'file'],
    ['Pipfile', 'file'],
    ['*.py', 'glob'],
    ['requirements*.txt', 'glob'],
    ['https://example.com/x.tar.gz', 'remote'],
  ];
  for (const [source, kind] of kinds) {
    it(`classifies ${source} as ${kind}`, () => assert.equal(classifySource(source), kind));
  }

  it('reads operands and flags, and resolves variables declared before', () => {
    const model = parseDocument('FROM python:3.12\nARG APP=/srv/app\nCOPY --chown=app:app --from=build src/ requirements.txt $APP/\n');
    const op = copyOperands(model, nth(model, 'COPY'));
    assert.ok(op);
    assert.deepEqual(op.sources, ['src/', 'requirements.txt']);
    assert.equal(op.dest, '/srv/app/');
    assert.equal(op.from, 'build');
    assert.equal(op.unresolved, false);
    assert.deepEqual(op.flags.map((f) => f.getName()), ['chown', 'from']);
  });

  it('gives up on JSON form, heredocs and quoted operands', () => {
    const model = parseDocument('FROM python:3.12\nCOPY ["a", "b/"]\nCOPY <<EOF /x\nhi\nEOF\nCOPY "my file.txt" ./\n');
    for (const info of model.byKeyword('COPY')) assert.equal(copyOperands(model, info), null);
  });

  it('keeps unknown variables and says so', () => {
    const model = parseDocument('FROM python:3.12\nCOPY . $APP_HOME\n');
    assert.equal(copyOperands(model, nth(model, 'COPY'))?.unresolved, true);
  });

  it('knows where a source lands', () => {
    const model = parseDocument('FROM python:3.12\nCOPY src/ app.py requirements.txt /srv/\nCOPY requirements.txt reqs.txt\n');
    const multi = copyOperands(model, nth(model, 'COPY'));
    const single = copyOperands(model, nth(model, 'COPY', 1));
    assert.ok(multi && single);
    assert.deepEqual(copyTarget(multi, 'src/', '/'), { kind: 'into', dir: '/srv' });
    assert.deepEqual(copyTarget(multi, 'app.py', '/'), { kind: 'files', paths: ['/srv/app.py'] });
    // Without a trailing slash the destination is a file name, unless it already is a directory.
    assert.deepEqual(copyTarget(single, 'requirements.txt', '/app'), { kind: 'files', paths: ['/app/reqs.txt', '/app/reqs.txt/requirements.txt'] });
  });

  it('maps a container path back to its build-context path', () => {
    const model = parseDocument('FROM python:3.12\nCOPY src/ .\nCOPY . /srv\nCOPY requirements*.txt ./\nCOPY requirements.txt requirements.txt\n');
    const [dir, all, glob, file] = model.byKeyword('COPY').map((i) => copyOperands(model, i));
    assert.ok(dir && all && glob && file);
    assert.equal(sourcePathFor(dir, 'src/', '/app', '/app/requirements.txt'), 'src/requirements.txt');
    assert.equal(sourcePathFor(dir, 'src/', '/app', '/srv/requirements.txt'), null);
    assert.equal(sourcePathFor(all, '.', '/', '/srv/req/base.txt'), 'req/base.txt');
    assert.equal(sourcePathFor(glob, 'requirements*.txt', '/app', '/app/requirements-dev.txt'), 'requirements-dev.txt');
    assert.equal(sourcePathFor(glob, 'requirements*.txt', '/app', '/app/constraints.txt'), null);
    assert.equal(sourcePathFor(file, 'requirements.txt', '/app', '/app/requirements.txt'), 'requirements.txt');
  });

  it('keeps absolute source paths of another stage', () => {
    const model = parseDocument('FROM python:3.12\nCOPY --from=builder /app .\nCOPY /src/ .\n');
    const [stage, context] = model.byKeyword('COPY').map((i) => copyOperands(model, i));
    assert.ok(stage && context);
    assert.equal(sourcePathFor(stage, '/app', '/srv', '/srv/requirements.txt'), '/app/requirements.txt');
    assert.equal(sourcePathFor(context, '/src/', '/srv', '/srv/requirements.txt'), 'src/requirements.txt');
  });
});

describe('WORKDIR in effect', () => {
  it('defaults to the image directory and follows relative WORKDIRs', () => {
    const model = parseDocument('FROM python:3.12\nRUN true\nWORKDIR /srv\nWORKDIR app\nRUN true\n');
    assert.deepEqual(workdirBefore(model, nth(model, 'RUN')), { dir: '/', fromImage: true });
    assert.deepEqual(workdirBefore(model, nth(model, 'RUN', 1)), { dir: '/srv/app', fromImage: false });
  });

  it('resolves ENV and global ARG values, and inherits from the parent stage', () => {
    const model = parseDocument('ARG BASE=/opt\nFROM python:3.12 AS base\nARG BASE\nENV APP=$BASE/app\nWORKDIR ${APP}\nFROM base\nRUN true\n');
    assert.deepEqual(workdirBefore(model, nth(model, 'RUN')), { dir: '/opt/app', fromImage: false });
  });

  it('returns null for a WORKDIR it cannot resolve', () => {
    const model = parseDocument('FROM python:3.12\nARG HOME_DIR\nWORKDIR $HOME_DIR/app\nRUN true\n');
    assert.equal(workdirBefore(model, nth(model, 'RUN')), null);
  });

  it('substitutes defaults only when they are literal', () => {
    assert.equal(substitute('${A:-/x}/y', new Map()), '/x/y');
    assert.equal(substitute('${A:-$B}/y', new Map()), '${A:-$B}/y');
    assert.equal(substitute('$A/y', new Map([['A', '/a']])), '/a/y');
  });
});

describe('isWithin: a container path equal to or inside a directory', () => {
  const cases: [path: string, dir: string, within: boolean][] = [
    ['/app', '/app', true],
    ['/app/src/main.py', '/app', true],
    ['/application', '/app', false],
    ['/ap', '/app', false],
    ['/app', '/app/src', false],
    ['/', '/', true],
    ['/etc/passwd', '/', true],
    ['/var/lib/apt/lists', '/var/lib/apt', true],
    ['/var/lib/aptitude', '/var/lib/apt', false],
  ];
  for (const [path, dir, within] of cases) {
    it(`${path} ${within ? 'is' : 'is not'} within ${dir}`, () => assert.equal(isWithin(path, dir), within));
  }

  it('agrees with the string test it replaced on every pair of sample paths', () => {
    const samples = ['/', '/a', '/ab', '/a/b', '/a/b/c', '/ab/c', '/b', '/a/bc', '/usr/local', '/usr/local/lib', '/usr/lib'];
    for (const path of samples) {
      for (const dir of samples) {
        const expected = dir === '/' || path === dir || path.startsWith(dir + '/');
        assert.equal(isWithin(path, dir), expected, `${path} in ${dir}`);
      }
    }
  });
});
