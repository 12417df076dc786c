// Value encoding between JS values and the wire (docs/shim-protocol.md, "Value encoding").
// Platform neutral: no Node-only APIs.

const MAX_DEPTH = 64;

/** A value the shim cannot put on the wire (a cycle, a symbol, a getter that throws). */
export class EncodeError extends Error {}

/** A wire value the host sent that does not decode (unknown `$` form, bad `$number`...). */
export class DecodeError extends Error {}

/** True for Error objects, including ones from another realm. */
export function isError(value) {
  return (
    value instanceof Error ||
    (value !== null &&
      typeof value === 'object' &&
      Object.prototype.toString.call(value) === '[object Error]')
  );
}

/** Encode any JS value for the wire. Throws EncodeError when it cannot. */
export function encodeValue(value) {
  return encode(value, [], '$');
}

/**
 * Encode a value that must reach the host whatever it is (callback arguments): a value that cannot
 * be encoded is replaced by an `$error` named ShimEncodeError that says why.
 */
export function encodeSafely(value) {
  try {
    return encode(value, [], '$');
  } catch (err) {
    if (!(err instanceof EncodeError)) {
      throw err;
    }
    return { $error: { name: 'ShimEncodeError', message: err.message } };
  }
}

/** Encode an Error as the protocol's `E` object (name, message, code only if present, extra). */
export function encodeError(err) {
  return encodeErrorObject(err, [], '$');
}

function encode(value, seen, path) {
  switch (typeof value) {
    case 'undefined':
      return { $undefined: true };
    case 'boolean':
    case 'string':
      return value;
    case 'number':
      return encodeNumber(value);
    case 'bigint':
      return { $bigint: value.toString() };
    case 'function':
      return { $function: typeof value.name === 'string' ? value.name : '' };
    case 'symbol':
      throw new EncodeError(`cannot encode a symbol at ${path}`);
    default:
      break;
  }
  if (value === null) {
    return null;
  }
  if (seen.includes(value)) {
    throw new EncodeError(`circular reference at ${path}`);
  }
  if (seen.length >= MAX_DEPTH) {
    throw new EncodeError(`value nested deeper than ${MAX_DEPTH} at ${path}`);
  }
  seen.push(value);
  try {
    if (isError(value)) {
      return { $error: encodeErrorObject(value, seen, path) };
    }
    if (Array.isArray(value)) {
      const out = [];
      for (let i = 0; i < value.length; i += 1) {
        out.push(encode(value[i], seen, `${path}[${i}]`));
      }
      return out;
    }
    const out = encodeProperties(value, Object.keys(value), seen, path);
    const keys = Object.keys(out);
    return keys.length === 1 && keys[0].startsWith('$') ? { $object: out } : out;
  } finally {
    seen.pop();
  }
}

function encodeNumber(value) {
  if (Number.isNaN(value)) {
    return { $number: 'NaN' };
  }
  if (value === Infinity) {
    return { $number: 'Infinity' };
  }
  if (value === -Infinity) {
    return { $number: '-Infinity' };
  }
  if (value === 0 && 1 / value < 0) {
    return { $number: '-0' };
  }
  return value;
}

function encodeProperties(source, keys, seen, path) {
  const out = {};
  for (const key of keys) {
    let prop;
    try {
      prop = source[key];
    } catch (err) {
      throw new EncodeError(`reading ${path}.${key} threw: ${err && err.message}`);
    }
    defineOwn(out, key, encode(prop, seen, `${path}.${key}`));
  }
  return out;
}

const ERROR_OWN_KEYS = new Set(['name', 'message', 'code', 'stack']);

function encodeErrorObject(err, seen, path) {
  let name = err.name;
  if (typeof name !== 'string') {
    name = err.constructor && typeof err.constructor.name === 'string' ? err.constructor.name : 'Error';
  }
  const out = { name, message: String(err.message) };
  if ('code' in err) {
    out.code = encode(err.code, seen, `${path}.code`);
  }
  const extraKeys = Object.keys(err).filter((key) => !ERROR_OWN_KEYS.has(key));
  if (extraKeys.length > 0) {
    out.extra = encodeProperties(err, extraKeys, seen, path);
  }
  return out;
}

/**
 * Decode a host value. `callbackFor(name)` turns `{"$callback": name}` into a function; pass null
 * where callbacks are not allowed.
 */
export function decodeValue(wire, callbackFor, path = 'args') {
  if (wire === null || typeof wire !== 'object') {
    return wire;
  }
  if (Array.isArray(wire)) {
    return wire.map((item, i) => decodeValue(item, callbackFor, `${path}[${i}]`));
  }
  const keys = Object.keys(wire);
  if (keys.length === 1 && keys[0].startsWith('$')) {
    return decodeSpecial(keys[0], wire[keys[0]], callbackFor, path);
  }
  return decodeProperties(wire, callbackFor, path);
}

function decodeProperties(wire, callbackFor, path) {
  const out = {};
  for (const key of Object.keys(wire)) {
    defineOwn(out, key, decodeValue(wire[key], callbackFor, `${path}.${key}`));
  }
  return out;
}

const SPECIAL_NUMBERS = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };

function decodeSpecial(key, inner, callbackFor, path) {
  switch (key) {
    case '$undefined':
      if (inner !== true) {
        throw new DecodeError(`${path}: $undefined must be true`);
      }
      return undefined;
    case '$callback':
      if (callbackFor === null) {
        throw new DecodeError(`${path}: $callback is not allowed here`);
      }
      return callbackFor(inner, path);
    case '$number':
      if (typeof inner !== 'string' || !Object.prototype.hasOwnProperty.call(SPECIAL_NUMBERS, inner)) {
        throw new DecodeError(`${path}: $number must be one of NaN, Infinity, -Infinity, -0`);
      }
      return SPECIAL_NUMBERS[inner];
    case '$bigint':
      if (typeof inner !== 'string' || !/^-?[0-9]+$/.test(inner)) {
        throw new DecodeError(`${path}: $bigint must be a string of decimal digits`);
      }
      return BigInt(inner);
    case '$error':
      return decodeError(inner, callbackFor, path);
    case '$object':
      if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) {
        throw new DecodeError(`${path}: $object must hold an object`);
      }
      return decodeProperties(inner, callbackFor, path);
    case '$function':
      throw new DecodeError(`${path}: $function is shim-to-host only; pass {"$callback": name}`);
    default:
      throw new DecodeError(`${path}: unknown encoded form ${JSON.stringify(key)}`);
  }
}

function decodeError(inner, callbackFor, path) {
  if (inner === null || typeof inner !== 'object' || typeof inner.message !== 'string') {
    throw new DecodeError(`${path}: $error needs an object with a string message`);
  }
  const err = new Error(inner.message);
  if (typeof inner.name === 'string' && inner.name !== 'Error') {
    err.name = inner.name;
  }
  if (Object.prototype.hasOwnProperty.call(inner, 'code')) {
    err.code = decodeValue(inner.code, callbackFor, `${path}.code`);
  }
  if (inner.extra !== undefined) {
    const extra = decodeValue(inner.extra, callbackFor, `${path}.extra`);
    for (const key of Object.keys(extra)) {
      defineOwn(err, key, extra[key]);
    }
  }
  return err;
}

function defineOwn(target, key, value) {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
