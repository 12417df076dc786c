// The shared shim core (../shim/core.js, copied from harness/shim/js by scripts/sync-core.py) served on
// a TCP port of the device's loopback with @ohos.net.socket, as ohos_protocol/shim_js/tcp-server.js serves
// it under Node: bytes are decoded as UTF-8 and fed to the core, which splits lines and answers.
//
// Standard TypeScript, not ArkTS (.ets): the module table holds namespaces as values and the core is
// untyped JavaScript, both of which the ArkTS rules reject in .ets files (README, "ArkTS rules").
import { BusinessError } from '@ohos.base';
import socket from '@ohos.net.socket';
import util from '@ohos.util';
import cloudSync from '@ohos.file.cloudSync';
import wifiManager from '@ohos.wifiManager';
import data from '@ohos.telephony.data';
import { ShimCore } from '../shim/core';

const LOOPBACK = '127.0.0.1';
const IPV4 = 1;
const PLATFORM = 'ohos-hap';

/** What core.connection() returns: the handlers an entry calls for one connection. */
interface CoreConnection {
  onData(chunk: string): void;
  onClose(): void;
}

/** The part of ShimCore an entry uses (docs/shim-protocol.md, "Device entries"). */
interface Core {
  connection(sendLine: (line: string) => void, close: () => void): CoreConnection;
  authorize(token: string): void;
}

/** The @ohos modules the suites and the controls use; a module the image lacks is left out. */
function ohosModules(): Map<string, object> {
  const modules = new Map<string, object>();
  const imported: Array<[string, object | undefined]> = [
    ['@ohos.file.cloudSync', cloudSync],
    ['@ohos.wifiManager', wifiManager],
    ['@ohos.telephony.data', data],
  ];
  for (const [name, module] of imported) {
    if (module !== undefined && module !== null) {
      modules.set(name, module);
    }
  }
  return modules;
}

/**
 * Serve a new shim core on 127.0.0.1:`port`. Resolves once listening; rejects with the socket's
 * BusinessError when the port cannot be bound (2303198: address already in use).
 */
export async function serveShim(
  port: number,
  bundle: string,
  apiLevel: number,
  shimVersion: string,
  token: string,
  log: (text: string) => void,
): Promise<ShimServer> {
  const modules = ohosModules();
  const core: Core = new ShimCore({
    platform: PLATFORM,
    apiLevel,
    bundle,
    shimVersion,
    loadModule: (name: string) => modules.get(name),
    moduleNames: () => modules.keys(),
    now: () => Date.now(),
    log,
  });
  // The launch's token (`aa start ... --ps token VALUE`): no connection is served without it.
  core.authorize(token);
  const listener = socket.constructTCPSocketServerInstance();
  const server = new ShimServer(listener, core, log);
  try {
    await listener.listen({ address: LOOPBACK, port, family: IPV4 });
  } catch (err) {
    server.stop();
    throw err;
  }
  return server;
}

/** A listening shim: holds its accepted connections (netstack stops calling back for collected ones). */
export class ShimServer {
  private readonly links = new Set<Link>();

  constructor(
    private readonly listener: socket.TCPSocketServer,
    private readonly core: Core,
    log: (text: string) => void,
  ) {
    listener.on('connect', (client: socket.TCPSocketConnection) => {
      const link: Link = new Link(client, core, log, () => this.links.delete(link));
      this.links.add(link);
    });
  }

  /** Stop accepting and close every connection (the API 10 TCPSocketServer has no close()). */
  /** Accept the token of a new want to the running ability (`aa start` again), as the first one. */
  authorize(token: string): void {
    this.core.authorize(token);
  }

  stop(): void {
    this.listener.off('connect');
    for (const link of [...this.links]) {
      link.close();
    }
  }
}

/** One accepted connection fed to the core. Writes go out in order, and a close waits for them. */
class Link {
  private readonly decoder = util.TextDecoder.create('utf-8', { ignoreBOM: true });
  private readonly handlers: CoreConnection;
  private writes: Promise<void> = Promise.resolve();
  private closing = false;

  constructor(
    private readonly client: socket.TCPSocketConnection,
    core: Core,
    private readonly log: (text: string) => void,
    private readonly onGone: () => void,
  ) {
    this.handlers = core.connection(
      (line: string) => this.write(`${line}\n`),
      () => this.close(),
    );
    client.on('message', (value: { message: ArrayBuffer }) => {
      const text = this.decoder.decodeWithStream(new Uint8Array(value.message), { stream: true });
      if (text.length > 0) {
        this.handlers.onData(text);
      }
    });
    client.on('close', () => this.gone());
    client.on('error', (err: BusinessError) => {
      this.log(`shim: connection ${client.clientId} failed: ${err.code} ${err.message}`);
      this.close();
      this.gone();
    });
  }

  close(): void {
    if (this.closing) {
      return;
    }
    this.closing = true;
    this.writes = this.writes
      .then(() => this.client.close())
      .catch((err: BusinessError) => this.log(`shim: closing connection failed: ${err.code}`));
  }

  private write(text: string): void {
    if (this.closing) {
      throw new Error('connection is closing');
    }
    this.writes = this.writes
      .then(() => this.client.send({ data: text, encoding: 'utf-8' }))
      .catch((err: BusinessError) => {
        this.log(`shim: send on connection ${this.client.clientId} failed: ${err.code} ${err.message}`);
        this.close();
      });
  }

  private gone(): void {
    this.closing = true;
    this.handlers.onClose();
    this.onGone();
  }
}
