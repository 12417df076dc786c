// One shim session: object handles, callback functions and their event queues, blocked waits.
// A session outlives the connections attached to it. Platform neutral.

import { encodeSafely } from './codec.js';

export const QUEUE_CAP = 1024;
export const LATE = '$late';

/** An RPC-level failure (`error` in the response): the shim could not do what was asked. */
export class RpcError extends Error {
  constructor(kind, message) {
    super(message);
    this.kind = kind;
  }
}

export class Session {
  constructor(id, now, token) {
    this.id = id;
    this.token = token;
    this.now = now;
    this.closed = false;
    this.connections = new Set();
    this.lastActive = now();
    this.handles = new Map();
    this.nextHandle = 1;
    this.callbacks = new Map();
    this.queues = new Map();
    this.waiters = new Map();
    this.extraCalls = new Map();
  }

  touch() {
    this.lastActive = this.now();
  }

  get idle() {
    return this.connections.size === 0;
  }

  addHandle(object) {
    const handle = `h${this.nextHandle}`;
    this.nextHandle += 1;
    this.handles.set(handle, object);
    return handle;
  }

  /** The object behind `handle`; RpcError no_such_handle when there is none. */
  object(handle) {
    if (typeof handle !== 'string' || !this.handles.has(handle)) {
      throw new RpcError('no_such_handle', String(handle));
    }
    return this.handles.get(handle);
  }

  release(handle) {
    this.object(handle);
    this.handles.delete(handle);
  }

  /** The session's function for callback `name`: the same function every time. */
  callbackFor(name) {
    let fn = this.callbacks.get(name);
    if (fn === undefined) {
      const session = this;
      // A named function so that `{"$function": name}` shows which callback it is.
      fn = {
        [name](...args) {
          session.record(name, args);
        },
      }[name];
      this.callbacks.set(name, fn);
    }
    return fn;
  }

  queue(name) {
    let queue = this.queues.get(name);
    if (queue === undefined) {
      queue = { events: [], dropped: 0, seq: 0 };
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** Record one call of callback `name`: hand it to a blocked wait, or queue it (cap, oldest dropped). */
  record(name, args) {
    this.recordWire(name, args.map(encodeSafely));
  }

  /** As record(), with arguments already in wire form. */
  recordWire(name, wireArgs) {
    if (this.closed) {
      return;
    }
    const queue = this.queue(name);
    queue.seq += 1;
    const event = { callback: name, seq: queue.seq, time: this.now(), args: wireArgs };
    const waiters = this.waiters.get(name);
    while (waiters !== undefined && waiters.length > 0) {
      const waiter = waiters.shift();
      if (waiter.connection.open) {
        waiter.deliver(event, queue.dropped);
        return;
      }
    }
    if (queue.events.length >= QUEUE_CAP) {
      queue.events.shift();
      queue.dropped += 1;
    }
    queue.events.push(event);
  }

  /** Register a blocked wait; returns a function that cancels it. */
  addWaiter(name, waiter) {
    let waiters = this.waiters.get(name);
    if (waiters === undefined) {
      waiters = [];
      this.waiters.set(name, waiters);
    }
    waiters.push(waiter);
    return () => {
      const at = waiters.indexOf(waiter);
      if (at !== -1) {
        waiters.splice(at, 1);
      }
    };
  }

  /** Cancel the blocked waits of one connection (their events stay queued). */
  dropWaitersOf(connection) {
    for (const waiters of this.waiters.values()) {
      for (const waiter of waiters.filter((w) => w.connection === connection)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.cancel();
      }
    }
  }

  /** Count a later call of an invoke's callback-style function, reported with the target's next invoke. */
  noteExtraCall(target, id, member) {
    let perTarget = this.extraCalls.get(target);
    if (perTarget === undefined) {
      perTarget = new Map();
      this.extraCalls.set(target, perTarget);
    }
    const entry = perTarget.get(id) || { id, member, count: 0 };
    entry.count += 1;
    perTarget.set(id, entry);
  }

  takeExtraCalls(target) {
    const perTarget = this.extraCalls.get(target);
    if (perTarget === undefined) {
      return [];
    }
    this.extraCalls.delete(target);
    return [...perTarget.values()];
  }

  close() {
    this.closed = true;
    for (const waiters of this.waiters.values()) {
      for (const waiter of waiters.splice(0)) {
        waiter.cancel();
      }
    }
    this.handles.clear();
    this.callbacks.clear();
    this.queues.clear();
    this.extraCalls.clear();
  }
}
