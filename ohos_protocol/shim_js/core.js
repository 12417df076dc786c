// The shim core: JSON-RPC over newline-delimited JSON (docs/shim-protocol.md).
// Platform neutral (no Node-only APIs): the Node entry and the ArkTS HAP entry inject what differs.

import { armorLine } from './armor.js';
import {
  DecodeError,
  EncodeError,
  decodeValue,
  encodeError,
  encodeSafely,
  encodeValue,
  isError,
} from './codec.js';
import { LineBuffer, LineTooLong } from './lines.js';
import { LATE, RpcError, Session } from './session.js';
import { classOf, methodOf, resolveExport } from './surface.js';

export const PROTOCOL_MAJOR = 2;
export const PROTOCOL_MINOR = 0;
export const MAX_SESSIONS = 16;
export const MAX_TOKENS = 16;
export const MIN_TOKEN_LENGTH = 16;
export const MAX_TOKEN_LENGTH = 256;
export const DEFAULT_INVOKE_TIMEOUT_MS = 10000;
export const DEFAULT_WAIT_TIMEOUT_MS = 5000;
export const MAX_TIMEOUT_MS = 600000;
const STYLES = new Set(['sync', 'promise', 'callback']);

/**
 * The shim core. Options: platform, apiLevel, bundle, shimVersion, loadModule(name) → module or
 * undefined, moduleNames() → names, now() → epoch ms, log(text) (optional).
 * No connection is accepted until the entry calls authorize(token) with its launch's token.
 */
export class ShimCore {
  constructor({ platform, apiLevel, bundle, shimVersion, loadModule, moduleNames, now, log }) {
    this.info = { apiLevel, platform, bundle, shimVersion };
    this.loadModule = loadModule;
    this.moduleNames = moduleNames;
    this.now = now;
    this.log = log || (() => {});
    this.sessions = new Map();
    this.nextSession = 1;
    this.tokens = [];
    this.methods = new Map([
      ['ping', () => ({ pong: true, time: this.now() })],
      ['help', () => ({ methods: [...this.methods.keys()], modules: [...this.moduleNames()] })],
      ['module.get', (ctx) => this.moduleGet(ctx)],
      ['object.create', (ctx) => this.objectCreate(ctx)],
      ['object.invoke', (ctx) => this.objectInvoke(ctx)],
      ['object.release', (ctx) => this.objectRelease(ctx)],
      ['events.waitAndGet', (ctx) => this.eventsWaitAndGet(ctx)],
      ['events.getAll', (ctx) => this.eventsGetAll(ctx)],
      ['session.close', (ctx) => this.sessionClose(ctx)],
    ]);
  }

  /**
   * Accept handshakes carrying `token` (the launch's secret from the want, `--ps token VALUE`).
   * Every launch (`onCreate`, `onNewWant`) adds its token; beyond MAX_TOKENS the oldest one goes,
   * with its sessions. Returns false (and accepts nothing new) for a token that is not a string of
   * MIN_TOKEN_LENGTH to MAX_TOKEN_LENGTH characters.
   */
  authorize(token) {
    if (!isToken(token)) {
      this.log('shim: launch token missing or malformed; no connection will be accepted with it');
      return false;
    }
    if (!this.tokens.includes(token)) {
      this.tokens.push(token);
    }
    while (this.tokens.length > MAX_TOKENS) {
      const gone = this.tokens.shift();
      for (const session of [...this.sessions.values()]) {
        if (session.token === gone) {
          this.closeSession(session);
        }
      }
    }
    return true;
  }

  /** The authorized token equal to `given` (compared in time independent of where they differ). */
  knownToken(given) {
    if (!isToken(given)) {
      return null;
    }
    let found = null;
    for (const token of this.tokens) {
      if (sameText(token, given)) {
        found = token;
      }
    }
    return found;
  }

  /**
   * A new connection. `sendLine(text)` writes one line (the entry adds `\n`); `close()` ends the
   * connection. Returns the handlers the entry calls: onData(text chunk), onLine(line), onClose().
   */
  connection(sendLine, close) {
    const conn = new Connection(sendLine, close);
    return {
      onData: (chunk) => this.onData(conn, chunk),
      onLine: (line) => this.onLine(conn, line),
      onClose: () => this.onClose(conn),
    };
  }

