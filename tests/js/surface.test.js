import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { MODULE, TestConnection, connectWithThing, makeCore } from './fixtures/core-harness.js';

/** The RPC error of a request, which must be bad_params naming `path`. */
async function refusedNaming(conn, method, params, path) {
  const response = await conn.call(method, params);
  assert.equal(response.result, null, `${method} ${JSON.stringify(params)} was not refused`);
  assert.equal(response.error.kind, 'bad_params');
  assert.ok(response.error.message.includes(path), `${response.error.message} does not name ${path}`);
}

describe('API surface', () => {
  it('refuses the paths that reach Function (the remote-code-execution lines)', async () => {
    const conn = await connectWithThing(makeCore());
    for (const cls of ['constructor.constructor', 'Thing.constructor', '__proto__.constructor', 'Thing.prototype']) {
      await refusedNaming(conn, 'object.create', { module: MODULE, class: cls, args: ['return 1'] }, `${MODULE}.${cls}`);
    }
    for (const path of ['constructor', '__proto__', 'Thing.prototype', 'Thing.caller', 'Thing.arguments']) {
      await refusedNaming(conn, 'module.get', { module: MODULE, path }, `${MODULE}.${path}`);
    }
    for (const member of ['constructor', '__proto__', 'prototype']) {
      await refusedNaming(conn, 'object.invoke', { handle: conn.handle, member, args: [] }, `${conn.handle}.${member}`);
      await refusedNaming(conn, 'object.invoke', { module: MODULE, member, args: [] }, `${MODULE}.${member}`);
    }
  });

  it('offers no Object.prototype method and no function of a function', async () => {
    const conn = await connectWithThing(makeCore());
    for (const member of ['toString', 'hasOwnProperty', '__defineGetter__', 'valueOf']) {
      const response = await conn.call('object.invoke', { handle: conn.handle, member, args: [] });
      assert.equal(response.error.kind, 'bad_params', member);
    }
  });

  it('refuses runtime values a module happens to export, and getters off the API', async () => {
    class Widget {
      get secret() {
        return Function;
      }
      ping() {
        return 'pong';
      }
    }
    const leaky = {
      fn: Function,
      global: globalThis,
      evaluate: eval,
      proc: process,
      nested: { fn: Function },
      Widget,
    };
    const core = makeCore(new Map([['@leaky', leaky]]));
    const conn = new TestConnection(core);
    await conn.handshake();
    for (const path of ['fn', 'global', 'evaluate', 'proc', 'nested.fn']) {
      await refusedNaming(conn, 'module.get', { module: '@leaky', path }, `@leaky.${path}`);
    }
    await refusedNaming(conn, 'object.create', { module: '@leaky', class: 'fn', args: ['return 1'] }, '@leaky.fn');
    await refusedNaming(conn, 'object.invoke', { module: '@leaky', member: 'evaluate', args: ['1'] }, '@leaky.evaluate');
    const created = await conn.result('object.create', { module: '@leaky', class: 'Widget', args: [] });
    await refusedNaming(conn, 'object.invoke', { handle: created.handle, member: 'secret', args: [] }, 'secret');
    const ping = await conn.result('object.invoke', { handle: created.handle, member: 'ping', args: [] });
    assert.equal(ping.value, 'pong');
  });

  it('still reaches every API member: classes, their methods, enums and module functions', async () => {
    const conn = await connectWithThing(makeCore());
    assert.deepEqual(await conn.result('module.get', { module: MODULE, path: 'Kind.B' }), { value: 1, type: 'number' });
    const outcome = await conn.result('object.invoke', { handle: conn.handle, member: 'echo', args: [7] });
    assert.equal(outcome.outcome, 'returned');
  });
});
