import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { MAX_SESSIONS } from '../../ohos_protocol/shim_js/core.js';
import { MODULE, TOKEN, TestConnection, connectWithThing, makeCore } from './fixtures/core-harness.js';

const invoke = (conn, member, args = [], extra = {}) =>
  conn.result('object.invoke', { handle: conn.handle, member, args, ...extra });

describe('handshake', () => {
  it('initiate opens a session and reports the shim', async () => {
    const conn = new TestConnection(makeCore());
    const reply = await conn.handshake();
    assert.deepEqual(reply, {
      status: true,
      session: 's1',
      protocol: { major: 2, minor: 0 },
      apiLevel: 10,
      platform: 'node-test',
      bundle: 'com.ohoshil.test',
      shimVersion: '0.0.0-test',
    });
  });

  it('refuses another protocol major and closes', async () => {
    const conn = new TestConnection(makeCore());
    const reply = await conn.handshake({ protocol: 1 });
    assert.equal(reply.status, false);
    assert.match(reply.error, /unsupported protocol 1: this shim speaks 2/);
    assert.equal(conn.closed, true);
  });

  it('refuses continue of an unknown session and a handshake that is not JSON', async () => {
    const core = makeCore();
    const conn = new TestConnection(core);
    conn.send({ cmd: 'continue', session: 's9', protocol: 2, token: TOKEN });
    assert.deepEqual(JSON.parse(await conn.nextRaw()), { status: false, error: 'no such session: s9' });
    const other = new TestConnection(core);
    other.sendLine('GET / HTTP/1.1');
    const reply = JSON.parse(await other.nextRaw());
    assert.equal(reply.status, false);
    assert.match(reply.error, /not JSON/);
  });
});

describe('requests', () => {
  it('answers ping and help', async () => {
    const conn = new TestConnection(makeCore());
    await conn.handshake();
    const before = Date.now();
    const pong = await conn.result('ping');
    assert.equal(pong.pong, true);
    assert.ok(pong.time >= before - 1 && pong.time <= Date.now() + 1);
    const help = await conn.result('help');
    assert.ok(help.methods.includes('events.waitAndGet'));
    assert.deepEqual(help.modules, [MODULE]);
  });

  it('reports infrastructure problems as RPC errors with kinds', async () => {
    const conn = new TestConnection(makeCore());
    await conn.handshake();
    conn.sendLine('{not json');
    assert.equal(JSON.parse(await conn.nextRaw()).error.kind, 'protocol');
    assert.equal((await conn.call('no.such')).error.kind, 'unknown_method');
    assert.equal((await conn.call('module.get', { module: '@ohos.nothing' })).error.kind, 'no_such_module');
    assert.equal((await conn.call('object.invoke', { handle: 'h9', member: 'x' })).error.kind, 'no_such_handle');
    const badArgs = await conn.call('object.create', { module: MODULE, class: 'Thing', args: 'x' });
    assert.deepEqual(badArgs.error, { kind: 'bad_params', message: 'args must be an array' });
    const badForm = await conn.call('object.create', { module: MODULE, class: 'Thing', args: [{ $nope: 1 }] });
    assert.equal(badForm.error.kind, 'bad_params');
    assert.match(badForm.error.message, /unknown encoded form "\$nope"/);
    const response = await conn.call('ping');
    assert.deepEqual(Object.keys(response).sort(), ['error', 'id', 'result']);
  });

  it('module.get walks a dotted path and encodes what it finds', async () => {
    const conn = new TestConnection(makeCore());
    await conn.handshake();
    assert.deepEqual(await conn.result('module.get', { module: MODULE, path: 'Kind' }), {
      value: { A: 0, B: 1 },
      type: 'object',
    });
    assert.deepEqual(await conn.result('module.get', { module: MODULE, path: 'Kind.B' }), { value: 1, type: 'number' });
    const dollar = await conn.result('module.get', { module: MODULE, path: 'dollarKey' });
    assert.deepEqual(dollar.value, { $object: { $ref: 'literal' } });
    const whole = await conn.result('module.get', { module: MODULE, path: '' });
    assert.deepEqual(whole.value.Thing, { $function: 'Thing' });
    const missing = await conn.result('module.get', { module: MODULE, path: 'nothing' });
    assert.deepEqual(missing, { value: { $undefined: true }, type: 'undefined' });
    const through = await conn.call('module.get', { module: MODULE, path: 'nothing.deeper' });
    assert.equal(through.error.kind, 'bad_params');
  });
});

