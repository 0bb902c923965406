// Minimal inputs of the bugs the property suites found and that are fixed: each one is checked
// against every property on every `npm test` (pending rule bugs, which may share an input,
// stay excluded), so the bug cannot come back unnoticed.

/** One fixed bug and the smallest input that showed it. */
export interface Regression {
  /** What went wrong (and where it was fixed). */
  name: string;
  input: string;
  /** Build-context files the input needs, if any. */
  files?: Record<string, string>;
}

export const REGRESSIONS: readonly Regression[] = [
  {
    name: 'fix-all re-applied a fix that cannot resolve its finding (PYD501 inserting into an unterminated heredoc) on every pass; fixed in fix/apply.ts by undoing fixes that leave their finding in place',
    input: 'FROM python:3.12-slim\nRUN <<EOF\npip install flask\nFROM python:3.12-slim',
  },
  {
    name: "Optimize's edits doubled the byte-order mark when the first line changed (a line diff carries the mark, applyEdits moved it after the mark); fixed in fix/apply.ts",
    input: '\uFEFFFROM python:3.12-slim-bookworm as build\nRUN true\n',
  },
  {
    name: 'a one-line file without a line ending may get LF lines from fixes (the oracle first took that for a changed line ending)',
    input: 'FROM python:3.12-slim',
  },
  {
    name: "`optimize()` threw on an escape character followed by a lone CR (its size estimate read COPY operands through dockerfile-ast's `getHeredocs()`, which throws there); the Optimize pipeline no longer reads them that way",
    input: 'FROM python\nCOPY a \\\r#{ b\n',
  },
  {
    name: 'a CRLF file lost its last line break to one fix (PYD302 removing a lone `apt-get update`), and later passes added LF lines; fixed in fix/apply.ts by keeping the original line-ending style',
    input: '  FROM python:3.12-slim-bookworm\r\nRUN apt-get update \\\r\n',
  },
];
