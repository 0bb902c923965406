// CI configuration files: the `docker build` steps they run and whether those use a remote cache.
import { isMap, isPair, isScalar, isSeq, parseDocument, visit, type Node, type Pair, type Scalar } from 'yaml';
import { shellWords } from './entry-script';
import type { Parsed } from './toml';

/** The CI systems whose files we read. */
export type CiSystem = 'gitlab' | 'github' | 'jenkins' | 'bitbucket';

/** One image build a CI file runs. */
export interface CiBuild {
  system: CiSystem;
  /** Zero-based position of the build command (or `uses:` of the action) in the CI file. */
  line: number;
  column: number;
  endColumn: number;
  /** A short label for messages: `docker build`, `docker buildx build`, `docker/build-push-action`. */
  label: string;
  /**
   * The Dockerfile it builds, relative to the repository root (CI jobs start there), or null
   * when variables or unknown options make that impossible to tell.
   */
  dockerfile: string | null;
  /** `--cache-from`/`--cache-to` (or the action's `cache-from`/`cache-to` inputs) are given. */
  cache: boolean;
  /** Image tags (`-t`/`--tag`, the action's `tags`); empty when none are given. */
  tags: string[];
}

/** The builds of one CI file. */
export interface CiFile {
  path: string;
  system: CiSystem;
  builds: CiBuild[];
}

/** Which system a CI file path belongs to, or null. */
export function ciSystemOf(path: string): CiSystem | null {
  if (path === '.gitlab-ci.yml') return 'gitlab';
  if (path === 'bitbucket-pipelines.yml') return 'bitbucket';
  if (path === 'Jenkinsfile') return 'jenkins';
  if (/^\.github\/workflows\/[^/]+\.ya?ml$/.test(path)) return 'github';
  return null;
}

/** `docker build` options that take a value (a separate word unless written `--opt=value`). */
const VALUE_OPTIONS = new Set([
  '-f', '--file', '-t', '--tag', '--build-arg', '--target', '--platform', '--label', '--secret', '--ssh', '-o', '--output',
  '--progress', '--network', '--add-host', '--iidfile', '--metadata-file', '--builder', '--cache-from', '--cache-to',
  '--build-context', '--shm-size', '--ulimit', '-m', '--memory', '--memory-swap', '--cpu-shares', '--cpuset-cpus',
  '--cpuset-mems', '--cpu-period', '--cpu-quota', '--isolation', '--annotation', '--attest', '--sbom', '--provenance',
  '--allow', '--call', '--cgroup-parent', '--security-opt', '--policy',
]);
const FLAG_OPTIONS = new Set(['--push', '--load', '--pull', '--no-cache', '-q', '--quiet', '--rm', '--force-rm', '--squash', '--compress', '--check', '--disable-content-trust']);

/** Keys whose values are shell scripts, per system. */
const SCRIPT_KEYS: Readonly<Record<Exclude<CiSystem, 'jenkins'>, ReadonlySet<string>>> = {
  gitlab: new Set(['script', 'before_script', 'after_script']),
  bitbucket: new Set(['script', 'after-script']),
  github: new Set(['run']),
};

const BUILD_RE = /\bdocker\s+(?:buildx\s+build|image\s+build|build)\b/g;

/** Joins two repository-relative paths (`a/b` + `../c` → `a/c`); null when it leaves the root. */
function joinRelative(base: string, rel: string): string | null {
  if (rel.startsWith('/') || base.startsWith('/')) return null;
  const out: string[] = [];
  for (const part of [...base.split('/'), ...rel.split('/')]) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return null;
      out.pop();
    } else out.push(part);
  }
  return out.join('/') || '.';
}

