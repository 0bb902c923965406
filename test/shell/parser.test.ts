// Table-driven tests of the shell parser: command lists, connectors, groups, assignments,
// negation, the constructs that become opaque, errors, and document offsets.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lint } from '../../server/src/engine/lint';
import { applyEdits } from '../../server/src/fix/apply';
import { DocumentModel } from '../../server/src/model/document-model';
import { parseShell, type ShellScript } from '../../server/src/shell/parser';

function parse(text: string, escapeChar = '\\'): ShellScript {
  return parseShell(text, 0, text.length, escapeChar);
}

/** One line per command: `depth|!|ASSIGN=… argv… [redirects] connector`. */
function summary(script: ShellScript): string[] {
  return script.commands.map((c) => {
    const parts = [...c.assignments.map((w) => w.value), ...c.words.map((w) => w.value)];
    for (const r of c.redirects) parts.push(`${r.op.fd ?? ''}${r.op.op}${r.target?.value ?? ''}`);
    return `${c.depth}|${c.negated ? '!' : ''}${parts.join(' ')}${c.connector ? ` ${c.connector}` : ''}`;
  });
}

interface Case {
  name: string;
  text: string;
  commands: string[];
  /** Reasons of the opaque nodes, each with the document text it covers. */
  opaque?: [string, string][];
}

const CASES: Case[] = [
  {
    name: 'connectors between simple commands',
    text: 'a && b || c; d | e |& f & g',
    commands: ['0|a &&', '0|b ||', '0|c ;', '0|d |', '0|e |&', '0|f &', '0|g'],
  },
  {
    name: 'a trailing ; or & stays on the last command',
    text: 'make; make install &',
    commands: ['0|make ;', '0|make install &'],
  },
  {
    name: 'leading assignments are separated from argv, later ones are arguments',
    text: 'DEBIAN_FRONTEND=noninteractive A+=1 arr[0]=x apt-get install -y X=1',
    commands: ['0|DEBIAN_FRONTEND=noninteractive A+=1 arr[0]=x apt-get install -y X=1'],
  },
  {
    name: 'an assignment-only command',
    text: 'PATH=/opt/venv/bin:$PATH && pip --version',
    commands: ['0|PATH=/opt/venv/bin:$PATH &&', '0|pip --version'],
  },
  {
    name: 'negation applies to the pipeline start',
    text: '! grep -q x f && echo missing',
    commands: ['0|!grep -q x f &&', '0|echo missing'],
  },
  {
    name: 'redirections before, between and after words',
    text: '>log 2>&1 pip install flask <req.txt',
    commands: ['0|pip install flask >log 2>&1 <req.txt'],
  },
  {
    name: 'a subshell keeps its commands at depth 1 and passes on its connector',
    text: '(cd /src && make) && make install',
    commands: ['1|cd /src &&', '1|make &&', '0|make install'],
  },
  {
    name: 'a brace group, with the group connector on its last command',
    text: '{ a; b; } | c',
    commands: ['1|a ;', '1|b |', '0|c'],
  },
  {
    name: 'a redirection after a group is not a command',
    text: '(a; b) > /tmp/log 2>&1 && c',
    commands: ['1|a ;', '1|b &&', '0|c'],
  },
  {
    name: 'nested groups',
    text: '( (a) || { b; } ) && c',
    commands: ['2|a ||', '2|b &&', '0|c'],
  },
  {
    name: '[[ … ]] is one command even with && and < inside',
    text: '[[ -f a && $v < 3 ]] && c',
    commands: ['0|[[ -f a $v 3 ]] &&', '0|c'],
  },
  {
    name: 'if becomes opaque; the commands around it are kept',
    text: 'a && if [ -f x ]; then b; else c; fi && d',
    commands: ['0|a &&', '0|d'],
    opaque: [['`if` compound command', 'if [ -f x ]; then b; else c; fi']],
  },
  {
    name: 'for, while, until, case and select are opaque',
    text: 'for x in 1 2; do echo $x; done; while false; do :; done; until true; do :; done; case $a in x) b;; *) c;; esac; select s in a; do break; done; z',
    commands: ['0|z'],
    opaque: [
      ['`for` compound command', 'for x in 1 2; do echo $x; done'],
      ['`while` compound command', 'while false; do :; done'],
      ['`until` compound command', 'until true; do :; done'],
      ['`case` compound command', 'case $a in x) b;; *) c;; esac'],
      ['`select` compound command', 'select s in a; do break; done'],
    ],
  },
  {
    name: 'nested compounds close at the right keyword',
    text: 'if a; then for x in 1; do if b; then c; fi; done; fi && d',
    commands: ['0|d'],
    opaque: [['`if` compound command', 'if a; then for x in 1; do if b; then c; fi; done; fi']],
  },
  {
    name: 'a compound with a redirection after it',
    text: 'for f in *.whl; do pip install $f; done > /tmp/log && echo ok',
    commands: ['0|echo ok'],
    opaque: [['`for` compound command', 'for f in *.whl; do pip install $f; done > /tmp/log']],
  },
  {
    name: 'keywords as arguments are plain words',
    text: 'echo if then fi done',
    commands: ['0|echo if then fi done'],
  },
  {
    name: 'a function definition is opaque and later calls are commands',
    text: 'retry() { "$@" || "$@"; }; retry pip install flask',
    commands: ['0|retry pip install flask'],
    opaque: [['function definition', 'retry() { "$@" || "$@"; }']],
  },
  {
    name: 'the function keyword and a subshell body',
    text: 'function cleanup { rm -rf /tmp/x; }; quiet() (exec >/dev/null; "$@"); cleanup',
    commands: ['0|cleanup'],
    opaque: [
      ['`function` compound command', 'function cleanup { rm -rf /tmp/x; }'],
      ['function definition', 'quiet() (exec >/dev/null; "$@")'],
    ],
  },
  {
    name: 'arithmetic commands are opaque',
    text: '(( n = n + 1 )) && echo $n',
    commands: ['0|echo $n'],
    opaque: [['arithmetic command', '(( n = n + 1 ))']],
  },
  {
    name: 'a heredoc makes the rest opaque',
    text: 'cat <<EOF > /etc/app.conf',
    commands: ['0|cat'],
    opaque: [['heredoc', '<<EOF > /etc/app.conf']],
  },
];

