// The oracle's reading of shell-form commands: when `sh -c` would only split words, its words are
// the argv an exec form must have; anything the shell would work on is left as shell text.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { simpleWords } from './oracle';

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

  it('takes `=` for an assignment only after an unquoted name in the first word', () => {
    assert.deepEqual(simpleWords('"./start.sh"='), ['./start.sh=']);
    assert.deepEqual(simpleWords('./run=fast now'), ['./run=fast', 'now']);
    assert.deepEqual(simpleWords('=x'), ['=x']);
    assert.deepEqual(simpleWords('python --opt=1'), ['python', '--opt=1']);
    assert.equal(simpleWords('A_1=x'), undefined);
    assert.equal(simpleWords("A='x y' app"), undefined);
  });
});
