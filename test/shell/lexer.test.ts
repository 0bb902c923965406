// Table-driven tests of the shell tokenizer: quoting, expansions, continuations, operators,
// redirections, comments, and the document offsets every token maps back to.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { logicalText, tokenize, type LexResult, type Token } from '../../server/src/shell/lexer';

/** Tokenizes a whole text as if it were a RUN's arguments. */
function lex(text: string, escapeChar = '\\'): LexResult {
  return tokenize(logicalText(text, 0, text.length, escapeChar));
}

/** A compact view: words as `value`, operators as `<op>` (with their fd), plus the document slice. */
function view(text: string, tokens: Token[]): [string, string][] {
  return tokens.map((t) => [t.kind === 'word' ? t.value : `<${t.fd ?? ''}${t.op}>`, text.slice(t.start, t.end)]);
}

interface Case {
  name: string;
  text: string;
  escape?: string;
  /** [value or <op>, document text between start and end]. */
  tokens: [string, string][];
}

const CASES: Case[] = [
  {
    name: 'plain words',
    text: 'pip install  flask',
    tokens: [['pip', 'pip'], ['install', 'install'], ['flask', 'flask']],
  },
  {
    name: 'single quotes keep everything literal',
    text: `echo 'a  $b "c"' d`,
    tokens: [['echo', 'echo'], ['a  $b "c"', `'a  $b "c"'`], ['d', 'd']],
  },
  {
    name: 'double quotes remove escapes before $ ` " \\ only',
    text: 'echo "a \\"b\\" \\$HOME \\n"',
    tokens: [['echo', 'echo'], ['a "b" $HOME \\n', '"a \\"b\\" \\$HOME \\n"']],
  },
  {
    name: 'backslash escapes outside quotes',
    text: 'touch a\\ b c\\;d',
    tokens: [['touch', 'touch'], ['a b', 'a\\ b'], ['c;d', 'c\\;d']],
  },
  {
    name: 'adjacent quoted parts form one word',
    text: `pip install "uvicorn[standard]"'>=0.30'`,
    tokens: [['pip', 'pip'], ['install', 'install'], ['uvicorn[standard]>=0.30', `"uvicorn[standard]"'>=0.30'`]],
  },
  {
    name: '$VAR, ${VAR} and ${VAR:-default} stay verbatim',
    text: 'cp $SRC ${DEST:-/app} "${HOME}/x"',
    tokens: [['cp', 'cp'], ['$SRC', '$SRC'], ['${DEST:-/app}', '${DEST:-/app}'], ['${HOME}/x', '"${HOME}/x"']],
  },
  {
    name: 'command substitution with quotes and operators inside is one word',
    text: 'echo $(dpkg --print-architecture | tr -d "\\n )") next',
    tokens: [['echo', 'echo'], ['$(dpkg --print-architecture | tr -d "\\n )")', '$(dpkg --print-architecture | tr -d "\\n )")'], ['next', 'next']],
  },
  {
    name: 'backticks and arithmetic expansion',
    text: 'echo `uname -m` $((1 + 2))',
    tokens: [['echo', 'echo'], ['`uname -m`', '`uname -m`'], ['$((1 + 2))', '$((1 + 2))']],
  },
  {
    name: 'ANSI-C quoting is decoded',
    text: "printf $'a\\tb\\'c'",
    tokens: [['printf', 'printf'], ["a\tb'c", "$'a\\tb\\'c'"]],
  },
  {
    name: 'continuation with a backslash maps words to their own lines',
    text: 'pip install \\\n    flask \\\n    gunicorn',
    tokens: [['pip', 'pip'], ['install', 'install'], ['flask', 'flask'], ['gunicorn', 'gunicorn']],
  },
  {
    name: 'a word split by a continuation spans both lines',
    text: 'pip install fl\\\nask',
    tokens: [['pip', 'pip'], ['install', 'install'], ['flask', 'fl\\\nask']],
  },
  {
    name: 'blanks after the escape character still continue the line',
    text: 'apt-get update \\   \n && apt-get install -y curl',
    tokens: [['apt-get', 'apt-get'], ['update', 'update'], ['<&&>', '&&'], ['apt-get', 'apt-get'], ['install', 'install'], ['-y', '-y'], ['curl', 'curl']],
  },
  {
    name: 'continuation with a backtick escape directive; backslash stays a shell escape',
    text: 'pip install `\n    flask a\\ b',
    escape: '`',
    tokens: [['pip', 'pip'], ['install', 'install'], ['flask', 'flask'], ['a b', 'a\\ b']],
  },
  {
    name: 'comment lines and empty lines inside a continuation are dropped',
    text: 'apt-get update \\\n  # refresh first\n\n  && apt-get install -y git',
    tokens: [['apt-get', 'apt-get'], ['update', 'update'], ['<&&>', '&&'], ['apt-get', 'apt-get'], ['install', 'install'], ['-y', '-y'], ['git', 'git']],
  },
  {
    name: 'CRLF line endings',
    text: 'pip install \\\r\n    # pinned\r\n    flask==3.0.3',
    tokens: [['pip', 'pip'], ['install', 'install'], ['flask==3.0.3', 'flask==3.0.3']],
  },
  {
    name: 'an escape character at the very end of the document is dropped',
    text: 'echo hi \\',
    tokens: [['echo', 'echo'], ['hi', 'hi']],
  },
  {
    name: 'list and pipeline operators',
    text: 'a&&b || c;d|e |& f & g',
    tokens: [['a', 'a'], ['<&&>', '&&'], ['b', 'b'], ['<||>', '||'], ['c', 'c'], ['<;>', ';'], ['d', 'd'], ['<|>', '|'], ['e', 'e'], ['<|&>', '|&'], ['f', 'f'], ['<&>', '&'], ['g', 'g']],
  },
  {
    name: 'parentheses and case terminators',
    text: '(a);; b',
    tokens: [['<(>', '('], ['a', 'a'], ['<)>', ')'], ['<;;>', ';;'], ['b', 'b']],
  },
  {
    name: 'redirections with and without file descriptors',
    text: 'cmd 2>&1 >/dev/null 2>>err.log &>all.log <in 0<&3 <<<word >|f',
    tokens: [
      ['cmd', 'cmd'], ['<2>&>', '2>&'], ['1', '1'], ['<>>', '>'], ['/dev/null', '/dev/null'], ['<2>>>', '2>>'], ['err.log', 'err.log'],
      ['<&>>', '&>'], ['all.log', 'all.log'], ['<<>', '<'], ['in', 'in'], ['<0<&>', '0<&'], ['3', '3'], ['<<<<>', '<<<'], ['word', 'word'], ['<>|>', '>|'], ['f', 'f'],
    ],
  },
  {
    name: 'digits only form an fd right before a redirection',
    text: 'sleep 5 >x a2>y',
    tokens: [['sleep', 'sleep'], ['5', '5'], ['<>>', '>'], ['x', 'x'], ['a2', 'a2'], ['<>>', '>'], ['y', 'y']],
  },
  {
    name: 'heredoc operators',
    text: 'cat <<EOF; cat <<-END',
    tokens: [['cat', 'cat'], ['<<<>', '<<'], ['EOF', 'EOF'], ['<;>', ';'], ['cat', 'cat'], ['<<<->', '<<-'], ['END', 'END']],
  },
  {
    name: 'a shell comment ends the tokens; # inside a word does not',
    text: 'echo a#b # note && rm -rf /',
    tokens: [['echo', 'echo'], ['a#b', 'a#b']],
  },
];

