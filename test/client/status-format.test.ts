// The Dockerfile language status item's text (client/src/status-format.ts): rule counts from the
// server's rule summary, the active file's problems, and where the settings came from.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeStatus, parseRuleSummary } from '../../client/src/status-format';
import type { RuleSummaryResult } from '../../server/src/protocol';

const summary: RuleSummaryResult = {
  total: 63,
  enabled: 61,
  fixable: 40,
  problems: { error: 1, warning: 2, info: 0, hint: 4 },
  configFile: 'pyproject.toml',
};

describe('language status item text', () => {
  it('shows enabled of total rules and the problem count, with the config file as detail', () => {
    assert.deepEqual(describeStatus({ errors: 1, warnings: 2, infos: 0 }, summary), {
      text: 'pydockerfile: 61 of 63 rules · 3 problems',
      detail: 'settings from pyproject.toml',
    });
  });

  it('says so when no config file applies and the file is clean', () => {
    assert.deepEqual(describeStatus({ errors: 0, warnings: 0, infos: 0 }, { ...summary, configFile: null }), {
      text: 'pydockerfile: 61 of 63 rules · no problems',
      detail: 'no config file',
    });
  });

  it('uses the singular for one rule and one problem', () => {
    const one = { ...summary, total: 1, enabled: 1, fixable: 0 };
    assert.equal(describeStatus({ errors: 0, warnings: 0, infos: 1 }, one).text, 'pydockerfile: 1 of 1 rule · 1 problem');
  });

  it('shows the problems alone when the server gave no rule summary (older server, failed request)', () => {
    assert.deepEqual(describeStatus({ errors: 0, warnings: 3, infos: 2 }, undefined), {
      text: 'pydockerfile: 5 problems',
      detail: '3 warnings, 2 info',
    });
  });
});

describe('rule summary answer', () => {
  it('accepts the protocol shape', () => {
    assert.deepEqual(parseRuleSummary(JSON.parse(JSON.stringify(summary))), summary);
  });

  it('answers nothing for null (a document the server does not know) and malformed answers', () => {
    const malformed: unknown[] = [
      null,
      'ok',
      [],
      { ...summary, enabled: 64 },
      { ...summary, fixable: 62 },
      { ...summary, total: -1 },
      { ...summary, enabled: 1.5 },
      { ...summary, problems: { error: 0, warning: 0, info: 0 } },
      { ...summary, configFile: 3 },
      { total: 63, enabled: 61 },
    ];
    for (const value of malformed) assert.equal(parseRuleSummary(value), undefined, JSON.stringify(value));
  });
});
