import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { armorLine, crc32Utf8, utf8Length } from '../../ohos_protocol/shim_js/armor.js';
import { LineBuffer, LineTooLong } from '../../ohos_protocol/shim_js/lines.js';
import { TOKEN, TestConnection, connectWithThing, makeCore } from './fixtures/core-harness.js';

/** Bit-by-bit CRC-32 over real UTF-8 bytes: an independent check of the table version. */
function referenceCrc(text) {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte;
    for (let k = 0; k < 8; k += 1) {
      crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
    }
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function unarmor(line) {
  const tab = line.lastIndexOf('\t');
  const json = line.slice(0, tab);
  assert.match(line.slice(tab + 1), /^[0-9a-f]{8}$/);
  assert.equal(parseInt(line.slice(tab + 1), 16), referenceCrc(json));
  return JSON.parse(json);
}

describe('crc32', () => {
  it('matches the standard check value and UTF-8 text', () => {
    assert.equal(crc32Utf8('123456789'), 0xcbf43926);
    assert.equal(crc32Utf8(''), 0);
    for (const text of ['ascii', 'é ü', '云同步 ☁', 'emoji 😀 pair', 'lone \ud800 surrogate']) {
      assert.equal(crc32Utf8(text), referenceCrc(text), text);
      assert.equal(utf8Length(text), Buffer.byteLength(text, 'utf8'), text);
    }
  });
});

describe('armor', () => {
  it('escapes text a printk filter would eat, keeping the value', () => {
    const json = JSON.stringify({ s: 'x[  12.345678] usb 1-1: new', a: [1.5] });
    const line = armorLine(json);
    assert.equal(line.includes('[  12.345678] '), false);
    assert.deepEqual(unarmor(line), JSON.parse(json));
  });

  it('armors every line of a connection that asked for it, from the handshake reply on', async () => {
    const core = makeCore();
    const conn = new TestConnection(core);
    conn.send({ cmd: 'initiate', protocol: 2, token: TOKEN, armor: true });
    const hello = unarmor(await conn.nextRaw());
    assert.equal(hello.status, true);
    conn.send({ id: 1, method: 'ping' });
    assert.equal(unarmor(await conn.nextRaw()).result.pong, true);
    const plain = await connectWithThing(core);
    assert.equal((await plain.result('ping')).pong, true);
  });
});

describe('line buffer', () => {
  it('splits lines, drops a trailing CR, and refuses an overlong line', () => {
    const buffer = new LineBuffer(8);
    assert.deepEqual(buffer.push('ab'), []);
    assert.deepEqual(buffer.push('c\r\nde\nf'), ['abc', 'de']);
    assert.deepEqual(buffer.push('\n'), ['f']);
    assert.throws(() => buffer.push('123456789'), LineTooLong);
    assert.throws(() => new LineBuffer(4).push('ééé\n'), LineTooLong);
  });
});
