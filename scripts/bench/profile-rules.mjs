// `node scripts/bench/profile-rules.mjs [lines…]`: time of each rule alone on the 1,000
// typical files and on the generated large files, with shell ASTs already built (so the
// numbers are the rule's own work), and how it scales from the first large size to the last
// (4.0× is linear for 5,000 → 20,000 lines). Every rule is warmed up before it is measured.
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { largeDockerfile, typicalDockerfile } from './generate.mjs';
import { median } from './stats.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(path.join(root, 'package.json'));
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
if (sizes.length === 0) sizes.push(5000, 20000);
const TODAY = '2025-06-01';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pydockerfile-rules-'));
const outfile = path.join(scratch, 'engine.cjs');
await require('esbuild').build({ entryPoints: [path.join(root, 'scripts/bench/engine-entry.mjs')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', mainFields: ['module', 'main'], outfile, logLevel: 'warning' });
const { lint, DocumentModel, ALL_RULES } = createRequire(outfile)(outfile);
fs.rmSync(scratch, { recursive: true, force: true });

/** @type {Map<string, number>} */
const typicalTimes = new Map();
const typical = Array.from({ length: 1000 }, (_, i) => new DocumentModel(typicalDockerfile(i)));
for (const model of typical) lint(model, { env: { today: TODAY }, preview: true });
for (let pass = 0; pass < 2; pass++) {
  for (const rule of ALL_RULES) {
    const start = performance.now();
    for (const model of typical) lint(model, { env: { today: TODAY }, rules: [rule], only: [rule.code] });
    // The second pass is measured; the first warms up.
    if (pass === 1) typicalTimes.set(rule.code, performance.now() - start);
  }
}

/** @type {Map<string, number[]>} */
const times = new Map();
for (const lines of sizes) {
  const model = new DocumentModel(largeDockerfile(lines));
  lint(model, { env: { today: TODAY }, preview: true }); // builds and memoizes every shell AST
  for (const rule of ALL_RULES) {
    const samples = [];
    // Warm-up runs first: five cold runs of a rule measured mostly its JIT compilation.
    for (let i = 0; i < 3; i++) lint(model, { env: { today: TODAY }, rules: [rule], only: [rule.code] });
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      lint(model, { env: { today: TODAY }, rules: [rule], only: [rule.code] });
      samples.push(performance.now() - start);
    }
    times.set(rule.code, [...(times.get(rule.code) ?? []), median(samples)]);
  }
}
const rows = ALL_RULES.map((rule) => {
  const t = times.get(rule.code) ?? [];
  const first = t[0] ?? 0;
  const last = t[t.length - 1] ?? 0;
  return { rule, t, growth: first > 0.05 ? last / first : null };
}).sort((a, b) => (b.t[b.t.length - 1] ?? 0) - (a.t[a.t.length - 1] ?? 0));
const header = `${'rule'.padEnd(48)}${'1,000 typical'.padStart(14)}${sizes.map((n) => `${n} lines`.padStart(14)).join('')}   growth`;
process.stdout.write(`${header}\n`);
for (const { rule, t, growth } of rows) {
  const typicalMs = typicalTimes.get(rule.code) ?? 0;
  process.stdout.write(`${`${rule.code} ${rule.name}${rule.status === 'preview' ? ' (p)' : ''}`.padEnd(48)}${`${typicalMs.toFixed(1)} ms`.padStart(14)}${t.map((ms) => `${ms.toFixed(2)} ms`.padStart(14)).join('')}   ${growth === null ? '' : `${growth.toFixed(1)}×`}\n`);
}
const totalTypical = [...typicalTimes.values()].reduce((a, b) => a + b, 0);
// Preview rules (marked "(p)") only run when asked for: a default lint pays the other rows.
const defaultRows = rows.filter(({ rule }) => rule.status !== 'preview');
const defaultTypical = defaultRows.reduce((a, { rule }) => a + (typicalTimes.get(rule.code) ?? 0), 0);
process.stdout.write(`${'all rules'.padEnd(48)}${`${totalTypical.toFixed(1)} ms`.padStart(14)}${sizes.map((_, k) => `${rows.reduce((a, r) => a + (r.t[k] ?? 0), 0).toFixed(2)} ms`.padStart(14)).join('')}\n`);
process.stdout.write(`${'rules a default lint runs'.padEnd(48)}${`${defaultTypical.toFixed(1)} ms`.padStart(14)}${sizes.map((_, k) => `${defaultRows.reduce((a, r) => a + (r.t[k] ?? 0), 0).toFixed(2)} ms`.padStart(14)).join('')}\n`);
