// Knowledge hovers: ENV/ARG keys and pip/apt-get/apk flags under the cursor, and the dated tables behind them.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ENV_VARS, ENV_VARS_DATA_DATE, envVarInfo } from '../../server/src/knowledge/env-vars';
import { knowledgeAt } from '../../server/src/knowledge/lookup';
import { PACKAGE_FLAGS, PACKAGE_FLAGS_DATA_DATE, packageFlagInfo } from '../../server/src/knowledge/package-flags';
import { parseDocument } from '../../server/src/model/document-model';

/**
 * The hover text with the cursor inside `text` at the `|` marker (removed before parsing),
 * once with LF and once with CRLF line endings, which must agree.
 */
function hoverAt(marked: string): string | null {
  const cursor = marked.indexOf('|');
  assert.ok(cursor >= 0, 'no | marker');
  const text = marked.slice(0, cursor) + marked.slice(cursor + 1);
  const lf = knowledgeAt(parseDocument(text), cursor);
  const before = text.slice(0, cursor);
  const crlfOffset = cursor + (before.match(/\n/g) ?? []).length;
  const crlf = knowledgeAt(parseDocument(text.replace(/\n/g, '\r\n')), crlfOffset);
  assert.equal(crlf, lf, 'CRLF and LF hovers differ');
  return lf;
}

function firstLine(markdown: string | null): string {
  assert.ok(markdown, 'expected a hover');
  return markdown.split('\n')[0] as string;
}