describe('shell parser: command lists', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const script = parse(c.text);
      assert.equal(script.error, undefined, `unexpected error: ${script.error}`);
      assert.deepEqual(summary(script), c.commands);
      assert.deepEqual(script.opaque.map((o) => [o.reason, c.text.slice(o.start, o.end)]), c.opaque ?? []);
      script.commands.forEach((cmd, i) => assert.equal(cmd.index, i));
    });
  }
});

describe('shell parser: errors', () => {
  const ERRORS: [string, string, string][] = [
    ['unclosed parenthesis', 'cd /src && (make', 'unbalanced group'],
    ['stray closing parenthesis', 'make)', 'unbalanced parenthesis'],
    ['unclosed brace group', '{ a; b;', 'unbalanced group'],
    ['stray closing brace', 'a; }', 'unbalanced brace'],
    ['a brace group closed by the wrong bracket', '{ a; )', 'unbalanced parenthesis'],
    ['a connector with nothing before it', '&& make', 'unexpected `&&`'],
    ['two connectors in a row', 'a && && b', 'unexpected `&&`'],
    ['a dangling connector', 'apt-get update &&', 'dangling `&&`'],
    ['a dangling pipe', 'pip freeze |', 'dangling `|`'],
    ['a group closed right after a connector', '(a &&)', 'unbalanced parenthesis'],
    ['a word after a group', '(a) b', 'unexpected `b` after a group'],
    [';; outside case', 'a;; b', '`;;` outside case'],
    ['an unterminated if', 'if a; then b', 'unterminated `if`'],
    ['an unterminated loop', 'for x in 1; do a', 'unterminated `for`'],
    ['an unterminated test', '[[ -f a && b', 'unterminated `[[`'],
    ['an unterminated function body', 'f() { a;', 'unterminated function body'],
    ['an opening parenthesis after a word', 'echo (a)', 'unexpected `(`'],
    ['a lexer error', 'echo "open', 'unterminated double quote'],
  ];
  for (const [name, text, error] of ERRORS) {
    it(name, () => assert.equal(parse(text).error, error));
  }
});