  onData(conn, chunk) {
    let lines;
    try {
      lines = conn.lines.push(chunk);
    } catch (err) {
      if (!(err instanceof LineTooLong)) {
        throw err;
      }
      conn.reply(null, null, { kind: 'protocol', message: err.message });
      conn.close();
      this.detach(conn);
      return;
    }
    for (const line of lines) {
      this.onLine(conn, line);
    }
  }

  onLine(conn, line) {
    if (!conn.open || line.trim() === '') {
      return;
    }
    if (!conn.handshaken) {
      this.handshake(conn, line);
    } else {
      this.request(conn, line);
    }
  }

  onClose(conn) {
    if (!conn.open && conn.session === null) {
      return;
    }
    conn.open = false;
    this.detach(conn);
  }

  detach(conn) {
    const session = conn.session;
    if (session !== null) {
      session.connections.delete(conn);
      session.dropWaitersOf(conn);
      session.touch();
      conn.session = null;
    }
  }

  // ---- handshake ----

  handshake(conn, line) {
    conn.handshaken = true;
    let msg;
    try {
      msg = JSON.parse(line);
    } catch (err) {
      this.refuse(conn, `handshake is not JSON: ${err.message}`);
      return;
    }
    if (!isPlainObject(msg)) {
      this.refuse(conn, 'handshake must be a JSON object');
      return;
    }
    if (msg.armor !== undefined && typeof msg.armor !== 'boolean') {
      this.refuse(conn, 'handshake armor must be true or false');
      return;
    }
    conn.armor = msg.armor === true;
    if (msg.protocol !== PROTOCOL_MAJOR) {
      const asked = JSON.stringify(msg.protocol);
      this.refuse(conn, `unsupported protocol ${asked}: this shim speaks ${PROTOCOL_MAJOR}`);
      return;
    }
    const token = this.knownToken(msg.token);
    if (token === null) {
      this.refuse(conn, 'wrong or missing token: give the token of this launch (want parameter token)');
      return;
    }
    let session;
    if (msg.cmd === 'initiate') {
      session = this.newSession(token);
      if (session === null) {
        this.refuse(conn, `too many sessions: all ${MAX_SESSIONS} have a connection attached`);
        return;
      }
    } else if (msg.cmd === 'continue') {
      session = typeof msg.session === 'string' ? this.sessions.get(msg.session) : undefined;
      if (session === undefined || session.token !== token) {
        this.refuse(conn, `no such session: ${String(msg.session).slice(0, 64)}`);
        return;
      }
    } else {
      this.refuse(conn, `unknown handshake cmd ${JSON.stringify(msg.cmd)} (initiate or continue)`);
      return;
    }
    conn.session = session;
    session.connections.add(conn);
    session.touch();
    conn.send({
      status: true,
      session: session.id,
      protocol: { major: PROTOCOL_MAJOR, minor: PROTOCOL_MINOR },
      ...this.info,
    });
  }

  refuse(conn, error) {
    this.log(`shim: handshake refused: ${error}`);
    conn.send({ status: false, error });
    conn.close();
  }

  newSession(token) {
    if (this.sessions.size >= MAX_SESSIONS) {
      let oldest = null;
      for (const session of this.sessions.values()) {
        if (session.idle && (oldest === null || session.lastActive < oldest.lastActive)) {
          oldest = session;
        }
      }
      if (oldest === null) {
        return null;
      }
      this.log(`shim: closing idle session ${oldest.id} (limit ${MAX_SESSIONS})`);
      this.closeSession(oldest);
    }
    const session = new Session(`s${this.nextSession}`, this.now, token);
    this.nextSession += 1;
    this.sessions.set(session.id, session);
    return session;
  }

  closeSession(session) {
    this.sessions.delete(session.id);
    session.close();
    for (const conn of session.connections) {
      conn.session = null;
    }
    session.connections.clear();
  }

  // ---- requests ----