/** Reads the options of one `docker build` command line (words after `build`). */
export function readBuildArgs(args: readonly string[]): { dockerfile: string | null; cache: boolean; tags: string[] } {
  let file: string | undefined;
  let context: string | undefined;
  let known = true;
  let cache = false;
  const tags: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const w = args[i] as string;
    if (!w.startsWith('-') || w === '-') {
      context = w;
      continue;
    }
    const eq = w.indexOf('=');
    const name = eq > 0 ? w.slice(0, eq) : w;
    let value: string | undefined;
    if (eq > 0) value = w.slice(eq + 1);
    else if (VALUE_OPTIONS.has(name)) value = args[++i];
    else if (!FLAG_OPTIONS.has(name)) known = false;
    if (name === '--cache-from' || name === '--cache-to') cache = true;
    if ((name === '-f' || name === '--file') && value !== undefined) file = value;
    if ((name === '-t' || name === '--tag') && value !== undefined) tags.push(value);
  }
  const dynamic = (s: string | undefined): boolean => s !== undefined && /[$`{}]/.test(s);
  let dockerfile: string | null = null;
  if (known && context !== undefined && !dynamic(context) && !dynamic(file) && !/^[a-z]+:\/\//i.test(context) && context !== '-') {
    dockerfile = file !== undefined ? joinRelative('.', file) : joinRelative(context, 'Dockerfile');
  }
  return { dockerfile, cache, tags };
}

/** The line and column of an offset in a text. */
function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) };
}

/** Finds the `docker build` commands of a shell script and where each starts in `source`. */
function buildsInScript(system: CiSystem, script: string, source: string, searchFrom: number): CiBuild[] {
  const builds: CiBuild[] = [];
  const logical = script.replace(/\\\r?\n/g, ' ');
  let cursor = searchFrom;
  for (const segment of logical.split(/\r?\n|&&|\|\||;|\|/)) {
    const words = shellWords(segment);
    const at = words.findIndex((w, i) => w.replace(/^.*\//, '') === 'docker' && (words[i + 1] === 'build' || ((words[i + 1] === 'buildx' || words[i + 1] === 'image') && words[i + 2] === 'build')));
    if (at < 0) continue;
    const buildIndex = words[at + 1] === 'build' ? at + 1 : at + 2;
    const label = words.slice(at, buildIndex + 1).join(' ');
    BUILD_RE.lastIndex = cursor;
    const found = BUILD_RE.exec(source);
    const offset = found ? found.index : searchFrom;
    if (found) cursor = found.index + found[0].length;
    const { line, column } = positionOf(source, offset);
    const lineText = source.split('\n')[line] ?? '';
    builds.push({ system, line, column, endColumn: Math.min(lineText.replace(/\r$/, '').length, column + (found ? found[0].length : 0)), label, ...readBuildArgs(words.slice(buildIndex + 1)) });
  }
  return builds;
}

/** The value of a `with:` input of a GitHub Actions step as text (lists joined with newlines). */
function inputText(node: unknown): string | undefined {
  if (isScalar(node)) return node.value === null || node.value === undefined ? undefined : String(node.value);
  if (isSeq(node)) return node.items.map((i) => (isScalar(i) ? String(i.value) : '')).join('\n');
  return undefined;
}

/** `uses: docker/build-push-action@…` steps of a workflow. */
function buildPushActions(root: Node | null, source: string): CiBuild[] {
  const builds: CiBuild[] = [];
  visit(root, {
    Map(_key, map) {
      const uses = map.items.find((p): p is Pair<Scalar, Scalar> => isScalar(p.key) && p.key.value === 'uses' && isScalar(p.value));
      const action = uses ? String(uses.value?.value ?? '') : '';
      if (!uses || !/^docker\/build-push-action@/.test(action)) return;
      const withNode = map.items.find((p) => isScalar(p.key) && p.key.value === 'with')?.value;
      const input = (name: string): string | undefined => (isMap(withNode) ? inputText(withNode.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === name)?.value) : undefined);
      const context = input('context') ?? '.';
      const file = input('file');
      const dynamic = (s: string | undefined): boolean => s !== undefined && /[$`{}]/.test(s);
      const dockerfile = dynamic(context) || dynamic(file) || /^[a-z]+:\/\//i.test(context) ? null : file !== undefined ? joinRelative('.', file) : joinRelative(context, 'Dockerfile');
      const range = uses.value?.range ?? uses.key?.range;
      const start = range ? range[0] : 0;
      const { line, column } = positionOf(source, start);
      builds.push({
        system: 'github',
        line,
        column,
        endColumn: column + action.length,
        label: 'docker/build-push-action',
        dockerfile,
        cache: input('cache-from') !== undefined || input('cache-to') !== undefined,
        tags: (input('tags') ?? '').split(/[\n,]/).map((t) => t.trim()).filter((t) => t !== ''),
      });
    },
  });
  return builds;
}

/** Reads a YAML CI file (GitLab, GitHub Actions, Bitbucket); a syntax error is the reason. */
function parseYamlCi(path: string, system: Exclude<CiSystem, 'jenkins'>, text: string): Parsed<CiFile> {
  const doc = parseDocument(text.replace(/^\uFEFF/, ' '), { uniqueKeys: false });
  const error = doc.errors[0];
  if (error) return { ok: false, error: `invalid YAML: ${(error.message.split('\n')[0] ?? '').trim()}` };
  const builds: CiBuild[] = [];
  const keys = SCRIPT_KEYS[system];
  visit(doc, {
    Scalar(key, node, path) {
      if (key === 'key' || typeof node.value !== 'string' || !/docker/.test(node.value)) return;
      // The nearest enclosing pair decides whether this is a script.
      for (let i = path.length - 1; i >= 0; i--) {
        const ancestor = path[i];
        if (isPair(ancestor)) {
          if (isScalar(ancestor.key) && keys.has(String(ancestor.key.value))) builds.push(...buildsInScript(system, node.value, text, node.range?.[0] ?? 0));
          return;
        }
      }
    },
  });
  if (system === 'github') builds.push(...buildPushActions(doc.contents, text));
  builds.sort((a, b) => a.line - b.line || a.column - b.column);
  return { ok: true, value: { path, system, builds } };
}

/** Reads a Jenkinsfile line by line: `sh '…docker build…'` steps and `docker.build(…)` calls. */
function parseJenkinsfile(path: string, text: string): CiFile {
  const builds: CiBuild[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, line) => {
    const lineText = raw.replace(/\r$/, '');
    if (/^\s*\/\//.test(lineText)) return;
    const call = /\bdocker\.build\s*\(\s*(["'])([^"']*)\1\s*(?:,\s*(["'])([^"']*)\3\s*)?\)/.exec(lineText);
    if (call) {
      const args = shellWords(call[4] ?? '.');
      const read = readBuildArgs(args.length > 0 ? args : ['.']);
      builds.push({ system: 'jenkins', line, column: call.index, endColumn: call.index + 'docker.build'.length, label: 'docker.build', ...read, tags: [call[2] as string, ...read.tags] });
      return;
    }
    BUILD_RE.lastIndex = 0;
    const m = BUILD_RE.exec(lineText);
    if (!m) return;
    const command = lineText.slice(m.index).replace(/["']{1,3}\s*\)?\s*$/, '');
    builds.push(...buildsInScript('jenkins', command, lineText, 0).map((b) => ({ ...b, line })));
  });
  return { path, system: 'jenkins', builds };
}

/** Parses a CI file of the given system. */
export function parseCiFile(path: string, system: CiSystem, text: string): Parsed<CiFile> {
  if (system === 'jenkins') return { ok: true, value: parseJenkinsfile(path, text) };
  return parseYamlCi(path, system, text);
}
