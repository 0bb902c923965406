// Minimal inputs of the bugs the property suites found and that are fixed: each one is checked
// against every property on every `npm test` (pending rule bugs, which may share an input,
// stay excluded; a time-bound bug's large input is held to its lint budget instead), so the
// bug cannot come back unnoticed.

/** One fixed bug and the smallest input that showed it. */
export interface Regression {
  /** What went wrong (and where it was fixed). */
  name: string;
  input: string;
  /** Build-context files the input needs, if any. */
  files?: Record<string, string>;
  /** The date the input is linted on, when it matters (default 2026-11-25). */
  today?: string;
  /**
   * For a time-bound bug: the CPU budget lint alone must keep on the input (milliseconds).
   * Such inputs are large, so only lint is timed instead of running every property.
   */
  budgetMs?: number;
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
  {
    name: 'a shell-form (invalid) SHELL was not counted as a syntax problem, so the behaviour checks judged a Dockerfile Docker refuses to build (PYD314 looked like it changed the CMD shell); fixed in fix/apply.ts `syntaxProblemCount`',
    input: 'FROM python:latest\nRUN curl | pipenv\nSHELL -c\nCMD {a,b}\n',
  },
  {
    name: 'fix-all was not idempotent: a no-op fix (PYD103 on a date after every known end of life) won its place in a pass, kept the fix it overlapped (PYD405) out and ended the run; fixed in fix/apply.ts by skipping fixes that change nothing',
    input: 'FROM python:3.8\nCOPY . .\r\nCMD ["python", "app.py"]\r',
    today: '2031-06-30',
  },
  {
    name: 'unsafe fix-all went in a circle (PYD103 upgrades the builder to 3.14, PYD108 sets it back to the 3.12 the venv was copied from) and stopped wherever the pass limit cut it, so a second run changed the result; fixed in fix/apply.ts by undoing a circle and dropping its fixes',
    input: 'FROM python:3.12-slim\nCOPY --from=python:3.12 /app/.venv .\nFROM python:3.12-slim',
    today: '2031-06-30',
  },
  {
    name: "dockerfile-ast's `getHeredocs()` threw a TypeError on an escape character followed by a lone CR, and every rule asking a COPY/RUN for heredocs crashed; fixed in model/document-model.ts (a failing heredoc scan answers no heredocs)",
    input: 'FROM python\nCOPY a \\\r#{ b\n',
  },
  {
    name: 'PYD103 offered a quick fix that changes nothing: once every Python minor it knows is past its end of life, `python:3.14-slim` was "upgraded" to `python:3.14-slim`; fixed in rules/end-of-life-python.ts (no fix when the image already runs the newest minor)',
    input: 'FROM python:3.14-slim\n',
    today: '2031-06-30',
  },
  {
    name: 'PYD303 appended `&& rm -rf /var/lib/apt/lists/*` to a RUN with a heredoc (here a `<<` typed into a word), text the shell parser leaves opaque: the cleanup could land in the heredoc body or after its terminator; fixed in rules/apt-lists-not-removed.ts (no fix when the RUN has a heredoc)',
    input: 'FROM python:3.12-slim-bookworm\nFROM python:3.12-slim-bookworm\nRUN pip install --no-cache-dir flask==3.0.3\nCOPY . /app\nRUN apt-get update && apt-get i<<EOFcaf\u00e9nstall -y --no-install-recommends curl',
  },
  {
    name: "a false alarm of the oracle, not of a rule: a DEL or non-ASCII character in a shell-form command is an ordinary word character to the shell, so PYD401's exec form runs the same argv (the oracle's word splitter now accepts them)",
    input: 'FROM python:3.12-slim-bookworm\nCMD \u007fpython caf\u00e9.py\n',
  },
  {
    name: 'PYD503 was cubic in the number of COPY/WORKDIR instructions of a stage (`firstWrite` recomputed the working directory and variables before every instruction for every pair): 400 lines took about 1.2 s of CPU, 800 lines 8 s, 1,600 lines a minute; fixed in rules/root-owned-copy.ts and rules/copy-paths.ts (about 0.1 s for these 600 lines, 0.4 s for 2,400)',
    input: `FROM python:3.12-slim-bookworm\n${'WORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\n'.repeat(150)}USER 10001\nCMD ["python", "app.py"]\n`,
    budgetMs: 3 * 600 + 500,
  },
  {
    name: 'a lone CR ends a line for the document model, but `Text.lineText` kept it, so a fix inserting a line after it (PYD406) made it a CRLF and split the next line; fixed in model/text.ts',
    input: 'FROM python:3.12-slim-bookworm\nADD ./src /w\rww',
  },
  {
    name: 'the lone-CR bug of `Text.lineText` with one fix alone (PYD406 after a COPY ending in a lone CR); fixed in model/text.ts',
    input: 'FROM python:3.12-slim-bookworm\nCOPY ./src /w\rww\nUSER 10001\n',
  },
  {
    name: 'dockerfile-ast took `# pydockerfile ignore=…` for a parser directive and read a later `# escape=` line that BuildKit ignores, so removing a code from the pragma (PYD002) flipped the escape character; fixed in model/document-model.ts (directives read as BuildKit does)',
    input: '# pydockerfile ignore=PYD201 , PYD202\n# escape=`\nFROM python:3.12-slim',
  },
  {
    name: '`PRAGMA_RE` backtracked cubically on a pragma followed by a long run of spaces (2,000 spaces took 1.9 s); fixed in model/pragmas.ts with a greedy group trimmed afterwards',
    input: `# pydockerfile ignore=${' '.repeat(1200)} &&\nFROM python:3.12-slim\n`,
  },
  {
    name: 'unsafe fix-all was not idempotent when PYD103 and PYD108 went in a circle whose fixes changed title on each turn; fixed in fix/apply.ts by dropping every fix of a circle\'s codes',
    input: 'FROM python:3.12-slim\nCOPY --from=python:3.12 /opt/venv .\nCOPY app/ .',
    today: '2031-06-30',
  },
  {
    name: 'safe Optimize appended `--worker-tmp-dir /dev/shm` to the gunicorn CMD (PYD408, a fix the catalogue calls safe) without a ticked decision; fixed in optimize/plan.ts: that fix runs only through its decision `fix:PYD408` (ticked by default)',
    input: 'FROM python:3.12-slim-bookworm\nCMD ["gunicorn", "app:app"]\n',
  },
  {
    name: 'removing an unused pragma on the first line (PYD002) moved a `# escape=` comment below it up to where BuildKit reads parser directives, which switched the escape character; fixed in rules/pragma-helpers.ts (the pragma\'s line stays, empty, when a directive-like line follows in the leading comments)',
    input: '# pydockerfile global ignore=PYD101\n# escape=`\nFROM python:3.12-slim',
  },
  {
    name: 'a false alarm of the oracle, not of a rule: `"./start.sh"=` is no assignment (a quoted word), so PYD401\'s exec form `["./start.sh="]` runs the same argv; the oracle took any `=` in the first word for one (fixed in test/property/oracle.ts `simpleWords`)',
    input: 'FROM python:3.10-slim-buster\nWORKDIR /app\nCOPY --chmod=755 start.sh ./start.sh\nENTRYPOINT "./start.sh"=',
  },
  {
    name: 'a false alarm of the oracle, not of the engine: the ignore-pragma edit adds an LF line to a file whose only line break is a lone CR, which is right, since Docker splits lines at LF only (a lone-CR line would turn the file into one comment); the oracle took the LF for a foreign line ending (fixed in test/property/oracle.ts `lineEndingProblem`)',
    input: 'café\r',
    files: { '.gitlab-ci.yml': 'build:\n  script:\n    - docker build .\n   bad: [\n' },
  },
  {
    name: 'a quick fix deleting a RUN above a `# escape=` comment (PYD209, the RUN before the first FROM) made the comment a parser directive and switched the escape character (fix-all already undid such fixes, quick fixes did not); fixed in engine/directive-guard.ts: lint drops fixes that change the honoured directives',
    input: 'RUN python -m venv /opt/venv\n# escape=`\nFROM python:3.12-slim-bookworm\n# escape=`',
  },
  {
    name: 'removing the last command of a RUN (PYD209, `&& uv venv /opt/venv`) left `` echo `whoami` `` ending the line; under `# escape=`` that backtick is a line continuation, so the next FROM joined the RUN; fixed in rules/edit-helpers.ts `removeCommandEdit` (no fix then)',
    input: '# escape = `\nFROM python:3.12-slim\nRUN echo `whoami` && uv venv /opt/venv\nFROM python:3.12-slim',
  },
  {
    name: 'unsafe fix-all stopped at the pass limit before its fixpoint, so a second run changed the text again: undoing the PYD103/PYD108 circle did not give its passes back, and PYD201/PYD310 still had work (npm run fuzz, seed 1101778035); fixed in fix/apply.ts (undone passes do not count)',
    input: "FROM python:3.12-slim\nCOPY --from=python:3.12 /opt/venv .\nRUN pip install gunicorn\nFROM python:3.12-slim\nRUN pip install --cache-dir=/tmp/pip setuptools wheel && apt-get install && pip install 'fla'sk && pip install pipenv\nFROM python:3.12-slim\nRUN --mount=type=cache,target=/root/.cache/uv rm -rf /var/lib/apt/lists/*",
    today: '2031-06-30',
  },
  {
    name: "an ignore pragma above a line holding a byte-order mark and `#` in mid-file (an instruction to Docker and dockerfile-ast, a comment once `trim()` dropped the mark) was attached to the instruction after it, so it could not silence PYD003's finding on that line; fixed in model/pragmas.ts (a line an instruction starts on is never skipped as a comment); the oracle also took that line for an escape directive, since JavaScript's `\\s` matches the mark and Docker's white space does not (fixed in test/property/oracle.ts `directiveLines`)",
    input: "  \uFEFF# escape=`\nFROM python:3.12-slim-bookworm AS test\nRUN poetry config virtualenvs.in-project true; `\n    poetry install `\n      --no-dev",
  },
  {
    name: "safe Optimize turned `ENTRYPOINT virtualenv /venv <NBSP>` into `[\"virtualenv\", \"/venv\", \"\\u00a0\"]` (PYD401): BuildKit trims NBSP and the other Unicode spaces from the ends of the arguments, so the shell never got a third word, but the shell model kept it as one (npm run fuzz, seed 888462642); fixed in model/document-model.ts `dockerTrimmed` (and the oracle trims as Go does)",
    input: 'FROM python:3.12-slim\nENTRYPOINT virtualenv /venv \u00a0',
  },
  {
    name: 'removing an unused pragma (PYD002) below an invalid `# escape=x` switched the escape character: dockerfile-ast skips the invalid value and took the `# escape=`` two lines down, but not across the blank line the removal left (npm run fuzz, seed 945322355); fixed in model/document-model.ts `parseWithBuildKitDirectives` (only the first escape directive BuildKit honours counts, an invalid one reads as `\\`)',
    input: '# escape=x\n#pydockerfile ignore=pyd201\n# escape=`\nFROM python:3.12-slim',
  },
  {
    name: "a false alarm of the oracle, not of PYD401: a comment line ending the file after a continuation (`\\\n    #`, no line break after it) is dropped by BuildKit, so the exec form the fix writes is read as JSON; the oracle kept the `#` and read shell text (npm run fuzz, seed 223378096; fixed in test/property/oracle.ts `joinContinuations`)",
    input: 'FROM python:3.12-slim-bookworm\nCMD uvicorn api.main:app \\\n    --host 0.0.0.0 \\\n    #',
  },
  {
    name: 'PYD209 wrote its `ENV VIRTUAL_ENV=…` line after the lone CR that ends the file, and the LF it started with made that CR a CRLF in a file without any (npm run fuzz, seed 1049695114); fixed in rules/python-env-helpers.ts `insertLinesBelow` (the lines go before that CR)',
    input: 'FROM python:3.12-slim\nRUN python -m venv /opt/venv && rm -rf /var/lib/apt/lists/* \r',
  },
  {
    name: "a false alarm of the oracle, not of PYD401: a control character such as BEL in a shell-form command is an ordinary word character to the shell, so the exec form runs the same argv (npm run fuzz, seed 835675437; the oracle's word splitter in test/property/oracle.ts `simpleWords` now accepts them)",
    input: 'FROM python:3.13-slim\nCMD \u0007caf\u00e9uv run uvicorn api.main:app --port 8000\n',
  },
  {
    name: "a false alarm of the oracle, not of PYD401: an escape character ending the file (`CMD gunicorn shop.wsgi \\`) is a continuation into nothing that BuildKit drops, so the exec form the fix writes before it is read as JSON; the oracle kept the backslash (npm run fuzz, seed 1273849554; fixed in test/property/oracle.ts `joinContinuations`)",
    input: 'FROM python:3.12-slim-bookworm\nWORKDIR /srv\nCMD gunicorn shop.wsgi \\',
  },
  {
    name: "an escape directive behind U+2028 (white space to BuildKit, which trims Go's `unicode.IsSpace` from a line's start) was an instruction ` #` to dockerfile-ast, so the model missed the directive, PYD003 reported the line, and its ignore pragma, inserted above, pushed the directive out of the directives (npm run fuzz, seed 1330973048); fixed in model/document-model.ts `parseWithGoIndents` (such white space in front of an instruction is blanked in the parsed copy) and `honouredDirectiveLines` (NEL is white space too)",
    input: '  \u2028# escape=`\nFROM python:3.12-slim-bookworm\nCMD ["python", "-m", "app", `\n    "--workers", "2"]',
  },
  {
    name: "unsafe fix-all rejected PYD405's ENV as stuck because PYD003 turned `FROMM` into a FROM in the same pass, which made a new final stage below the ENV; a second run then added it (npm run fuzz, seed 570453285); fixed in fix/apply.ts `fixAll` (a fix stuck beside other fixes is deferred to the next pass once before it is rejected)",
    input: 'FROM python:3.12-slim-bookworm\nFROMM python:3.12-slim-bookworm\nCOPY . /app\nCMD ["gunicorn", "app:app"]',
  },
  {
    name: "safe Optimize kept `RUN source .venv/bin/activate` (PYD208) because removing it would have left `# tools` above the COPY, and never tried again after PYD309 moved the apk RUN under the comment; a second Optimize removed it (npm run fuzz, seed 1330973048); fixed in optimize/fix-loop.ts `runFixLoop` (fixes rejected on an earlier text are retried once nothing else is left) and optimize/plan.ts (the second safe step's rejections replace the first's)",
    input: 'FROM python:3.12-slim\n# tools\nRUN source .venv/bin/activate\nCOPY . /app\nRUN apk add',
  },
  {
    name: "a false alarm of the oracle, not of PYD401: a lone `]` is an ordinary word character to sh (only a `[` before it makes a glob), so the exec form `[\"poetry\", …, \"]\"]` runs the same argv; the oracle's word splitter gave up on it and compared with shell text (npm run fuzz, seed 1680882804; fixed in test/property/oracle.ts `simpleWords`)",
    input: 'FROM python:3.12-slim\nCMD poetry config virtualenvs.in-project true ]',
  },
  {
    name: "a false alarm of the oracle, not of PYD214: `--no-cache` added to `uv pip install` in front of a shell here-document (`café<<café`, no Dockerfile heredoc to BuildKit) leaves the opaque here-document as it was, but the oracle compared the whole RUN's text (npm run fuzz, seed 984765362; fixed in test/property/oracle.ts `installedPackages`, which keeps the heredoc part only)",
    input: 'FROM python:3.12-slim-bookworm\nRUN uv pip install --system \\\n        # the API client\ncafé<<café        httpx \\\n        rich==13.7.1 && \\\n    poetry run pip install black',
  },
];
