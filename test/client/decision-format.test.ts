// The Optimize decisions list's text (client/src/decision-format.ts): what stands beside each
// title, and a placeholder that fits the input box.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DECISIONS_PLACEHOLDER, decisionDescription, formatCounts } from '../../client/src/decision-format';

describe('decisions list text', () => {
  it('names the id, the codes and a default that is off', () => {
    assert.equal(decisionDescription({ id: 'multi-stage', codes: ['PYD206', 'PYD101'], default: true }), 'multi-stage · PYD206, PYD101');
    assert.equal(decisionDescription({ id: 'healthcheck', codes: ['PYD415'], default: false }), 'healthcheck · PYD415 · off by default');
  });

  it('does not repeat the code a fix:PYDnnn id already names', () => {
    assert.equal(decisionDescription({ id: 'fix:PYD408', codes: ['PYD408'], default: true }), 'fix:PYD408');
    assert.equal(decisionDescription({ id: 'fix:PYD304', codes: ['PYD304'], default: false }), 'fix:PYD304 · off by default');
  });

  it('has a placeholder that fits the quick input box, Escape included', () => {
    assert.ok(DECISIONS_PLACEHOLDER.length <= 60, DECISIONS_PLACEHOLDER);
    assert.match(DECISIONS_PLACEHOLDER, /Escape cancels$/);
  });
});

describe('fixed problems by code', () => {
  it('counts repeats and names the rewrite that fixed a problem for its rule', () => {
    assert.equal(formatCounts([{ code: 'PYD201', count: 2 }, { code: 'PYD210', count: 1, via: 'multi-stage' }, { code: 'PYD401', count: 1 }]), 'PYD201 ×2, PYD210 (multi-stage), PYD401');
    assert.equal(formatCounts([]), '');
  });
});
