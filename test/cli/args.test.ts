// Option parsing and file-name rules of the CLI, tested in-process (no bundle needed).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { lastValue, listValues, parseArgs, type OptionSpec } from '../../server/src/cli/args';
import { isDockerfileName } from '../../server/src/cli/discover';
import { UsageError } from '../../server/src/cli/io';
import { contextReader } from '../../server/src/cli/read-input';
import { tempDir } from './run-cli';

const SPECS: OptionSpec[] = [
  { name: 'format', takesValue: true, choices: ['text', 'json'] },
  { name: 'select', takesValue: true },
  { name: 'unsafe', takesValue: false },
  { name: 'help', short: 'h', takesValue: false },
];

describe('parseArgs', () => {
  it('reads values in both spellings, repeats, flags and positionals', () => {
    const args = parseArgs(['a', '--format=json', '--select', 'PYD201,PYD202', '--select=PYD301', '--unsafe', '-h', '--', '--not-an-option'], SPECS, 'check');
    assert.deepEqual(args.positionals, ['a', '--not-an-option']);
    assert.equal(lastValue(args, 'format', 'text'), 'json');
    assert.deepEqual(listValues(args, 'select'), ['PYD201', 'PYD202', 'PYD301']);
    assert.ok(args.options.has('unsafe') && args.options.has('help'));
    assert.equal(lastValue(parseArgs([], SPECS, 'check'), 'format', 'text'), 'text');
  });

  it('rejects unknown options, missing values, bad choices and values on flags', () => {
    const cases: [string[], RegExp][] = [
      [['--nope'], /unknown option `--nope` for `check`/],
      [['-x'], /unknown option `-x`/],
      [['--format'], /`--format` needs a value/],
      [['--format', '--unsafe'], /`--format` needs a value/],
      [['--format', 'xml'], /invalid value `xml` for `--format` \(expected text or json\)/],
      [['--unsafe=yes'], /`--unsafe` does not take a value/],
    ];
    for (const [argv, message] of cases) {
      assert.throws(() => parseArgs(argv, SPECS, 'check'), (e: unknown) => e instanceof UsageError && message.test(e.message), argv.join(' '));
    }
  });
});

describe('isDockerfileName', () => {
  it('matches the Dockerfile naming conventions only', () => {
    for (const name of ['Dockerfile', 'Containerfile', 'api.Dockerfile', 'Dockerfile.prod', 'Dockerfile.dev.arm64', 'Containerfile.fedora']) assert.ok(isDockerfileName(name), name);
    for (const name of ['dockerfile.md', 'Dockerfile.', 'Containerfile.', 'Containerfile.dockerignore', 'Dockerfile.dockerignore', 'api.Dockerfile.dockerignore', 'README.md', 'MyDockerfile']) assert.ok(!isDockerfileName(name), name);
  });
});

describe('contextReader', () => {
  it('reads text files inside the Dockerfile folder and nothing outside it', () => {
    const dir = tempDir('context');
    fs.mkdirSync(path.join(dir, 'app'));
    fs.writeFileSync(path.join(dir, 'app', 'Dockerfile'), 'FROM python:3.12-slim-bookworm\n');
    fs.writeFileSync(path.join(dir, 'app', 'requirements.txt'), 'flask==3.0.3\n');
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'outside the context\n');
    fs.writeFileSync(path.join(dir, 'app', 'blob.bin'), Buffer.from([1, 0, 2]));
    const read = contextReader(path.join(dir, 'app', 'Dockerfile'));
    assert.equal(read('requirements.txt'), 'flask==3.0.3\n');
    assert.equal(read('./requirements.txt'), 'flask==3.0.3\n');
    assert.equal(read('../secret.txt'), undefined);
    assert.equal(read(path.join(dir, 'secret.txt')), undefined);
    assert.equal(read('missing.txt'), undefined);
    assert.equal(read('blob.bin'), undefined);
    assert.equal(read('.'), undefined);
  });
});
