// The oracle's reading of shell-form commands: when `sh -c` would only split words, its words are
// the argv an exec form must have; anything the shell would work on is left as shell text.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DocumentModel } from '../../server/src/model/document-model';
import { containerCommand, directiveLines, goTrimSpace, installedPackages, lineEndingProblem, simpleWords } from './oracle';

describe('oracle: simpleWords', () => {
  it('splits plain and quoted words', () => {
    assert.deepEqual(simpleWords('python app.py --port 8000'), ['python', 'app.py', '--port', '8000']);
    assert.deepEqual(simpleWords(`gunicorn "app:create_app()" -b '0.0.0.0:80'`), ['gunicorn', 'app:create_app()', '-b', '0.0.0.0:80']);
    assert.deepEqual(simpleWords('exec uvicorn main:app'), ['uvicorn', 'main:app']);
  });

  it('leaves assignments, expansions, operators and keywords to the shell', () => {
    assert.equal(simpleWords('PORT=80 python app.py'), undefined);
    assert.equal(simpleWords('python $APP'), undefined);
    assert.equal(simpleWords('python app.py && echo done'), undefined);
    assert.equal(simpleWords('python app.py # comment'), undefined);
    assert.equal(simpleWords('if true'), undefined);
  });

  // npm run fuzz, seed 835675437: `CMD \u0007app run` is the argv ["\u0007app", "run"] to sh too.
  it('takes control characters other than the blanks for word characters, as the shell does', () => {
    assert.deepEqual(simpleWords('\u0007caf\u00e9uv run'), ['\u0007caf\u00e9uv', 'run']);
    assert.deepEqual(simpleWords('app \u001b[1m \u000bx'), undefined);
    assert.deepEqual(simpleWords('app \u001bx \u000bx'), ['app', '\u001bx', '\u000bx']);
    assert.deepEqual(simpleWords('app\tx'), ['app', 'x']);
  });

  // npm run fuzz, seed 1680882804: `CMD app true ]` is the argv ["app", "true", "]"] to sh too.
  it('takes `]` for a word character, and leaves a `[` (a glob) to the shell', () => {
    assert.deepEqual(simpleWords('poetry config virtualenvs.in-project true ]'), ['poetry', 'config', 'virtualenvs.in-project', 'true', ']']);
    assert.deepEqual(simpleWords('app a]b'), ['app', 'a]b']);
    assert.equal(simpleWords('app [ab]'), undefined);
    assert.equal(simpleWords('app [ab'), undefined);
  });

  it('takes `=` for an assignment only after an unquoted name in the first word', () => {
    assert.deepEqual(simpleWords('"./start.sh"='), ['./start.sh=']);
    assert.deepEqual(simpleWords('./run=fast now'), ['./run=fast', 'now']);
    assert.deepEqual(simpleWords('=x'), ['=x']);
    assert.deepEqual(simpleWords('python --opt=1'), ['python', '--opt=1']);
    assert.equal(simpleWords('A_1=x'), undefined);
    assert.equal(simpleWords("A='x y' app"), undefined);
  });
});

describe('oracle: lineEndingProblem', () => {
  it('keeps each file to the line endings it has', () => {
    assert.equal(lineEndingProblem('FROM a\nRUN b\n', 'FROM a\n# x\nRUN b\n'), undefined);
    assert.match(lineEndingProblem('FROM a\r\nRUN b\r\n', 'FROM a\r\n# x\nRUN b\r\n') ?? '', /bare LF/);
    assert.match(lineEndingProblem('FROM a\nRUN b\n', 'FROM a\r\n# x\nRUN b\n') ?? '', /CRLF/);
    assert.match(lineEndingProblem('FROM a\nRUN b\n', 'FROM a\r# x\nRUN b\n') ?? '', /lone CR/);
  });

  it('lets a file without LF get LF lines, as Docker splits lines at LF only', () => {
    assert.equal(lineEndingProblem('FROM a', '# x\nFROM a'), undefined);
    assert.equal(lineEndingProblem('FROM a\r', '# x\nFROM a\r'), undefined);
    assert.match(lineEndingProblem('FROM a', '# x\r\nFROM a') ?? '', /CRLF/);
    assert.match(lineEndingProblem('FROM a\r', '# x\rFROM a\r') ?? '', /lone CR/);
  });
});