describe('shell lexer: tokens and their document ranges', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const result = lex(c.text, c.escape);
      assert.equal(result.error, undefined);
      assert.deepEqual(view(c.text, result.tokens), c.tokens);
    });
  }
});

describe('shell lexer: word flags', () => {
  const flags = (text: string): { quoted: boolean; hasExpansion: boolean; hasGlob: boolean }[] =>
    lex(text).tokens.flatMap((t) => (t.kind === 'word' ? [{ quoted: t.quoted, hasExpansion: t.hasExpansion, hasGlob: t.hasGlob }] : []));

  const CASES_FLAGS: [string, string, { quoted: boolean; hasExpansion: boolean; hasGlob: boolean }][] = [
    ['bare word', 'flask', { quoted: false, hasExpansion: false, hasGlob: false }],
    ['variable', '$PIP_INDEX', { quoted: false, hasExpansion: true, hasGlob: false }],
    ['variable in double quotes', '"$HOME/x"', { quoted: true, hasExpansion: true, hasGlob: false }],
    ['escaped dollar in double quotes', '"\\$HOME"', { quoted: true, hasExpansion: false, hasGlob: false }],
    ['variable in single quotes is text', "'$HOME'", { quoted: true, hasExpansion: false, hasGlob: false }],
    ['lone dollar is literal', 'a$', { quoted: false, hasExpansion: false, hasGlob: false }],
    ['unquoted glob', '/var/lib/apt/lists/*', { quoted: false, hasExpansion: false, hasGlob: true }],
    ['bracket glob', 'requirements[0-9].txt', { quoted: false, hasExpansion: false, hasGlob: true }],
    ['quoted star is no glob', "'*.whl'", { quoted: true, hasExpansion: false, hasGlob: false }],
  ];
  for (const [name, text, expected] of CASES_FLAGS) {
    it(name, () => assert.deepEqual(flags(text), [expected]));
  }
});

