// `npm run fuzz`: the property suites of test/property with many cases and a random seed.
//   FUZZ_RUNS  cases per property (default 2000)
//   FUZZ_SEED  seed to replay a failure (default: random, printed first)
//   FUZZ_JOBS  test files run at once (default: one per core; 1 on a shared machine)
//   FUZZ_SUITES  comma-separated suites to run (default: all of SUITES below)
// Expects compiled tests in out/ (the npm script compiles first).
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve('out/test/property');
// The suites that generate cases; the server and CLI tests have nothing to scale.
const SUITES = ['generated', 'fixture-mutations', 'pathological', 'limits', 'regressions'];
const chosen = process.env.FUZZ_SUITES ? process.env.FUZZ_SUITES.split(',').map((s) => s.trim()).filter((s) => s !== '') : SUITES;
for (const name of chosen) {
  if (!SUITES.includes(name)) {
    console.error(`unknown suite ${name} in FUZZ_SUITES (known: ${SUITES.join(', ')})`);
    process.exit(1);
  }
}
const files = chosen.map((name) => path.join(root, `${name}.test.js`));
for (const file of files) {
  if (!fs.existsSync(file)) {
    console.error(`${path.relative(process.cwd(), file)} is missing: run npm run compile:test`);
    process.exit(1);
  }
}

const seed = process.env.FUZZ_SEED ?? String(randomInt(0, 2 ** 31 - 1));
const runs = process.env.FUZZ_RUNS ?? '2000';
console.log(`fuzz: FUZZ_SEED=${seed} FUZZ_RUNS=${runs} (replay a failure with the same FUZZ_SEED)`);

const jobs = Math.max(1, Number.parseInt(process.env.FUZZ_JOBS ?? '', 10) || os.availableParallelism());
const started = Date.now();
const child = spawn(process.execPath, ['--test', `--test-concurrency=${jobs}`, ...files], {
  env: { ...process.env, FUZZ_SEED: seed, FUZZ_RUNS: runs },
  stdio: ['ignore', 'pipe', 'inherit'],
});

const cases = new Map();
let buffer = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  buffer += chunk.toString('utf8');
  let newline;
  while ((newline = buffer.indexOf('\n')) >= 0) {
    const line = buffer.slice(0, newline);
    buffer = buffer.slice(newline + 1);
    // Each test process reports `# property-cases seed=… name=count …` when it exits.
    const m = /property-cases seed=\S+ (.*)$/.exec(line);
    if (!m) continue;
    for (const pair of m[1].trim().split(/\s+/)) {
      const [name, count] = pair.split('=');
      cases.set(name, (cases.get(name) ?? 0) + Number(count));
    }
  }
});

child.on('close', (code) => {
  const total = [...cases.values()].reduce((a, b) => a + b, 0);
  const minutes = ((Date.now() - started) / 60000).toFixed(1);
  console.log(`fuzz: ${total} generated cases in ${minutes} min (${[...cases].map(([k, v]) => `${k} ${v}`).join(', ')}), seed ${seed}: ${code === 0 ? 'passed' : 'FAILED'}`);
  process.exit(code ?? 1);
});