  request(conn, line) {
    let msg;
    try {
      msg = JSON.parse(line);
    } catch (err) {
      conn.reply(null, null, { kind: 'protocol', message: `request is not JSON: ${err.message}` });
      return;
    }
    if (!isPlainObject(msg) || !Number.isSafeInteger(msg.id)) {
      conn.reply(null, null, { kind: 'protocol', message: 'request must be an object with an integer id' });
      return;
    }
    const id = msg.id;
    if (typeof msg.method !== 'string') {
      conn.reply(id, null, { kind: 'protocol', message: 'request method must be a string' });
      return;
    }
    const handler = this.methods.get(msg.method);
    if (handler === undefined) {
      conn.reply(id, null, { kind: 'unknown_method', message: msg.method });
      return;
    }
    const params = msg.params === undefined || msg.params === null ? {} : msg.params;
    if (!isPlainObject(params)) {
      conn.reply(id, null, { kind: 'bad_params', message: 'params must be an object' });
      return;
    }
    const session = conn.session;
    if (session === null) {
      conn.reply(id, null, { kind: 'protocol', message: 'the session of this connection was closed' });
      return;
    }
    session.touch();
    const ctx = { conn, session, id, params, onUndelivered: null };
    let result;
    try {
      result = handler(ctx);
    } catch (err) {
      conn.reply(id, null, this.rpcError(err, msg.method));
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (value) => this.deliver(ctx, value),
        (err) => conn.reply(id, null, this.rpcError(err, msg.method)),
      );
    } else {
      conn.reply(id, result, null);
    }
  }

  deliver(ctx, result) {
    if (!ctx.conn.reply(ctx.id, result, null) && ctx.onUndelivered !== null) {
      ctx.onUndelivered(result);
    }
  }

  rpcError(err, method) {
    if (err instanceof RpcError) {
      return { kind: err.kind, message: err.message };
    }
    if (err instanceof DecodeError) {
      return { kind: 'bad_params', message: err.message };
    }
    const message = err instanceof EncodeError ? err.message : `${err && err.name}: ${err && err.message}`;
    this.log(`shim: ${method} failed: ${err && err.stack}`);
    return { kind: 'internal', message };
  }

  // ---- methods ----

  module(params) {
    const name = stringParam(params, 'module');
    let module;
    try {
      module = this.loadModule(name);
    } catch (err) {
      throw new RpcError('internal', `loading ${name} failed: ${err && err.message}`);
    }
    if (module === undefined || module === null) {
      throw new RpcError('no_such_module', name);
    }
    return { name, module };
  }

  moduleGet({ params }) {
    const { name, module } = this.module(params);
    const path = params.path === undefined ? '' : stringParam(params, 'path');
    const value = resolveExport(module, path, name);
    return { value: encodeValue(value), type: typeof value };
  }

  objectCreate({ session, params }) {
    const { name, module } = this.module(params);
    const className = stringParam(params, 'class');
    const cls = classOf(module, className, name);
    const args = decodeArgs(session, params.args);
    const started = this.now();
    let object;
    try {
      object = new cls(...args);
    } catch (err) {
      return thrownOutcome(err, this.since(started));
    }
    return { outcome: 'returned', handle: session.addHandle(object), elapsedMs: this.since(started) };
  }

  objectInvoke(ctx) {
    const { session, params, id } = ctx;
    const { target, key, isModule } = this.invokeTarget(session, params);
    const member = stringParam(params, 'member');
    const fn = methodOf(target, member, key, isModule);
    const style = params.style === undefined ? 'sync' : params.style;
    if (!STYLES.has(style)) {
      const given = JSON.stringify(style);
      throw new RpcError('bad_params', `style must be sync, promise or callback, not ${given}`);
    }
    const timeoutMs = timeoutParam(params, DEFAULT_INVOKE_TIMEOUT_MS);
    const args = decodeArgs(session, params.args);
    const late = (reason, detail) =>
      session.recordWire(LATE, [{ id, target: key, member, reason, ...detail }]);
    const finish = (outcome) => {
      const extraCalls = session.takeExtraCalls(key);
      return extraCalls.length > 0 ? { ...outcome, extraCalls } : outcome;
    };
    ctx.onUndelivered = (outcome) => late('connection closed', { outcome });

    const started = this.now();
    const elapsed = () => this.since(started);
    const settlement = () =>
      new Settlement(timeoutMs, elapsed, (outcome) => late('after timeout', { outcome }));
    let waiting = null;
    if (style === 'callback') {
      waiting = settlement();
      let calls = 0;
      args.push((...cbArgs) => {
        calls += 1;
        if (calls === 1) {
          waiting.settle(() => callbackOutcome(cbArgs, elapsed()));
        } else {
          session.noteExtraCall(key, id, member);
          late('extra call', { call: calls, args: cbArgs.map(encodeSafely) });
        }
      });
    }
    let returned;
    try {
      returned = fn.apply(target, args);
    } catch (err) {
      if (waiting !== null) {
        waiting.abandon((outcome) => late('called back before a synchronous throw', { outcome }));
      }
      return finish(thrownOutcome(err, elapsed()));
    }
    if (style === 'sync' || (style === 'promise' && !isThenable(returned))) {
      const outcome = { outcome: 'returned', value: encodeValue(returned), elapsedMs: elapsed() };
      if (style === 'promise') {
        outcome.promise = false;
      } else if (isThenable(returned)) {
        outcome.promise = true;
        watchPromise(returned, (settled) => late('sync style', { outcome: settled }), elapsed);
      }
      return finish(outcome);
    }
    if (style === 'promise') {
      waiting = settlement();
      watchPromise(returned, (outcome) => waiting.settle(() => outcome), elapsed);
    }
    return waiting.promise.then(finish);
  }

  invokeTarget(session, params) {
    const hasHandle = params.handle !== undefined;
    if (hasHandle === (params.module !== undefined)) {
      throw new RpcError('bad_params', 'give exactly one of handle and module');
    }
    if (hasHandle) {
      return { target: session.object(params.handle), key: params.handle, isModule: false };
    }
    const { name, module } = this.module(params);
    return { target: module, key: name, isModule: true };
  }

  objectRelease({ session, params }) {
    session.release(stringParam(params, 'handle'));
    return { released: true };
  }

  eventsWaitAndGet({ conn, session, params }) {
    const name = stringParam(params, 'callback');
    const timeoutMs = timeoutParam(params, DEFAULT_WAIT_TIMEOUT_MS);
    const queue = session.queue(name);
    if (queue.events.length > 0) {
      return { event: queue.events.shift(), dropped: queue.dropped };
    }
    if (timeoutMs === 0) {
      return { event: null, timedOut: true, dropped: queue.dropped };
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        connection: conn,
        deliver: (event, dropped) => {
          clearTimeout(timer);
          resolve({ event, dropped });
        },
        cancel: () => {
          clearTimeout(timer);
          reject(new RpcError('protocol', `session ${session.id} closed while waiting`));
        },
      };
      const remove = session.addWaiter(name, waiter);
      const timer = setTimeout(() => {
        remove();
        resolve({ event: null, timedOut: true, dropped: queue.dropped });
      }, timeoutMs);
    });
  }

  eventsGetAll({ session, params }) {
    const queue = session.queue(stringParam(params, 'callback'));
    return { events: queue.events.splice(0), dropped: queue.dropped };
  }

  sessionClose({ session }) {
    this.closeSession(session);
    return { closed: true };
  }

  since(started) {
    return Math.round((this.now() - started) * 1000) / 1000;
  }
}

