import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DecodeError, EncodeError, decodeValue, encodeSafely, encodeValue } from '../../ohos_protocol/shim_js/codec.js';

describe('encode', () => {
  it('encodes errors with code only when present, inherited codes included', () => {
    class CodedError extends Error {}
    CodedError.prototype.code = 13600001;
    const inherited = new CodedError('IPC error');
    assert.deepEqual(encodeValue(inherited), { $error: { name: 'Error', message: 'IPC error', code: 13600001 } });
    assert.deepEqual(encodeValue(new RangeError('r')), { $error: { name: 'RangeError', message: 'r' } });
  });

  it('escapes objects whose only key starts with $', () => {
    assert.deepEqual(encodeValue({ $x: { $y: 1 } }), { $object: { $x: { $object: { $y: 1 } } } });
    assert.deepEqual(encodeValue({ $x: 1, y: 2 }), { $x: 1, y: 2 });
  });

  it('refuses cycles but encodes shared references', () => {
    const shared = { a: 1 };
    assert.deepEqual(encodeValue([shared, shared]), [{ a: 1 }, { a: 1 }]);
    const cyclic = { name: 'c' };
    cyclic.self = cyclic;
    assert.throws(() => encodeValue(cyclic), EncodeError);
    assert.equal(encodeSafely(cyclic).$error.name, 'ShimEncodeError');
  });
});

describe('decode', () => {
  const noCallbacks = null;

  it('decodes the special forms', () => {
    assert.equal(decodeValue({ $undefined: true }, noCallbacks), undefined);
    assert.ok(Object.is(decodeValue({ $number: '-0' }, noCallbacks), -0));
    assert.equal(decodeValue({ $bigint: '-42' }, noCallbacks), -42n);
    assert.deepEqual(decodeValue({ $object: { $k: { $undefined: true } } }, noCallbacks), { $k: undefined });
    const err = decodeValue({ $error: { name: 'BusinessError', message: 'm', code: 401, extra: { data: 1 } } }, noCallbacks);
    assert.ok(err instanceof Error);
    assert.deepEqual([err.name, err.message, err.code, err.data], ['BusinessError', 'm', 401, 1]);
    assert.equal('code' in decodeValue({ $error: { message: 'no code' } }, noCallbacks), false);
  });

  it('keeps a __proto__ key as data', () => {
    const value = decodeValue(JSON.parse('{"__proto__": {"polluted": true}, "a": 1}'), noCallbacks);
    assert.equal({}.polluted, undefined);
    assert.deepEqual(Object.keys(value), ['__proto__', 'a']);
  });

  it('refuses what the host must not send', () => {
    for (const bad of [
      { $function: 'f' },
      { $callback: 'cb' },
      { $number: 'nan' },
      { $bigint: '1.5' },
      { $undefined: false },
      { $what: 1 },
    ]) {
      assert.throws(() => decodeValue(bad, noCallbacks), DecodeError, JSON.stringify(bad));
    }
  });
});
