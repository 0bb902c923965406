// The Optimize decisions list's text (client/src/decision-format.ts): what stands beside each
// title, and a placeholder that fits the input box.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DECISIONS_PLACEHOLDER, decisionDescription } from '../../client/src/decision-format';

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