describe('oracle: containerCommand', () => {
  const cmdOf = (content: string): string[] | null => containerCommand(new DocumentModel(content)).cmd;

  // BuildKit drops a comment line inside a continuation even as the file's last line, with no
  // line break after it (npm run fuzz, seed 223378096: a false alarm against PYD401's exec form).
  it('drops a comment line that ends the file after a continuation', () => {
    assert.deepEqual(cmdOf('FROM a\nCMD uvicorn main:app \\\n    --port 80 \\\n    #'), ['uvicorn', 'main:app', '--port', '80']);
    assert.deepEqual(cmdOf('FROM a\nCMD ["uvicorn", "main:app"] \\\n  # the end'), ['uvicorn', 'main:app']);
  });

  // npm run fuzz, seed 1273849554: `CMD app \` at the end of the file ends the instruction.
  it('drops an escape character that ends the file', () => {
    assert.deepEqual(cmdOf('FROM a\nCMD gunicorn shop.wsgi \\'), ['gunicorn', 'shop.wsgi']);
    assert.deepEqual(cmdOf('FROM a\nCMD ["gunicorn", "shop.wsgi"] \\ '), ['gunicorn', 'shop.wsgi']);
    assert.deepEqual(cmdOf('# escape=`\nFROM a\nCMD gunicorn shop.wsgi `'), ['gunicorn', 'shop.wsgi']);
  });

  // BuildKit trims the arguments with Go's strings.TrimSpace (npm run fuzz, seed 888462642).
  it('trims the arguments as Go does: NBSP and NEL go, a byte-order mark stays', () => {
    assert.deepEqual(cmdOf('FROM a\nCMD app x \u00a0\u0085'), ['app', 'x']);
    assert.equal(goTrimSpace('\u3000 app \ufeff'), 'app \ufeff');
  });
});

describe('oracle: directiveLines', () => {
  it("skips the white space BuildKit trims in front of the `#` (Go's unicode.IsSpace, NEL included)", () => {
    for (const space of ['  ', '\t', '\u2028', '\u0085', '\u00a0']) {
      assert.deepEqual(directiveLines(`${space}# escape=\`\nFROM python:3.12`), [`${space}# escape=\``], JSON.stringify(space));
    }
  });

  it('takes a byte-order mark only at the start of the file', () => {
    assert.deepEqual(directiveLines('\uFEFF# escape=`\nFROM python:3.12'), ['# escape=`']);
    assert.deepEqual(directiveLines('  \uFEFF# escape=`\nFROM python:3.12'), []);
  });
});

describe('oracle: installedPackages', () => {
  const heredocs = (text: string): string[] => [...installedPackages(new DocumentModel(text))].filter((p) => p.startsWith('heredoc:'));

  // npm run fuzz, seed 984765362: PYD214 added `--no-cache` before a shell here-document.
  it('keeps the heredoc part of a RUN, not the commands before it', () => {
    const before = 'FROM python:3.12\nRUN uv pip install --system app<<EOT httpx\n';
    const after = 'FROM python:3.12\nRUN uv pip install --no-cache --system app<<EOT httpx\n';
    assert.deepEqual(heredocs(before), ['heredoc:<<EOT httpx']);
    assert.deepEqual(heredocs(after), heredocs(before));
  });

  it('tells an edit inside the heredoc apart', () => {
    assert.notDeepEqual(heredocs('FROM python:3.12\nRUN <<EOF\npip install flask\nEOF\n'), heredocs('FROM python:3.12\nRUN <<EOF\npip install --no-cache-dir flask\nEOF\n'));
  });
});