describe('shell parser: document offsets', () => {
  it('commands and connectors point at the document, across continuation lines', () => {
    const doc = 'RUN apt-get update \\\n    # comment\n    && DEBIAN_FRONTEND=noninteractive apt-get install -y \\\n       curl';
    const start = doc.indexOf('apt-get');
    const script = parseShell(doc, start, doc.length, '\\');
    const [update, install] = script.commands;
    assert.ok(update && install);
    assert.equal(doc.slice(update.start, update.end), 'apt-get update');
    assert.equal(doc.slice(update.connectorToken?.start, update.connectorToken?.end), '&&');
    assert.equal(doc.slice(install.start, install.end), 'DEBIAN_FRONTEND=noninteractive apt-get install -y \\\n       curl');
    assert.equal(install.connectorToken, null);
    assert.equal(doc.slice(install.words[3]?.start, install.words[3]?.end), 'curl');
    assert.deepEqual([script.start, script.end], [start, doc.length]);
  });

  it('CRLF and a backtick escape directive', () => {
    const doc = 'RUN pip install `\r\n    flask && `\r\n    echo done';
    const script = parseShell(doc, 4, doc.length, '`');
    assert.deepEqual(summary(script), ['0|pip install flask &&', '0|echo done']);
    const [pip, echo] = script.commands;
    assert.equal(doc.slice(pip?.start, pip?.end), 'pip install `\r\n    flask');
    assert.equal(doc.slice(echo?.start, echo?.end), 'echo done');
  });

  it('redirect targets and opaque nodes use document offsets', () => {
    const doc = 'RUN make 2> err.log || if true; then :; fi';
    const script = parseShell(doc, 4, doc.length, '\\');
    const redirect = script.commands[0]?.redirects[0];
    assert.equal(doc.slice(redirect?.op.start, redirect?.op.end), '2>');
    assert.equal(doc.slice(redirect?.target?.start, redirect?.target?.end), 'err.log');
    assert.equal(doc.slice(script.opaque[0]?.start, script.opaque[0]?.end), 'if true; then :; fi');
  });

  it('keeps shell comments with their offsets', () => {
    const doc = 'RUN pip install flask # pinned later';
    const script = parseShell(doc, 4, doc.length, '\\');
    assert.deepEqual(summary(script), ['0|pip install flask']);
    assert.deepEqual((script.comments ?? []).map((c) => doc.slice(c.start, c.end)), ['# pinned later']);
  });

  it('an empty script has no commands and no error', () => {
    const script = parse('   ');
    assert.deepEqual([script.commands.length, script.opaque.length, script.error], [0, 0, undefined]);
  });
});

describe('shell parser: robustness', () => {
  const SAMPLES = [
    `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y "a b" 'c' \\\n  # note\n  && rm -rf /var/lib/apt/lists/*`,
    'if [ -f a ]; then (cd x && make) | tee log; else { echo "$(date)" `id`; }; fi; f() { :; }; [[ -n $x ]] && echo ${y:-z} 2>&1',
    "case $1 in a|b) echo $'x\\ty';; *) exit 1;; esac; for i in 1 2; do (( n += i )); done; cat <<EOF",
  ];
  it('never throws on any prefix of tricky scripts, and keeps offsets inside the text', () => {
    for (const sample of SAMPLES) {
      for (let end = 0; end <= sample.length; end++) {
        for (const escape of ['\\', '`']) {
          const text = sample.slice(0, end);
          const script = parseShell(text, 0, text.length, escape);
          for (const cmd of script.commands) {
            assert.ok(0 <= cmd.start && cmd.start <= cmd.end && cmd.end <= text.length, `command offsets in ${JSON.stringify(text)}`);
          }
          for (const node of script.opaque) assert.ok(node.start <= node.end && node.end <= text.length, `opaque offsets in ${JSON.stringify(text)}`);
        }
      }
    }
  });
});