/** One connection's state. */
class Connection {
  constructor(sendLine, close) {
    this.sendLine = sendLine;
    this.closeTransport = close;
    this.open = true;
    this.handshaken = false;
    this.armor = false;
    this.session = null;
    this.lines = new LineBuffer();
  }

  /** Send one message; false when the connection is gone. */
  send(message) {
    if (!this.open) {
      return false;
    }
    const json = JSON.stringify(message);
    try {
      this.sendLine(this.armor ? armorLine(json) : json);
    } catch {
      return false;
    }
    return true;
  }

  reply(id, result, error) {
    return this.send({ id, result, error });
  }

  close() {
    if (this.open) {
      this.open = false;
      this.closeTransport();
    }
  }
}

/**
 * The wait for an asynchronous outcome, bounded by a timeout: `promise` resolves with the outcome or
 * a `timeout` outcome; a settlement after that goes to `onLate`.
 */
class Settlement {
  constructor(timeoutMs, elapsed, onLate) {
    this.done = false;
    this.settled = null;
    this.onLate = onLate;
    this.promise = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.timer = setTimeout(() => {
      if (!this.done) {
        this.done = true;
        this.resolve({ outcome: 'timeout', waitedMs: timeoutMs, elapsedMs: elapsed() });
      }
    }, timeoutMs);
  }

