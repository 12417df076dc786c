// Node only: serve a ShimCore on a TCP port of 127.0.0.1 (used by node-entry.js and test entries).

import net from 'node:net';

/** Listen on 127.0.0.1:`port` (0 = any free port); resolves with the listening net.Server. */
export async function serveCore(core, port = 0) {
  const listener = await listenForCore(port);
  listener.attach(core);
  return listener.server;
}

/**
 * Listen on 127.0.0.1:`port` before the core exists (a runtime started ahead of its ability);
 * resolves with `{ server, attach(core) }`. A connection before `attach` is closed at once.
 */
export function listenForCore(port = 0) {
  let core = null;
  const server = net.createServer((socket) => {
    if (core === null) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    socket.setEncoding('utf8');
    const connection = core.connection(
      (line) => socket.write(`${line}\n`),
      () => socket.end(() => socket.destroy()),
    );
    socket.on('data', (chunk) => connection.onData(chunk));
    socket.on('close', () => connection.onClose());
    socket.on('error', () => socket.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve({
        server,
        attach: (ready) => {
          core = ready;
        },
      });
    });
  });
}

/** Epoch milliseconds with sub-millisecond resolution. */
export function epochMs() {
  return performance.timeOrigin + performance.now();
}