describe('values', () => {
  it('round-trip every encoded form through a call', async () => {
    const conn = await connectWithThing(makeCore());
    const args = [
      null,
      true,
      'text',
      1.5,
      { $undefined: true },
      { $number: 'NaN' },
      { $number: 'Infinity' },
      { $number: '-Infinity' },
      { $number: '-0' },
      { $bigint: '12345678901234567890' },
      { $object: { $only: 1 } },
      [1, [2, { a: { $undefined: true } }]],
      { $error: { name: 'BusinessError', message: 'm', code: 401, extra: { data: 'd' } } },
      { $error: { name: 'Error', message: 'no code' } },
    ];
    const out = await invoke(conn, 'echo', args);
    assert.equal(out.outcome, 'returned');
    assert.deepEqual(out.value, args);
  });

  it('passes a session callback as a function, the same one each time', async () => {
    const conn = await connectWithThing(makeCore());
    const out = await invoke(conn, 'echo', [{ $callback: 'progress' }, { $callback: 'progress' }]);
    assert.deepEqual(out.value, [{ $function: 'progress' }, { $function: 'progress' }]);
    const bad = await conn.call('object.invoke', { handle: conn.handle, member: 'echo', args: [{ $callback: '$late' }] });
    assert.equal(bad.error.kind, 'bad_params');
  });
});

describe('outcomes', () => {
  it('create returns a handle, or the constructor throw', async () => {
    const conn = await connectWithThing(makeCore());
    assert.equal(conn.handle, 'h1');
    assert.equal((await invoke(conn, 'getLabel')).value, 't');
    const broken = await conn.result('object.create', { module: MODULE, class: 'Broken' });
    assert.equal(broken.outcome, 'thrown');
    assert.deepEqual(broken.error, { name: 'Error', message: 'The input parameter is invalid.', code: 401 });
    assert.deepEqual(await conn.result('object.release', { handle: 'h1' }), { released: true });
    assert.equal((await conn.call('object.invoke', { handle: 'h1', member: 'echo' })).error.kind, 'no_such_handle');
  });

  it('sync throws keep name, message, code (or its absence) and extra properties', async () => {
    const conn = await connectWithThing(makeCore());
    const coded = await invoke(conn, 'throwCoded', [22400002, 'Network unavailable.']);
    assert.equal(coded.outcome, 'thrown');
    assert.deepEqual(coded.error, { name: 'Error', message: 'Network unavailable.', code: 22400002 });
    assert.equal(typeof coded.elapsedMs, 'number');
    const plain = await invoke(conn, 'throwPlain', ['Number of arguments unmatched']);
    assert.deepEqual(plain.error, { name: 'Error', message: 'Number of arguments unmatched' });
    const undef = await invoke(conn, 'throwCodeUndefined');
    assert.deepEqual(undef.error, { name: 'Error', message: 'code is undefined', code: { $undefined: true } });
    assert.equal((await invoke(conn, 'throwTypeError')).error.name, 'TypeError');
    const withData = await invoke(conn, 'throwWithData');
    assert.deepEqual(withData.error.extra, { data: { uri: 'file://x' } });
    const value = await invoke(conn, 'throwValue', ['a string']);
    assert.deepEqual([value.outcome, value.error, value.value], ['thrown', null, 'a string']);
  });

  it('promise style: resolved, rejected, not a promise', async () => {
    const conn = await connectWithThing(makeCore());
    const resolved = await invoke(conn, 'resolveLater', [{ $undefined: true }], { style: 'promise' });
    assert.deepEqual([resolved.outcome, resolved.value], ['resolved', { $undefined: true }]);
    const rejected = await invoke(conn, 'rejectLater', [201, 'Permission verification failed.'], { style: 'promise' });
    assert.equal(rejected.outcome, 'rejected');
    assert.deepEqual(rejected.error, { name: 'Error', message: 'Permission verification failed.', code: 201 });
    const plain = await invoke(conn, 'rejectPlainLater', ['plain'], { style: 'promise' });
    assert.deepEqual(plain.error, { name: 'Error', message: 'plain' });
    const value = await invoke(conn, 'rejectValueLater', [7], { style: 'promise' });
    assert.deepEqual([value.outcome, value.error, value.value], ['rejected', null, 7]);
    const notPromise = await invoke(conn, 'echo', [1], { style: 'promise' });
    assert.deepEqual([notPromise.outcome, notPromise.promise, notPromise.value], ['returned', false, [1]]);
    const thrown = await invoke(conn, 'throwCoded', [401, 'x'], { style: 'promise' });
    assert.equal(thrown.outcome, 'thrown');
  });

  it('callback style: value, error, extra calls counted and kept as $late events', async () => {
    const conn = await connectWithThing(makeCore());
    const ok = await invoke(conn, 'callbackValue', [5], { style: 'callback' });
    assert.deepEqual([ok.outcome, ok.error, ok.value], ['callback', null, 5]);
    const failed = await invoke(conn, 'callbackError', [22400003, 'Battery level warning.'], { style: 'callback' });
    assert.deepEqual(failed.error, { name: 'Error', message: 'Battery level warning.', code: 22400003 });
    const twice = await invoke(conn, 'callbackTwice', [], { style: 'callback' });
    assert.equal(twice.value, 1);
    assert.equal(twice.extraCalls[0].count, 1);
    const apartId = conn.request('object.invoke', { handle: conn.handle, member: 'callbackTwiceApart', style: 'callback' });
    assert.equal((await conn.response(apartId)).result.extraCalls, undefined);
    await conn.result('events.waitAndGet', { callback: '$late', timeoutMs: 1000 });
    const late = await conn.result('events.waitAndGet', { callback: '$late', timeoutMs: 1000 });
    assert.deepEqual(late.event.args, [
      { id: apartId, target: 'h1', member: 'callbackTwiceApart', reason: 'extra call', call: 2, args: [null, 2] },
    ]);
    const next = await invoke(conn, 'echo');
    assert.deepEqual(next.extraCalls, [{ id: apartId, member: 'callbackTwiceApart', count: 1 }]);
    assert.equal((await invoke(conn, 'echo')).extraCalls, undefined);
  });

  it('a call back followed by a synchronous throw is thrown, the call back kept as $late', async () => {
    const conn = await connectWithThing(makeCore());
    const out = await invoke(conn, 'callbackThenThrow', [], { style: 'callback' });
    assert.deepEqual(out.error, { name: 'Error', message: 'thrown after calling back' });
    const late = await conn.result('events.getAll', { callback: '$late' });
    assert.equal(late.events[0].args[0].reason, 'called back before a synchronous throw');
    assert.equal(late.events[0].args[0].outcome.value, 'early');
  });

  it('timeout outcome, then the late settlement as a $late event', async () => {
    const conn = await connectWithThing(makeCore());
    const never = await invoke(conn, 'never', [], { style: 'promise', timeoutMs: 20 });
    assert.equal(never.outcome, 'timeout');
    assert.equal(never.waitedMs, 20);
    const neverCb = await invoke(conn, 'neverCallback', [], { style: 'callback', timeoutMs: 20 });
    assert.equal(neverCb.outcome, 'timeout');
    const slowId = conn.request('object.invoke', {
      handle: conn.handle,
      member: 'settleAfter',
      args: [60, 'done'],
      style: 'promise',
      timeoutMs: 10,
    });
    assert.equal((await conn.response(slowId)).result.outcome, 'timeout');
    const late = await conn.result('events.waitAndGet', { callback: '$late', timeoutMs: 2000 });
    const arg = late.event.args[0];
    assert.deepEqual([arg.id, arg.reason, arg.outcome.outcome, arg.outcome.value], [slowId, 'after timeout', 'resolved', 'done']);
  });

  it('sync style on a promise-returning method says so and keeps the settlement', async () => {
    const conn = await connectWithThing(makeCore());
    const out = await invoke(conn, 'rejectLater', [201, 'denied']);
    assert.deepEqual([out.outcome, out.promise], ['returned', true]);
    const late = await conn.result('events.waitAndGet', { callback: '$late', timeoutMs: 1000 });
    assert.equal(late.event.args[0].reason, 'sync style');
    assert.equal(late.event.args[0].outcome.error.code, 201);
  });
});

