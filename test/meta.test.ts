// Registry invariants: well-formed identity, a module file and a fixture per rule, complete
// docs whose examples behave as documented, consistent fix declarations, fresh generated files.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { lint } from '../server/src/engine/lint';
import { ALL_RULES, ruleByCode, ruleByName } from '../server/src/rules/index';
import type { Rule } from '../server/src/rules/types';
import { GeneratorError, generateFiles, staleDocs, updatePackageJson, updateReadme } from '../scripts/generate';
import { parseFixture } from './support/fixtures';
import { FIXTURE_DIR, REPO_ROOT } from './support/paths';

/** The date fixtures use, so date-dependent rules (end of life) judge docs examples reproducibly. */
const TODAY = '2026-11-25';
const CATEGORIES = ['meta', 'base-image', 'dependencies', 'layers-and-cache', 'runtime', 'security'];
const SEVERITIES = ['error', 'warning', 'info', 'hint'];
const STATUSES = ['stable', 'preview', 'deprecated', 'removed'];

/** Lints with only `rule`; `files` play the build context (workspace rules need one). */
function findingsOf(rule: Rule, text: string, files?: Readonly<Record<string, string>>): ReturnType<typeof lint>['findings'] {
  return lint(text, { only: [rule.code], env: { today: TODAY, ...(files ? { readContextFile: (p: string) => files[p.replace(/^\.\//, '')] } : {}) } }).findings;
}

describe('rule registry', () => {
  it('has unique, well-formed codes and names', () => {
    const codes = ALL_RULES.map((r) => r.code);
    const names = ALL_RULES.map((r) => r.name);
    assert.deepEqual(codes.filter((c, i) => codes.indexOf(c) !== i), [], 'duplicate codes');
    assert.deepEqual(names.filter((n, i) => names.indexOf(n) !== i), [], 'duplicate names');
    for (const rule of ALL_RULES) {
      assert.match(rule.code, /^PYD\d{3}$/, `code of ${rule.name}`);
      assert.match(rule.name, /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, `${rule.code}: name must be kebab-case`);
      assert.equal(ruleByCode(rule.code), rule, `${rule.code} not found by code`);
      assert.equal(ruleByName(rule.name), rule, `${rule.code} not found by name`);
    }
  });

  it('lists rules in code order', () => {
    const codes = ALL_RULES.map((r) => r.code);
    assert.deepEqual(codes, [...codes].sort(), 'keep server/src/rules/index.ts in code order');
  });

  it('puts each code in the hundred of its category', () => {
    const hundreds: Record<string, string> = { meta: '0', 'base-image': '1', dependencies: '2', 'layers-and-cache': '3', runtime: '4', security: '5' };
    for (const rule of ALL_RULES) {
      assert.ok(CATEGORIES.includes(rule.category), `${rule.code}: unknown category ${rule.category}`);
      assert.equal(rule.code[3], hundreds[rule.category], `${rule.code} is ${rule.category}, which uses PYD${hundreds[rule.category] ?? '?'}xx`);
    }
  });

  it('declares valid severity, status, since and hadolint codes', () => {
    for (const rule of ALL_RULES) {
      assert.ok(SEVERITIES.includes(rule.defaultSeverity), `${rule.code}: severity ${rule.defaultSeverity}`);
      assert.ok(STATUSES.includes(rule.status), `${rule.code}: status ${rule.status}`);
      assert.match(rule.since, /^\d+\.\d+\.\d+$/, `${rule.code}: since must be a version`);
      for (const code of rule.hadolint ?? []) assert.match(code, /^DL\d{4}$/, `${rule.code}: hadolint code ${code}`);
    }
  });
});

for (const rule of ALL_RULES) {
  describe(`${rule.code} ${rule.name} metadata`, () => {
    it('lives in server/src/rules/<name>.ts as the default export', () => {
      const source = path.join(REPO_ROOT, 'server', 'src', 'rules', `${rule.name}.ts`);
      assert.ok(fs.existsSync(source), `missing ${path.relative(REPO_ROOT, source)}: the file name must equal the rule name`);
      // The compiled module sits at the same relative place under out/.
      const compiled = require(path.join(__dirname, '..', 'server', 'src', 'rules', rule.name)) as { default?: unknown };
      assert.equal(compiled.default, rule, `${rule.name}.ts must \`export default\` this rule`);
    });

    it('has a fixture in test/rules/<name>.md', () => {
      assert.ok(fs.existsSync(path.join(FIXTURE_DIR, `${rule.name}.md`)), `missing test/rules/${rule.name}.md`);
    });

    it('has a complete title and docs', () => {
      assert.match(rule.title, /\S/, 'title');
      assert.doesNotMatch(rule.title, /\.$/, 'title ends with a period');
      const { docs } = rule;
      for (const field of ['whatItDoes', 'whyItMatters', 'example', 'useInstead'] as const) {
        assert.match(docs[field], /\S/, `docs.${field} is empty`);
      }
      assert.ok(docs.references.length > 0, 'docs.references is empty');
      for (const ref of docs.references) assert.match(ref, /^https:\/\/\S+$/, `reference is not an https URL: ${ref}`);
      if (docs.fixSafety !== undefined) assert.match(docs.fixSafety, /\S/, 'docs.fixSafety is empty');
    });

    it('documents fix safety whenever a fix can be unsafe', () => {
      if (rule.fix.applicability === 'unsafe') assert.ok(rule.docs.fixSafety, 'unsafe applicability needs docs.fixSafety');
      if (rule.fix.availability === 'none') assert.equal(rule.fix.applicability, 'none', 'a rule without fixes declares applicability none');
      // What the fixtures show must match the declaration: unsafe fixes need the paragraph,
      // and a rule declared without fixes must not offer any.
      const file = path.join(FIXTURE_DIR, `${rule.name}.md`);
      if (!fs.existsSync(file)) return;
      const offered = parseFixture(fs.readFileSync(file, 'utf8')).flatMap((c) => findingsOf(rule, c.text, c.options.files)).flatMap((f) => f.fixes);
      if (offered.some((f) => f.applicability === 'unsafe')) assert.ok(rule.docs.fixSafety, 'the fixture shows an unsafe fix, so docs.fixSafety is required');
      if (rule.fix.availability === 'none') assert.equal(offered.length, 0, 'declared without fixes, but the fixture shows some');
      if (offered.length > 0) assert.notEqual(rule.fix.availability, 'none', 'the fixture shows fixes, so fix.availability cannot be none');
    });

    it('is triggered by docs.example and not by docs.useInstead', () => {
      assert.ok(findingsOf(rule, rule.docs.example, rule.docs.exampleFiles).length > 0, `docs.example does not trigger ${rule.code}`);
      const clean = findingsOf(rule, rule.docs.useInstead, rule.docs.useInsteadFiles ?? rule.docs.exampleFiles);
      assert.deepEqual(clean.map((f) => `${f.range.start.line + 1}: ${f.message}`), [], `docs.useInstead triggers ${rule.code}`);
    });
  });
}

describe('generated files', () => {
  let files: ReturnType<typeof generateFiles> = [];
  let generatorError: unknown;
  try {
    files = generateFiles(REPO_ROOT);
  } catch (error) {
    generatorError = error;
  }

  it('can be generated', () => {
    assert.equal(generatorError, undefined, `the generator fails: ${generatorError instanceof Error ? generatorError.message : String(generatorError)}`);
  });

  for (const file of files) {
    it(`${file.path} is up to date`, () => {
      const full = path.join(REPO_ROOT, file.path);
      assert.ok(fs.existsSync(full), `${file.path} is missing: run npm run generate`);
      assert.ok(fs.readFileSync(full, 'utf8') === file.content, `${file.path} is out of date: run npm run generate`);
    });
  }

  it('leaves no docs page of a rule that no longer exists', () => {
    assert.deepEqual(staleDocs(REPO_ROOT, files), [], 'stale pages in docs/rules: run npm run generate');
  });
});

describe('generator edits of files it shares', () => {
  const rules = ALL_RULES.slice(0, 2);

  it('fails with a clear message when package.json lacks the pydockerfile.rules setting', () => {
    const pkg = '{\n  "name": "x",\n  "contributes": { "configuration": { "properties": {} } }\n}\n';
    assert.throws(() => updatePackageJson(pkg, rules), (e: unknown) => e instanceof GeneratorError && /no `pydockerfile\.rules` setting/.test(e.message));
  });

  it('rewrites only the properties of pydockerfile.rules, whatever the surrounding formatting', () => {
    const head = '{\n  "name": "x",\n  "keywords": ["a", "b"],\n  "contributes": {\n    "configuration": [\n      { "title": "Other", "properties": { "other.x": { "type": "boolean" } } },\n      {\n        "properties": {\n          "pydockerfile.rules": {\n            "type": "object",\n            "properties": ';
    const tail = ',\n            "additionalProperties": { "type": "string" }\n          }\n        }\n      }\n    ]\n  }\n}\n';
    const out = updatePackageJson(`${head}{}${tail}`, rules);
    assert.ok(out.startsWith(head) && out.endsWith(tail), 'bytes outside the properties object changed');
    const middle = out.slice(head.length, out.length - tail.length);
    const parsed = JSON.parse(middle) as Record<string, { enum: string[]; markdownDescription: string }>;
    assert.deepEqual(Object.keys(parsed), rules.map((r) => r.code));
    assert.deepEqual(parsed[rules[0]?.code ?? '']?.enum, ['off', 'hint', 'info', 'warning', 'error']);
    assert.equal(parsed[rules[0]?.code ?? '']?.markdownDescription, `${rules[0]?.title ?? ''} (default: ${rules[0]?.defaultSeverity ?? ''})`);
    assert.match(middle, /^\{\n {14}"/, 'nested lines are indented two spaces deeper than the key');
    assert.equal(updatePackageJson(out, rules), out, 'not idempotent');
  });

  it('replaces only the README table between the markers and keeps CRLF', () => {
    const readme = 'intro\r\n<!-- rules-table:start -->\r\nold\r\n<!-- rules-table:end -->\r\noutro\r\n';
    const out = updateReadme(readme, rules);
    assert.ok(out.startsWith('intro\r\n<!-- rules-table:start -->\r\n| Code |'));
    assert.ok(out.endsWith('|\r\n<!-- rules-table:end -->\r\noutro\r\n'));
    assert.doesNotMatch(out, /[^\r]\n/);
    assert.throws(() => updateReadme('no markers', rules), GeneratorError);
  });
});
