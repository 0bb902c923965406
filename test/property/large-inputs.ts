// Large Dockerfiles of a few typical shapes, built deterministically, for the time-bound
// properties: lint must stay roughly linear in the size of the file.

/** Repeats `unit` (whole lines) until the text has about `lines` lines. */
function repeatLines(head: string, unit: string, lines: number, tail = ''): string {
  const unitLines = unit.split('\n').length - 1;
  const count = Math.max(1, Math.floor((lines - head.split('\n').length - tail.split('\n').length) / unitLines));
  return head + unit.repeat(count) + tail;
}

const APP_BLOCK = [
  'WORKDIR /app',
  'COPY requirements.txt .',
  'RUN pip install --no-cache-dir -r requirements.txt',
  'RUN apt-get update && apt-get install -y --no-install-recommends gcc \\',
  '    && rm -rf /var/lib/apt/lists/*',
  'ENV PYTHONUNBUFFERED=1 PORT=8000',
  'COPY . .',
  '# a comment about the next step',
  'LABEL org.example.step="x"',
  '',
].join('\n');

/** The shapes, each about `lines` lines long. */
export function largeDockerfiles(lines: number): { name: string; text: string }[] {
  const tail = 'USER 10001\nCMD ["python", "app.py"]\n';
  return [
    { name: 'one long stage of typical instructions', text: repeatLines('FROM python:3.12-slim-bookworm\n', APP_BLOCK, lines, tail) },
    { name: 'many short stages', text: repeatLines('', `FROM python:3.12-slim-bookworm AS base\n${APP_BLOCK}`, lines, tail) },
    { name: 'many ENV lines', text: repeatLines('FROM python:3.12-slim-bookworm\n', 'ENV APP_SETTING=value\n', lines, tail) },
    { name: 'many single-command RUN lines', text: repeatLines('FROM python:3.12-slim-bookworm\n', 'RUN pip install flask==3.0.3\n', lines, tail) },
    { name: 'one RUN continued over every line', text: repeatLines('FROM python:3.12-slim-bookworm\nRUN true \\\n', '    && pip install --no-cache-dir flask==3.0.3 \\\n', lines, '    && true\n' + tail) },
    { name: 'comments and ignore pragmas', text: repeatLines('FROM python:3.12-slim-bookworm\n', '# pydockerfile ignore=PYD201\nRUN pip install flask\n', lines, tail) },
    // Rules that relate every COPY to the WORKDIRs and USERs before it (PYD503 was cubic here).
    { name: 'many COPY and WORKDIR in one stage', text: repeatLines('FROM python:3.12-slim-bookworm\n', 'WORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\n', lines, tail) },
  ];
}