describe('events', () => {
  it('queues callback calls in order with seq and device time', async () => {
    const conn = await connectWithThing(makeCore());
    const before = Date.now();
    await invoke(conn, 'fire', [{ $callback: 'progress' }, 3]);
    for (const seq of [1, 2, 3]) {
      const got = await conn.result('events.waitAndGet', { callback: 'progress', timeoutMs: 100 });
      assert.equal(got.dropped, 0);
      assert.equal(got.event.callback, 'progress');
      assert.equal(got.event.seq, seq);
      assert.deepEqual(got.event.args, [{ i: seq }]);
      assert.ok(got.event.time >= before - 1);
    }
    const none = await conn.result('events.waitAndGet', { callback: 'progress', timeoutMs: 15 });
    assert.deepEqual(none, { event: null, timedOut: true, dropped: 0 });
    await invoke(conn, 'fire', [{ $callback: 'progress' }, 2]);
    const all = await conn.result('events.getAll', { callback: 'progress' });
    assert.deepEqual(
      all.events.map((e) => e.seq),
      [4, 5],
    );
    assert.deepEqual((await conn.result('events.getAll', { callback: 'progress' })).events, []);
  });

  it('a blocked wait does not hold back other requests, and wakes on the event', async () => {
    const conn = await connectWithThing(makeCore());
    const waitId = conn.request('events.waitAndGet', { callback: 'later', timeoutMs: 2000 });
    const pingId = conn.request('ping');
    assert.equal((await conn.response(pingId)).result.pong, true);
    assert.equal(conn.responses.has(waitId), false);
    await invoke(conn, 'fireLater', [{ $callback: 'later' }, 1, 5]);
    const got = await conn.response(waitId);
    assert.equal(got.result.event.seq, 1);
  });

  it('caps a queue at 1024, dropping the oldest and counting them', async () => {
    const conn = await connectWithThing(makeCore());
    await invoke(conn, 'fire', [{ $callback: 'flood' }, 1030]);
    const all = await conn.result('events.getAll', { callback: 'flood' });
    assert.equal(all.events.length, 1024);
    assert.equal(all.events[0].seq, 7);
    assert.equal(all.dropped, 6);
    const wait = await conn.result('events.waitAndGet', { callback: 'flood', timeoutMs: 0 });
    assert.equal(wait.dropped, 6);
  });
});

