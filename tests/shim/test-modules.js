// Test-only modules for the shim core: every outcome the protocol knows, on purpose.

function codedError(code, message) {
  const err = new Error(message);
  err.code = code;
  return err;
}

/** Map of module name -> module, fresh per call (its subscriber registry is per process/core). */
export function createTestModules() {
  const subscribers = [];

  class Thing {
    constructor(label) {
      this.label = label;
    }

    echo(...args) {
      return args;
    }

    getLabel() {
      return this.label;
    }

    throwCoded(code, message) {
      throw codedError(code, message);
    }

    throwPlain(message) {
      throw new Error(message);
    }

    throwCodeUndefined() {
      throw codedError(undefined, 'code is undefined');
    }

    throwTypeError() {
      throw new TypeError('not a thing');
    }

    throwWithData() {
      const err = codedError(13900020, 'Invalid argument');
      err.data = { uri: 'file://x' };
      throw err;
    }

    throwValue(value) {
      throw value;
    }

    resolveLater(value) {
      return new Promise((resolve) => setTimeout(() => resolve(value), 0));
    }

    rejectLater(code, message) {
      return new Promise((_, reject) => setTimeout(() => reject(codedError(code, message)), 0));
    }

    rejectPlainLater(message) {
      return new Promise((_, reject) => setTimeout(() => reject(new Error(message)), 0));
    }

    rejectValueLater(value) {
      return new Promise((_, reject) => setTimeout(() => reject(value), 0));
    }

    callbackValue(value, callback) {
      setTimeout(() => callback(undefined, value), 0);
    }

    callbackError(code, message, callback) {
      setTimeout(() => callback(codedError(code, message)), 0);
    }

    callbackTwice(callback) {
      setTimeout(() => {
        callback(null, 1);
        callback(null, 2);
      }, 0);
    }

    callbackTwiceApart(callback) {
      setTimeout(() => callback(null, 1), 0);
      setTimeout(() => callback(null, 2), 5);
    }

    callbackThenThrow(callback) {
      callback(null, 'early');
      throw new Error('thrown after calling back');
    }

    fire(callback, count) {
      for (let i = 1; i <= count; i += 1) {
        callback({ i });
      }
      return count;
    }

    fireLater(callback, count, delayMs) {
      setTimeout(() => this.fire(callback, count), delayMs);
    }

    never() {
      return new Promise(() => {});
    }

    neverCallback(_callback) {}

    settleAfter(delayMs, value) {
      return new Promise((resolve) => setTimeout(() => resolve(value), delayMs));
    }

    subscribe(callback) {
      subscribers.push(callback);
    }
  }

  class Broken {
    constructor() {
      throw codedError(401, 'The input parameter is invalid.');
    }
  }

  const outcomes = {
    Thing,
    Broken,
    Kind: Object.freeze({ A: 0, B: 1 }),
    dollarKey: { $ref: 'literal' },
    version: 3,
    /** Call every subscribed callback `count` times; returns how many subscribers there are. */
    fireAll(count) {
      for (const callback of subscribers) {
        for (let i = 1; i <= count; i += 1) {
          callback({ i });
        }
      }
      return subscribers.length;
    },
  };
  return new Map([['@test.outcomes', outcomes]]);
}
