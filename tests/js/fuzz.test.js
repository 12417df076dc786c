// Seeded random input for the shim core's JSON codec and request dispatch. Every run uses the same
// seeds (a failure names its seed); `make fuzz` raises SHIM_FUZZ_EXAMPLES for a longer run.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import zlib from 'node:zlib';

import { armorLine, crc32Utf8 } from '../../ohos_protocol/shim_js/armor.js';
import { decodeValue, encodeSafely } from '../../ohos_protocol/shim_js/codec.js';
import { LineBuffer, LineTooLong } from '../../ohos_protocol/shim_js/lines.js';
import { MODULE, TestConnection, makeCore } from './fixtures/core-harness.js';

const EXAMPLES = Number(process.env.SHIM_FUZZ_EXAMPLES || 300);
const METHODS = ['ping', 'help', 'module.get', 'object.create', 'object.invoke', 'object.release',
  'events.getAll', 'events.waitAndGet', 'session.close', 'nope', ''];
const NAMES = ['Thing', 'Kind', 'B', 'echo', 'getLabel', 'constructor', 'prototype', '__proto__', 'caller',
  'arguments', 'call', 'apply', 'bind', 'toString', 'valueOf', 'then', 'h1', 'h2', '', '$late', 'x'];
const FORMS = ['$undefined', '$callback', '$function', '$number', '$bigint', '$error', '$object', '$nope'];

/** mulberry32: a small seeded generator, so every example can be replayed from its seed. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick(rand, items) {
  return items[Math.floor(rand() * items.length)];
}

function value(rand, depth = 0) {
  const roll = Math.floor(rand() * (depth > 3 ? 6 : 10));
  switch (roll) {
    case 0: return null;
    case 1: return rand() < 0.5;
    case 2: return pick(rand, [0, -1, 1.5, 2 ** 53, -0, 1e308]);
    case 3: return pick(rand, NAMES);
    case 4: return String.fromCharCode(...Array.from({ length: Math.floor(rand() * 8) }, () => Math.floor(rand() * 0xffff)));
    case 5: return { [pick(rand, FORMS)]: value(rand, depth + 1) };
    case 6: case 7: return Array.from({ length: Math.floor(rand() * 4) }, () => value(rand, depth + 1));
    default: {
      const out = {};
      for (let i = Math.floor(rand() * 4); i > 0; i -= 1) {
        out[pick(rand, [...NAMES, 'module', 'class', 'member', 'handle', 'args', 'path', 'style'])] = value(rand, depth + 1);
      }
      return out;
    }
  }
}

function path(rand) {
  return Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(rand, NAMES)).join('.');
}

function request(rand, id) {
  const params = {
    module: rand() < 0.8 ? MODULE : value(rand),
    class: path(rand),
    path: path(rand),
    member: pick(rand, NAMES),
    handle: rand() < 0.5 ? pick(rand, ['h1', 'h2', 'h3']) : undefined,
    args: rand() < 0.8 ? [value(rand), value(rand)] : value(rand),
    style: pick(rand, ['sync', 'promise', 'callback', 'nope']),
    timeoutMs: pick(rand, [0, 1, 5, -1, 'x', undefined]),
    callback: pick(rand, NAMES),
  };
  if (rand() < 0.5) {
    delete params.module;
  }
  return { id: rand() < 0.95 ? id : value(rand), method: pick(rand, METHODS), params: rand() < 0.9 ? params : value(rand) };
}

describe(`shim core fuzz (${EXAMPLES} examples)`, () => {
  it('the codec decodes or refuses any value and encodes what it decoded', () => {
    for (let seed = 1; seed <= EXAMPLES; seed += 1) {
      const rand = random(seed);
      const input = value(rand);
      let decoded;
      try {
        decoded = decodeValue(input, () => () => {});
      } catch (err) {
        assert.equal(err.name === 'DecodeError' || err.constructor.name === 'DecodeError', true, `seed ${seed}: ${err}`);
        continue;
      }
      assert.doesNotThrow(() => JSON.stringify(encodeSafely(decoded)), `seed ${seed}`);
    }
  });

  it('dispatch answers every line with one well-formed response and never leaves the API', async () => {
    for (let seed = 1; seed <= EXAMPLES; seed += 1) {
      const rand = random(seed);
      const core = makeCore();
      const conn = new TestConnection(core);
      await conn.handshake();
      for (let id = 1; id <= 8; id += 1) {
        const message = request(rand, id);
        const line = rand() < 0.1 ? JSON.stringify(message).slice(0, Math.floor(rand() * 40)) : JSON.stringify(message);
        assert.doesNotThrow(() => conn.sendLine(line), `seed ${seed} line ${line}`);
      }
      // Requests that wait (promise, callback, events.waitAndGet) use timeouts of at most 5 ms here
      // or the default; close the session so that none outlives the example.
      await new Promise((resolve) => setTimeout(resolve, 0));
      for (const line of conn.raw.splice(0)) {
        const reply = JSON.parse(line);
        assert.deepEqual(Object.keys(reply).sort(), ['error', 'id', 'result'], `seed ${seed}: ${line}`);
        assert.equal((reply.error === null) !== (reply.result === null), true, `seed ${seed}: ${line}`);
        if (reply.error !== null) {
          assert.notEqual(reply.error.kind, 'internal', `seed ${seed}: ${line}`);
        }
      }
      for (const session of core.sessions.values()) {
        for (const object of session.handles.values()) {
          assert.notEqual(typeof object, 'function', `seed ${seed}: a handle holds a function`);
        }
        session.close();
      }
    }
  });

  it('armor: the CRC is zlib\'s over the UTF-8 bytes, the JSON value is kept, no printk look-alike is left', () => {
    for (let seed = 1; seed <= EXAMPLES; seed += 1) {
      const rand = random(seed);
      const text = JSON.stringify({ v: value(rand), k: `[ ${Math.floor(rand() * 99)}.5] x` });
      const line = armorLine(text);
      const tab = line.lastIndexOf('\t');
      const body = line.slice(0, tab);
      const crc = zlib.crc32 ? zlib.crc32(Buffer.from(body, 'utf8')) : crc32Utf8(body);
      assert.equal(line.slice(tab + 1), crc.toString(16).padStart(8, '0'), `seed ${seed}`);
      assert.deepEqual(JSON.parse(body), JSON.parse(text), `seed ${seed}`);
      assert.equal(/\[ *[0-9]+\.[0-9]+\] /.test(body), false, `seed ${seed}: ${body}`);
    }
  });

  it('line buffer: any chunking gives the same lines, and a line over the limit throws LineTooLong', () => {
    for (let seed = 1; seed <= EXAMPLES; seed += 1) {
      const rand = random(seed);
      const lines = Array.from({ length: 1 + Math.floor(rand() * 5) }, () => JSON.stringify(value(rand)) ?? '');
      const stream = `${lines.join('\n')}\n`;
      const buffer = new LineBuffer(1 << 16);
      const got = [];
      for (let at = 0; at < stream.length;) {
        const size = 1 + Math.floor(rand() * 7);
        got.push(...buffer.push(stream.slice(at, at + size)));
        at += size;
      }
      assert.deepEqual(got, lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line)), `seed ${seed}`);
      const small = new LineBuffer(8);
      assert.throws(() => small.push('x'.repeat(9 + Math.floor(rand() * 9))), LineTooLong, `seed ${seed}`);
    }
  });
});