describe('sessions', () => {
  it('outlive a closed connection: handles, queued events and pending settlements', async () => {
    const core = makeCore();
    const first = await connectWithThing(core);
    await invoke(first, 'subscribe', [{ $callback: 'sub' }]);
    const waitId = first.request('events.waitAndGet', { callback: 'sub', timeoutMs: 2000 });
    const slowId = first.request('object.invoke', {
      handle: first.handle,
      member: 'settleAfter',
      args: [20, 'late'],
      style: 'promise',
    });
    first.close();
    const other = new TestConnection(core);
    await other.handshake();
    assert.equal(
      (await other.result('object.invoke', { module: MODULE, member: 'fireAll', args: [2] })).value,
      1,
    );
    const again = new TestConnection(core);
    const hello = await again.handshake({ cmd: 'continue', session: first.session });
    assert.equal(hello.session, first.session);
    const events = await again.result('events.getAll', { callback: 'sub' });
    assert.deepEqual(
      events.events.map((e) => e.seq),
      [1, 2],
    );
    assert.equal((await again.result('object.invoke', { handle: first.handle, member: 'getLabel' })).value, 't');
    const late = await again.result('events.waitAndGet', { callback: '$late', timeoutMs: 2000 });
    assert.deepEqual([late.event.args[0].id, late.event.args[0].reason], [slowId, 'connection closed']);
    assert.equal(first.responses.has(waitId), false);
  });

  it('session.close frees the session', async () => {
    const core = makeCore();
    const conn = await connectWithThing(core);
    assert.deepEqual(await conn.result('session.close'), { closed: true });
    assert.equal((await conn.call('ping')).error.kind, 'protocol');
    const again = new TestConnection(core);
    const reply = await again.handshake({ cmd: 'continue', session: conn.session });
    assert.equal(reply.status, false);
  });

  it(`keeps at most ${MAX_SESSIONS}: the oldest idle one goes, attached ones stay`, async () => {
    const core = makeCore();
    const conns = [];
    for (let i = 0; i < MAX_SESSIONS; i += 1) {
      const conn = new TestConnection(core);
      assert.equal((await conn.handshake()).status, true);
      conns.push(conn);
    }
    const refused = await new TestConnection(core).handshake();
    assert.equal(refused.status, false);
    assert.match(refused.error, /too many sessions/);
    conns[3].close();
    conns[5].close();
    assert.equal((await new TestConnection(core).handshake()).session, 's17');
    assert.equal((await new TestConnection(core).handshake({ cmd: 'continue', session: 's4' })).status, false);
    assert.equal((await new TestConnection(core).handshake({ cmd: 'continue', session: 's6' })).status, true);
  });
});

describe('framing', () => {
  it('a line over 16 MiB is a protocol error and closes the connection', async () => {
    const conn = new TestConnection(makeCore());
    await conn.handshake();
    conn.handlers.onData('x'.repeat(16 * 1024 * 1024 + 1));
    const reply = JSON.parse(await conn.nextRaw());
    assert.equal(reply.error.kind, 'protocol');
    assert.equal(conn.closed, true);
  });

  it('accepts requests split across chunks and several in one chunk', async () => {
    const conn = new TestConnection(makeCore());
    await conn.handshake();
    conn.handlers.onData('{"id": 1, "meth');
    conn.handlers.onData('od": "ping"}\r\n{"id": 2, "method": "ping"}\n');
    assert.equal((await conn.response(1)).result.pong, true);
    assert.equal((await conn.response(2)).result.pong, true);
  });
});
