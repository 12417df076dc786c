// Node only: the emulated device's process <-> system-service IPC (docs/emulator-ipc.md).
// Call channel: synchronous request/reply lines (like a binder transaction). Event channel:
// asynchronous service -> process lines, dispatched by their `event` name.

import fs from 'node:fs';
import net from 'node:net';

const CALL_TIMEOUT_MS = 30000;
const RETRY_SLEEP_MS = 1;

/** The IPC channel closed or broke: the emulated device went away. */
export class IpcClosed extends Error {}

export class IpcClient {
  /** `onClosed(reason)` runs once when either channel closes or breaks. */
  constructor(callFd, eventFd, onClosed) {
    this.callFd = callFd;
    this.eventFd = eventFd;
    this.onClosed = onClosed;
    this.closed = false;
    this.pending = Buffer.alloc(0);
    this.readBuffer = Buffer.alloc(64 * 1024);
    this.handlers = new Map();
    this.sleeper = new Int32Array(new SharedArrayBuffer(4));
  }

  /** Parse `OHOS_HIL_IPC=<call fd>,<event fd>`. */
  static fromEnv(value, onClosed) {
    const match = /^([0-9]+),([0-9]+)$/.exec(value || '');
    if (match === null) {
      throw new Error(`OHOS_HIL_IPC must be "<call fd>,<event fd>", got ${JSON.stringify(value)}`);
    }
    return new IpcClient(Number(match[1]), Number(match[2]), onClosed);
  }

  /** One synchronous request on the call channel; returns the reply object. */
  request(message) {
    if (this.closed) {
      throw new IpcClosed('IPC channel is closed');
    }
    const line = Buffer.from(`${JSON.stringify(message)}\n`, 'utf8');
    let written = 0;
    const deadline = Date.now() + CALL_TIMEOUT_MS;
    while (written < line.length) {
      try {
        written += fs.writeSync(this.callFd, line, written);
      } catch (err) {
        this.retryOrFail(err, deadline, message.op);
      }
    }
    const reply = JSON.parse(this.readLine(deadline, message.op));
    if (reply.ok !== true) {
      throw new Error(`IPC ${message.op} refused: ${reply.message}`);
    }
    return reply;
  }

  /** A binder transaction to system ability `sa`: returns {ipc, ret, reply}. */
  call(sa, code, data = {}) {
    const reply = this.request({ op: 'call', sa, code, data });
    return { ipc: reply.ipc, ret: reply.ret, reply: reply.reply || {} };
  }

  /** Run `handler(data, message)` for every event named `event`. */
  on(event, handler) {
    const list = this.handlers.get(event) || [];
    list.push(handler);
    this.handlers.set(event, list);
  }

  /** Start reading the event channel. */
  listenForEvents() {
    const socket = new net.Socket({ fd: this.eventFd, readable: true, writable: false });
    socket.setEncoding('utf8');
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk;
      let nl = buffered.indexOf('\n');
      while (nl !== -1) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.trim() !== '') {
          this.dispatch(line);
        }
        nl = buffered.indexOf('\n');
      }
    });
    socket.on('error', (err) => this.close(`event channel error: ${err.message}`));
    socket.on('close', () => this.close('event channel closed'));
    return socket;
  }

  dispatch(line) {
    let message;
    try {
      message = JSON.parse(line);
    } catch (err) {
      process.stderr.write(`ipc: event line is not JSON (${err.message}): ${line.slice(0, 200)}\n`);
      return;
    }
    for (const handler of this.handlers.get(message.event) || []) {
      try {
        handler(message.data || {}, message);
      } catch (err) {
        process.stderr.write(`ipc: handler for ${message.event} failed: ${err && err.stack}\n`);
      }
    }
  }

  readLine(deadline, op) {
    for (;;) {
      const nl = this.pending.indexOf(10);
      if (nl !== -1) {
        const line = this.pending.subarray(0, nl).toString('utf8');
        this.pending = this.pending.subarray(nl + 1);
        return line;
      }
      let n;
      try {
        n = fs.readSync(this.callFd, this.readBuffer, 0, this.readBuffer.length, null);
      } catch (err) {
        this.retryOrFail(err, deadline, op);
        continue;
      }
      if (n === 0) {
        this.close('call channel closed');
        throw new IpcClosed(`IPC call channel closed during ${op}`);
      }
      this.pending = Buffer.concat([this.pending, this.readBuffer.subarray(0, n)]);
    }
  }

  retryOrFail(err, deadline, op) {
    if (err.code !== 'EAGAIN' && err.code !== 'EWOULDBLOCK') {
      this.close(`call channel error: ${err.message}`);
      throw new IpcClosed(`IPC ${op} failed: ${err.message}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`IPC ${op}: no reply within ${CALL_TIMEOUT_MS} ms`);
    }
    Atomics.wait(this.sleeper, 0, 0, RETRY_SLEEP_MS);
  }

  close(reason) {
    if (!this.closed) {
      this.closed = true;
      this.onClosed(reason);
    }
  }
}
