// code-server (VS Code 1.100 as a server + web workbench) for the e2e scenario: install through
// scripts/e2e/install-code-server.sh, install our .vsix, start it on loopback, stop its whole process group.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { pollUntil } from './harness';

/** Output of a finished child process. */
export interface ProcessResult {
  code: number | null;
  output: string;
}

/**
 * Runs a command to completion, keeping its output. With `echo`, output is also streamed to
 * our stderr (long installs should show progress).
 */
export function runProcess(command: string, args: readonly string[], options: { cwd?: string; echo?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
      if (options.echo) process.stderr.write(chunk);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** Runs the project's install script and returns the code-server entry point it prints last. */
export async function installCodeServer(repoRoot: string): Promise<string> {
  const script = path.join(repoRoot, 'scripts', 'e2e', 'install-code-server.sh');
  const result = await runProcess('bash', [script], { echo: true });
  if (result.code !== 0) throw new Error(`${script} exited with ${result.code}`);
  const entry = result.output.trim().split('\n').pop() ?? '';
  if (!fs.existsSync(entry)) throw new Error(`${script} printed no usable entry point (last line: ${entry})`);
  return entry;
}

/** The folders one code-server instance uses; all of them live in a temporary directory. */
export interface CodeServerDirs {
  userDataDir: string;
  extensionsDir: string;
  configFile: string;
}

/** Installs `vsix` into the extensions folder with code-server's own CLI; returns its output. */
export async function installExtension(entry: string, dirs: CodeServerDirs, vsix: string): Promise<string> {
  const result = await runProcess(process.execPath, [entry, ...dirArgs(dirs), '--install-extension', vsix]);
  if (result.code !== 0) throw new Error(`--install-extension exited with ${result.code}:\n${result.output}`);
  return result.output;
}

/** `publisher.name@version` of every extension in the extensions folder. */
export async function listExtensions(entry: string, dirs: CodeServerDirs): Promise<string[]> {
  const result = await runProcess(process.execPath, [entry, ...dirArgs(dirs), '--list-extensions', '--show-versions']);
  if (result.code !== 0) throw new Error(`--list-extensions exited with ${result.code}:\n${result.output}`);
  return result.output.split('\n').map((line) => line.trim()).filter((line) => /^[\w-]+\.[\w-]+@/.test(line));
}

/** A running code-server. */
export interface RunningCodeServer {
  url: string;
  /** Stops code-server and every process it started (extension host, watchers, our server). */
  stop(): Promise<void>;
}

/**
 * Starts code-server without auth on a free loopback port, serving `workspace`, and resolves
 * once it answers /healthz. Its output goes to `logFile`. It runs in its own process group, so
 * stopping it also ends the extension host and the language server it forked.
 */
export async function startCodeServer(entry: string, dirs: CodeServerDirs, workspace: string, logFile: string): Promise<RunningCodeServer> {
  const port = await freePort();
  const log = fs.openSync(logFile, 'a');
  const args = [
    entry,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    ...dirArgs(dirs),
    workspace,
  ];
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error('code-server did not start');
  let exited = false;
  child.on('exit', () => (exited = true));
  const stop = async (): Promise<void> => {
    await killGroup(pid);
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await pollUntil(
      `code-server to answer on ${url}/healthz`,
      async () => {
        if (exited) throw new Error(`code-server exited early; see ${logFile}`);
        return (await httpStatus(`${url}/healthz`)) === 200 ? true : undefined;
      },
      60_000,
      200,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}

/**
 * SIGTERM to the whole process group, then SIGKILL for whatever is still alive after a grace
 * period (code-server's helpers do not always follow their parent down).
 */
async function killGroup(pid: number): Promise<void> {
  const alive = (): boolean => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(-pid, 'SIGTERM');
  try {
    await pollUntil('code-server to exit', () => (alive() ? undefined : true), 5_000);
  } catch {
    if (alive()) process.kill(-pid, 'SIGKILL');
    await pollUntil('code-server to be killed', () => (alive() ? undefined : true), 5_000);
  }
}

function dirArgs(dirs: CodeServerDirs): string[] {
  // --config: code-server would otherwise create ~/.config/code-server/config.yaml.
  return ['--config', dirs.configFile, '--user-data-dir', dirs.userDataDir, '--extensions-dir', dirs.extensionsDir];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

function httpStatus(url: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const request = http.get(url, (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on('error', () => resolve(undefined));
    request.setTimeout(2_000, () => {
      request.destroy();
      resolve(undefined);
    });
  });
}
