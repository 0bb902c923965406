// Process entry of `pydockerfile-language-server`: answers --version/--help, else picks the
// transport from argv (--stdio, --node-ipc, --socket=N) and starts the server.
import { createConnection } from 'vscode-languageserver/node';
import { findVersion } from './cli/version';
import { SERVER_NAME, startServer } from './start';

const USAGE = `Usage: ${SERVER_NAME} (--stdio | --node-ipc | --socket=<port>) [--clientProcessId=<pid>]

Language server for Dockerfiles of Python applications (Python Dockerfile Optimizer):
diagnostics, quick fixes, fix-all on save, hovers and the Optimize command.

Transports:
  --stdio            talk LSP over stdin/stdout (Neovim, Helix, Emacs, Sublime, ...)
  --node-ipc         talk LSP over the Node IPC channel (VS Code)
  --socket=<port>    connect to a client listening on a TCP port

Other options:
  --version          print the version and exit
  --help             print this help and exit
`;

function main(argv: readonly string[]): void {
  if (argv.includes('--version') || argv.includes('-v')) {
    process.stdout.write(`${SERVER_NAME} ${findVersion()}\n`);
    return;
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return;
  }
  const transport = argv.some((a) => a === '--stdio' || a === '--node-ipc' || a === '--socket' || a.startsWith('--socket=') || a === '--pipe' || a.startsWith('--pipe='));
  if (!transport) {
    // createConnection would throw a less helpful error; say what is missing instead.
    process.stderr.write(`${SERVER_NAME}: no transport given\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  // createConnection reads the transport from process.argv (vscode-languageserver/node).
  startServer(createConnection(), { version: findVersion() });
}

main(process.argv.slice(2));