describe('knowledgeAt: ENV and ARG keys', () => {
  it('explains a Python variable with its recommended value and source', () => {
    const text = hoverAt('FROM python:3.12-slim-bookworm\nENV PYTHONUNBUF|FERED=1 PYTHONFAULTHANDLER=1\n');
    assert.match(firstLine(text), /^\*\*PYTHONUNBUFFERED\*\* \(Python\)$/);
    assert.match(text ?? '', /Recommended in images: `1`/);
    assert.match(text ?? '', /Source: https:\/\/docs\.python\.org\/3\/using\/cmdline\.html#envvar-PYTHONUNBUFFERED/);
    assert.match(text ?? '', new RegExp(`_Data checked ${ENV_VARS_DATA_DATE}\\._`));
  });

  it('finds the second key of a multi-variable ENV, at both ends of the name', () => {
    assert.match(firstLine(hoverAt('FROM python:3.12\nENV PYTHONUNBUFFERED=1 |PYTHONFAULTHANDLER=1\n')), /PYTHONFAULTHANDLER/);
    assert.match(firstLine(hoverAt('FROM python:3.12\nENV PYTHONUNBUFFERED=1 PYTHONFAULTHANDLER|=1\n')), /PYTHONFAULTHANDLER/);
  });

  it('reads the legacy `ENV key value` form and ARG keys, including global ones', () => {
    assert.match(firstLine(hoverAt('FROM python:3.12\nENV PIP_NO_CACHE|_DIR 1\n')), /PIP_NO_CACHE_DIR\*\* \(pip\)/);
    assert.match(firstLine(hoverAt('ARG UV_PYTHON_DOWN|LOADS=0\nFROM python:3.12\n')), /UV_PYTHON_DOWNLOADS\*\* \(uv\)/);
  });

  it('says nothing on the value, on unknown names, or on other instructions', () => {
    assert.equal(hoverAt('FROM python:3.12\nENV PYTHONUNBUFFERED=|1\n'), null);
    assert.equal(hoverAt('FROM python:3.12\nENV APP_|HOME=/app\n'), null);
    assert.equal(hoverAt('FROM python:3.12\nLABEL PYTHON|UNBUFFERED=1\n'), null);
    assert.equal(hoverAt('FROM python:3.12\n# ENV PYTHON|UNBUFFERED=1\n'), null);
  });

  it('falls back to the generic pip and Poetry forms and to Poetry credentials', () => {
    assert.match(hoverAt('FROM python:3.12\nENV PIP_ONLY_BIN|ARY=:all: PIP_USE_DEPRECATED=x\n') ?? '', /--only-binary/);
    assert.match(hoverAt('FROM python:3.12\nENV PIP_USE_DEP|RECATED=legacy-resolver\n') ?? '', /Sets pip's `--use-deprecated` option/);
    assert.match(hoverAt('FROM python:3.12\nENV POETRY_REQUESTS_MAX|_RETRIES=3\n') ?? '', /A Poetry setting/);
    assert.match(hoverAt('FROM python:3.12\nARG POETRY_HTTP_BASIC_CORP_PASS|WORD\n') ?? '', /PYD504/);
  });

  it('explains inline assignments in a RUN, but not their values', () => {
    assert.match(firstLine(hoverAt('FROM python:3.12\nRUN PIP_NO_CACHE|_DIR=1 pip install flask==3.0.3\n')), /PIP_NO_CACHE_DIR/);
    assert.match(firstLine(hoverAt('FROM python:3.12\nRUN env UV_LINK|_MODE=copy uv sync --locked\n')), /UV_LINK_MODE/);
    assert.equal(hoverAt('FROM python:3.12\nRUN PIP_NO_CACHE_DIR=|1 pip install flask==3.0.3\n'), null);
  });
});

describe('knowledgeAt: package manager flags', () => {
  it('explains pip install options, long and short, before and after `install`', () => {
    assert.match(firstLine(hoverAt('FROM python:3.12\nRUN pip install --no-cache|-dir -r requirements.txt\n')), /`--no-cache-dir`\*\* \(pip\)/);
    assert.match(firstLine(hoverAt('FROM python:3.12\nRUN pip --no-cache-dir install -|r requirements.txt\n')), /`-r`, `--requirement`/);
    assert.match(firstLine(hoverAt('FROM python:3.12\nRUN pip |--no-cache-dir install -r requirements.txt\n')), /--no-cache-dir/);
    assert.match(firstLine(hoverAt('FROM python:3.12\nRUN python -m pip install --index-u|rl=https://pypi.org/simple flask\n')), /--index-url/);
  });

  it('picks the letter under the cursor in a short cluster, and a value letter covers the rest', () => {
    assert.match(firstLine(hoverAt('FROM python:3.12\nRUN pip install -q|U flask\n')), /`-U`, `--upgrade`/);
    assert.match(firstLine(hoverAt('FROM python:3.12\nRUN pip install -|qU flask\n')), /`-q`, `--quiet`/);
    assert.match(firstLine(hoverAt('FROM python:3.12\nRUN pip install -qrrequire|ments.txt\n')), /`-r`, `--requirement`/);
  });

  it('says nothing on option values, package names and unknown options', () => {
    assert.equal(hoverAt('FROM python:3.12\nRUN pip install --index-url=https://pypi|.org/simple flask\n'), null);
    assert.equal(hoverAt('FROM python:3.12\nRUN pip install fla|sk==3.0.3\n'), null);
    assert.equal(hoverAt('FROM python:3.12\nRUN pip install --made-|up-flag flask\n'), null);
    assert.equal(hoverAt('FROM python:3.12\nRUN uv pip install --no-cache|-dir flask\n'), null);
  });

  it('explains apt-get options, also across a continuation line', () => {
    const text = hoverAt('FROM python:3.12-slim\nRUN apt-get update \\\n && apt-get install -y --no-install-rec|ommends libpq5 \\\n && rm -rf /var/lib/apt/lists/*\n');
    assert.match(firstLine(text), /`--no-install-recommends`\*\* \(apt-get\)/);
    assert.match(text ?? '', /PYD304/);
    assert.match(firstLine(hoverAt('FROM python:3.12-slim\nRUN apt-get install -|y curl\n')), /`-y`, `--yes`, `--assume-yes`/);
    assert.match(firstLine(hoverAt('FROM python:3.12-slim\nRUN apt install -q|y curl\n')), /`-y`/);
  });

  it('explains apk options', () => {
    assert.match(firstLine(hoverAt('FROM python:3.12-alpine\nRUN apk add --no-ca|che libpq\n')), /`--no-cache`\*\* \(apk\)/);
    assert.match(firstLine(hoverAt('FROM python:3.12-alpine\nRUN apk add --virtu|al .build-deps gcc musl-dev\n')), /`-t`, `--virtual`/);
    assert.equal(hoverAt('FROM python:3.12-alpine\nRUN apk add --virtual .build|-deps gcc\n'), null);
  });

  it('stays silent where the shell is not understood or the form is not shell', () => {
    assert.equal(hoverAt('FROM python:3.12\nRUN <<EOF\npip install --no-cache|-dir flask\nEOF\n'), null);
    assert.equal(hoverAt('FROM python:3.12\nRUN ["pip", "install", "--no-cache|-dir", "flask"]\n'), null);
    assert.equal(hoverAt('FROM python:3.12\nRUN pip install "unterminated --no-cache|-dir\n'), null);
    assert.equal(hoverAt('FROM python:3.12\nCMD pip install --no-cache|-dir flask\n'), null);
  });

  it('handles a byte-order mark and the escape directive', () => {
    assert.match(firstLine(hoverAt('\uFEFFFROM python:3.12\nENV PYTHONDONTWRITE|BYTECODE=1\n')), /PYTHONDONTWRITEBYTECODE/);
    assert.match(firstLine(hoverAt('# escape=`\nFROM python:3.12\nRUN pip install `\n  --no-co|mpile flask\n')), /`--no-compile`/);
  });
});

describe('knowledge tables', () => {
  it('are dated and cite https sources', () => {
    for (const date of [ENV_VARS_DATA_DATE, PACKAGE_FLAGS_DATA_DATE]) assert.match(date, /^\d{4}-\d{2}-\d{2}$/);
    for (const entry of ENV_VARS) assert.match(entry.source, /^https:\/\/\S+$/, entry.name);
    for (const entry of PACKAGE_FLAGS) assert.match(entry.source, /^https:\/\/\S+$/, entry.names.join(' '));
  });

  it('have one entry per variable name and per tool flag', () => {
    const names = ENV_VARS.map((e) => e.name);
    assert.deepEqual(names.filter((n, i) => names.indexOf(n) !== i), []);
    const flags = PACKAGE_FLAGS.flatMap((e) => e.names.map((n) => `${e.tool} ${n}`));
    assert.deepEqual(flags.filter((n, i) => flags.indexOf(n) !== i), []);
  });

  it('cover the variables and flags the rules talk about', () => {
    for (const name of ['PYTHONUNBUFFERED', 'PYTHONFAULTHANDLER', 'PYTHONDONTWRITEBYTECODE', 'PIP_NO_CACHE_DIR', 'PIP_INDEX_URL', 'POETRY_VIRTUALENVS_IN_PROJECT', 'UV_COMPILE_BYTECODE', 'UV_LINK_MODE', 'PIPENV_VENV_IN_PROJECT']) {
      assert.ok(envVarInfo(name), name);
    }
    assert.ok(packageFlagInfo('pip', '--no-cache-dir'));
    assert.ok(packageFlagInfo('apt-get', '--no-install-recommends'));
    assert.ok(packageFlagInfo('apk', '--no-cache'));
    assert.equal(envVarInfo('APP_HOME'), null);
    assert.equal(packageFlagInfo('apk', '--no-cache-dir'), null);
  });
});