describe('shell lexer: comments', () => {
  it('records each comment with its document span', () => {
    const text = 'pip install flask # web framework';
    const { comments } = lex(text);
    assert.deepEqual(comments.map((c) => text.slice(c.start, c.end)), ['# web framework']);
  });

  it('does not record comment lines that Docker strips from a continuation', () => {
    assert.deepEqual(lex('a \\\n# docker strips me\n  b').comments, []);
  });

  it('a comment after an operator counts', () => {
    const text = 'a;#b';
    assert.deepEqual(lex(text).comments.map((c) => text.slice(c.start, c.end)), ['#b']);
  });
});

describe('shell lexer: errors', () => {
  const ERRORS: [string, string, string][] = [
    ['unterminated single quote', "echo 'abc", 'unterminated single quote'],
    ['unterminated double quote', 'echo "abc', 'unterminated double quote'],
    ['unterminated command substitution', 'echo $(date', 'unterminated $('],
    ['unterminated parameter expansion', 'echo ${HOME', 'unterminated ${'],
    ['unterminated backtick', 'echo `date', 'unterminated backtick'],
    ['unterminated ANSI-C quote', "echo $'abc", "unterminated $' quote"],
  ];
  for (const [name, text, error] of ERRORS) {
    it(name, () => assert.equal(lex(text).error, error));
  }
});

describe('logicalText', () => {
  it('maps every kept character to its document offset', () => {
    const doc = 'RUN a \\\n  # c\n  b';
    const start = doc.indexOf('a');
    const { chars, offsets } = logicalText(doc, start, doc.length, '\\');
    assert.equal(chars, 'a   b');
    assert.equal(offsets.length, chars.length);
    assert.deepEqual([...chars].map((_, i) => doc[offsets[i] as number]), [...chars]);
    assert.equal(offsets[4], doc.lastIndexOf('b'));
  });

  it('leaves an escape character that does not end a line alone', () => {
    assert.equal(logicalText('a \\ b', 0, 5, '\\').chars, 'a \\ b');
  });

  it('does not read past the end it was given', () => {
    const doc = 'echo one\nRUN two';
    assert.equal(logicalText(doc, 0, 8, '\\').chars, 'echo one');
  });
});
