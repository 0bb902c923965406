// The fix-safety note in a finding's hover: only when the finding has an unsafe fix, and short,
// so the why and the better form are not buried under a 2,000-character note.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MarkupKind } from 'vscode-languageserver';
import type { Finding } from '../../server/src/engine/lint';
import { FIX_SAFETY_CHARS, leadSentences, ruleHoverText } from '../../server/src/features/hover';
import { ALL_RULES } from '../../server/src/rules/index';
import type { Fix } from '../../server/src/rules/types';

const range = { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } };

function findingOf(code: string, fixes: Fix[]): Finding {
  return { code, name: code, severity: 'warning', message: 'm', range, fixes, docsUrl: `https://example.test/${code}.md`, unnecessary: false };
}

const unsafe: Fix = { title: 'Do it', applicability: 'unsafe', edits: [{ range, newText: 'x' }] };
const safe: Fix = { ...unsafe, applicability: 'safe' };

describe('leadSentences', () => {
  it('keeps a short text whole', () => {
    assert.deepEqual(leadSentences('One. Two.', 100), { text: 'One. Two.', cut: false });
  });
  it('cuts after the last sentence that fits, not inside code', () => {
    const text = 'First ends here. Second has `setup.py` and `e.g. this` inside. Third is long and goes past the limit.';
    assert.deepEqual(leadSentences(text, 70), { text: 'First ends here. Second has `setup.py` and `e.g. this` inside.', cut: true });
  });
  it('keeps at least the first sentence, even when it is longer than the limit', () => {
    assert.deepEqual(leadSentences('A very long first sentence. B.', 5), { text: 'A very long first sentence.', cut: true });
  });
});

describe('fix safety in hovers', () => {
  const longest = [...ALL_RULES].filter((r) => r.docs.fixSafety !== undefined).sort((a, b) => (b.docs.fixSafety?.length ?? 0) - (a.docs.fixSafety?.length ?? 0))[0];
  assert.ok(longest && (longest.docs.fixSafety?.length ?? 0) > FIX_SAFETY_CHARS * 2, 'some rule has a long fix-safety note');

  it('shows the lead of a long note with a link to the rest, for a finding with an unsafe fix', () => {
    const text = ruleHoverText(findingOf(longest.code, [unsafe]), longest, MarkupKind.Markdown);
    const line = text.split('\n\n').find((p) => p.startsWith('**Fix safety:**'));
    assert.ok(line, text);
    assert.ok(line.length < FIX_SAFETY_CHARS + 120, `${line.length} characters`);
    assert.ok(line.endsWith(`[More](https://example.test/${longest.code}.md#fix-safety)`), line);
  });

  it('leaves the note out when the finding has only safe fixes, or none', () => {
    for (const fixes of [[safe], []]) assert.doesNotMatch(ruleHoverText(findingOf(longest.code, fixes), longest, MarkupKind.Markdown), /Fix safety/);
  });

  it('gives plain-text clients the link as text', () => {
    const text = ruleHoverText(findingOf(longest.code, [unsafe]), longest, MarkupKind.PlainText);
    assert.match(text, /Fix safety: .+ More: https:\/\/example\.test\/\S+#fix-safety/);
  });
});
