// The floor of a server's start-up: Node.js with no code of ours, answering `initialize` (and
// `shutdown`/`exit`) over stdio. Spawn → answer for this is what any Node server pays first.
let buffer = Buffer.alloc(0);

/** @param {number} id @param {unknown} result */
function reply(id, result) {
  const body = JSON.stringify({ jsonrpc: '2.0', id, result });
  process.stdout.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

process.stdin.on('data', (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const headerEnd = buffer.indexOf('\r\n\r\n');
    if (headerEnd < 0) return;
    const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, headerEnd).toString('ascii'))?.[1] ?? 0);
    if (buffer.length < headerEnd + 4 + length) return;
    const message = JSON.parse(buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8'));
    buffer = buffer.subarray(headerEnd + 4 + length);
    if (message.method === 'initialize') reply(message.id, { capabilities: {} });
    else if (message.method === 'shutdown') reply(message.id, null);
    else if (message.method === 'exit') process.exit(0);
  }
});