  /** Settle with the outcome `build()` returns (built lazily so that an encoding failure is an RPC error). */
  settle(build) {
    let outcome;
    try {
      outcome = build();
    } catch (err) {
      if (!this.done) {
        this.done = true;
        clearTimeout(this.timer);
        this.reject(err);
      }
      return;
    }
    if (this.done) {
      this.onLate(outcome);
      return;
    }
    this.done = true;
    this.settled = outcome;
    clearTimeout(this.timer);
    this.resolve(outcome);
  }

  /** Stop waiting (the call ended another way); a settlement seen so far or later goes to `report`. */
  abandon(report) {
    clearTimeout(this.timer);
    if (this.settled !== null) {
      report(this.settled);
    }
    this.done = true;
    this.onLate = report;
  }
}

function isThenable(value) {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof value.then === 'function'
  );
}

/** Follow a thenable to its resolved/rejected outcome, handing it to `report` (never unhandled). */
function watchPromise(thenable, report, elapsed) {
  const safeReport = (build) => {
    let outcome;
    try {
      outcome = build();
    } catch (err) {
      const error = { name: 'ShimEncodeError', message: String(err.message) };
      outcome = { outcome: 'rejected', error, elapsedMs: elapsed() };
    }
    report(outcome);
  };
  Promise.resolve(thenable).then(
    (value) => safeReport(() => ({ outcome: 'resolved', value: encodeValue(value), elapsedMs: elapsed() })),
    (reason) => safeReport(() => failureOutcome('rejected', reason, elapsed())),
  );
}

function failureOutcome(kind, reason, elapsedMs) {
  if (isError(reason)) {
    return { outcome: kind, error: encodeError(reason), elapsedMs };
  }
  return { outcome: kind, error: null, value: encodeValue(reason), elapsedMs };
}

function thrownOutcome(err, elapsedMs) {
  return failureOutcome('thrown', err, elapsedMs);
}

function callbackOutcome(args, elapsedMs) {
  const first = args[0];
  const outcome = { outcome: 'callback', error: null, value: encodeValue(args[1]), elapsedMs };
  if (isError(first)) {
    outcome.error = encodeError(first);
  } else if (first !== null && first !== undefined) {
    outcome.errorValue = encodeValue(first);
  }
  return outcome;
}

function decodeArgs(session, wireArgs) {
  if (wireArgs === undefined) {
    return [];
  }
  if (!Array.isArray(wireArgs)) {
    throw new RpcError('bad_params', 'args must be an array');
  }
  return decodeValue(wireArgs, (name, path) => {
    if (typeof name !== 'string' || name === '' || name.startsWith('$')) {
      throw new DecodeError(`${path}: a callback name must be a non-empty string not starting with $`);
    }
    return session.callbackFor(name);
  });
}

function stringParam(params, key) {
  const value = params[key];
  if (typeof value !== 'string') {
    throw new RpcError('bad_params', `${key} must be a string`);
  }
  return value;
}

function timeoutParam(params, fallback) {
  const value = params.timeoutMs;
  if (value === undefined || value === null) {
    return fallback;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_TIMEOUT_MS) {
    throw new RpcError('bad_params', `timeoutMs must be a number from 0 to ${MAX_TIMEOUT_MS}`);
  }
  return value;
}

function isToken(value) {
  return typeof value === 'string' && value.length >= MIN_TOKEN_LENGTH && value.length <= MAX_TOKEN_LENGTH;
}

/** Whether two strings are equal, looking at every character of `a` whatever differs. */
function sameText(a, b) {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i += 1) {
    diff |= a.charCodeAt(i) ^ b.charCodeAt(i % b.length);
  }
  return diff === 0;
}

function isPlainObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