describe('DocumentModel.shellOf: the arguments BuildKit hands to the shell', () => {
  /** The argv of each command of the last instruction's shell script, or null without one. */
  const argvOfLast = (content: string): string[][] | null => {
    const model = new DocumentModel(content);
    const info = model.instructions.at(-1);
    assert.ok(info);
    const script = model.shellOf(info);
    return script ? script.commands.map((c) => c.words.map((w) => w.value)) : null;
  };

  // BuildKit trims an instruction's arguments with Go's strings.TrimSpace: NBSP, NEL and the
  // Unicode spaces at either end never reach `/bin/sh -c`, though inside the text they are word characters.
  it('drops Unicode spaces at either end of the arguments (npm run fuzz, seed 888462642)', () => {
    assert.deepEqual(argvOfLast('FROM python\nENTRYPOINT virtualenv /venv \u00a0'), [['virtualenv', '/venv']]);
    assert.deepEqual(argvOfLast('FROM python\nCMD \u00a0app x\u00a0'), [['app', 'x']]);
    assert.deepEqual(argvOfLast('FROM python\nCMD app x\u0085\u3000\u000b'), [['app', 'x']]);
    assert.deepEqual(argvOfLast('FROM python\nRUN pip install flask \\\n  \u2028\n'), [['pip', 'install', 'flask']]);
  });

  it('keeps them inside the arguments, and keeps a byte-order mark at the end (Go does not trim it)', () => {
    assert.deepEqual(argvOfLast('FROM python\nCMD app \u00a0x'), [['app', '\u00a0x']]);
    assert.deepEqual(argvOfLast('FROM python\nCMD app x \ufeff'), [['app', 'x', '\ufeff']]);
  });

  it('has no script when nothing but such spaces is left', () => {
    assert.equal(argvOfLast('FROM python\nCMD \u00a0\u2003'), null);
  });

  it('maps the trimmed script to document offsets', () => {
    const content = 'FROM python\nCMD \u00a0app x\u00a0\u00a0';
    const model = new DocumentModel(content);
    const info = model.instructions[1];
    assert.ok(info);
    const script = model.shellOf(info);
    assert.ok(script);
    assert.equal(content.slice(script.start, script.end), 'app x');
  });

  it('so PYD401 rewrites only the words the shell gets into exec form', () => {
    const content = 'FROM python:3.12-slim\nENTRYPOINT virtualenv /venv \u00a0';
    const fix = lint(content, { env: { today: '2026-11-25' } }).findings.find((f) => f.code === 'PYD401')?.fixes[0];
    assert.ok(fix);
    assert.equal(applyEdits(content, fix.edits), 'FROM python:3.12-slim\nENTRYPOINT ["virtualenv", "/venv"] \u00a0');
  });
});

describe('DocumentModel.isExecForm: trimmed as BuildKit trims before it tries JSON', () => {
  const execForm = (content: string): boolean => {
    const model = new DocumentModel(content);
    const info = model.instructions.at(-1);
    assert.ok(info);
    return model.isExecForm(info);
  };

  it('reads a JSON array followed by NEL or NBSP as exec form (Go trims them, JavaScript keeps NEL)', () => {
    assert.equal(execForm('FROM python\nCMD ["python", "app.py"]\u0085'), true);
    assert.equal(execForm('FROM python\nCMD ["python", "app.py"]\u00a0'), true);
  });

  it('reads one followed by a byte-order mark as shell form (Go keeps it, JavaScript trims it)', () => {
    assert.equal(execForm('FROM python\nCMD ["python", "app.py"]\ufeff'), false);
    assert.equal(execForm('FROM python\nCMD ["python", "app.py"]'), true);
  });
});
