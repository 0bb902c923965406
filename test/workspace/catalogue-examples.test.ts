// Catalogue §4.9 examples with a build context: the workspace rules report exactly the codes the
// catalogue lists for each example (test/catalogue/ checks the same examples without one).
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lint } from '../../server/src/engine/lint';
import { Workspace } from '../../server/src/workspace/workspace';
import { memoryWorkspaceFs } from '../../server/src/workspace/workspace-fs';

const CODES = ['PYD207', 'PYD215', 'PYD217', 'PYD311', 'PYD312', 'PYD403', 'PYD409'];
const GOOD_IGNORE = '.git\n.venv\nvenv\n**/__pycache__\n**/*.py[cod]\n';

/** [title, Dockerfile, build context, workspace codes the catalogue lists] */
const EXAMPLES: [string, string, Record<string, string>, string[]][] = [
  [
    'Example 1: no .dockerignore',
    'FROM python:3.11\nADD . /srv\nWORKDIR /srv\nRUN python -m venv venv\nRUN . venv/bin/activate\nRUN apt-get update\nRUN pip install -r requirements.txt\nRUN pip install gunicorn\nENV APP_ENV dev\nCMD gunicorn web:app --bind 0.0.0.0:8080 --workers 4\n',
    { 'requirements.txt': 'flask==3.1.2\n' },
    ['PYD311'],
  ],
  [
    'Example 2: psycopg2 needs libpq5, start.sh must exec',
    'FROM python:3.10-slim-buster\nRUN apt-get update && apt-get install -y gcc libpq-dev\nWORKDIR /app\nARG PORT=8000\nARG PORT ${PORT}\nARG WORKERS=3\nARG WORKERS=2\nCOPY . .\nRUN pip install -r requirements.txt\nRUN ["chmod", "+x", "./start.sh"]\nENTRYPOINT "./start.sh"\n',
    { '.dockerignore': GOOD_IGNORE, 'requirements.txt': 'flask==3.1.2\npsycopg2==2.9.10\n', 'start.sh': '#!/bin/sh\nset -e\ngunicorn app:app --bind "0.0.0.0:$PORT" --workers "$WORKERS"\n' },
    ['PYD207', 'PYD403'],
  ],
  [
    'Example 3: Poetry export on Alpine',
    'FROM python:3.9-alpine\nRUN apk add build-base postgresql-dev\nCOPY pyproject.toml poetry.lock /\nRUN pip install poetry\nRUN poetry export --without-hashes -f requirements.txt | pip install -i http://pypi.mirror.example/simple --trusted-host pypi.mirror.example -r /dev/stdin\nCOPY . /app\nCMD ["python", "/app/main.py"]\n',
    { '.dockerignore': GOOD_IGNORE, 'pyproject.toml': '[tool.poetry]\nname = "app"\n[tool.poetry.dependencies]\npython = "^3.9"\n', 'poetry.lock': '[[package]]\nname = "flask"\nversion = "3.1.2"\n' },
    [],
  ],
  [
    'Example 4: Pipenv shipped in the runtime',
    'FROM python:3.12\nWORKDIR /code\nCOPY . .\nRUN pip install pipenv && pipenv install --system\nCMD pipenv run python -m service\n',
    { '.dockerignore': GOOD_IGNORE, Pipfile: '[packages]\nflask = "==3.1.2"\n', 'Pipfile.lock': '{"default": {"flask": {"version": "==3.1.2"}}, "develop": {}}' },
    [],
  ],
  [
    'Example 5: no .dockerignore for a uv project',
    'FROM python:3.13-slim\nRUN pip install uv\nWORKDIR /app\nCOPY . .\nRUN uv sync\nCMD uv run uvicorn api.main:app --host 0.0.0.0 --port 8000 --reload\n',
    { 'pyproject.toml': '[project]\nname = "api"\nversion = "0.1.0"\ndependencies = ["fastapi>=0.115"]\n', 'uv.lock': 'version = 1\n' },
    ['PYD311'],
  ],
  [
    'Example 6: no .dockerignore, and a .dockerignore is created',
    "FROM python:3.11-slim AS build\nRUN apt-get update\nRUN apt-get install -y build-essential\nCOPY . .\nRUN pip install --user -e .\nFROM python:3.11-slim\nCOPY --from=build /root/.local /root/.local\nENV PATH=/root/.local/bin:$PATH\nCMD ['mytool', 'serve']\n",
    { 'pyproject.toml': '[project]\nname = "mytool"\nversion = "1.0"\n' },
    ['PYD311'],
  ],
];

describe('catalogue §4.9 examples with their build context', () => {
  for (const [title, text, files, listed] of EXAMPLES) {
    it(title, () => {
      const workspace = new Workspace(memoryWorkspaceFs(files));
      const codes = new Set(lint(text, { only: CODES, env: { today: '2026-11-25', workspace, dockerfile: 'Dockerfile' } }).findings.map((f) => f.code));
      assert.deepEqual([...codes].sort(), listed);
    });
  }
});
