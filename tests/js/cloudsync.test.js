import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { createCloudSync } from '../../ohos_emulator/shim_node/emulated/cloudsync.js';
import { IpcDouble, callbackArgs, thrown } from './fixtures/ipc-double.js';
import { API10_DOC, OHOS_40 } from './fixtures/knobs.js';

function build(napi, answers) {
  const ipc = new IpcDouble(answers);
  return { ipc, cloudSync: createCloudSync(ipc, napi) };
}

function assertBusiness(err, code, message) {
  assert.ok(err instanceof Error);
  assert.equal(err.name, 'Error');
  assert.equal(Object.prototype.hasOwnProperty.call(err, 'code'), true);
  assert.equal(err.code, code);
  assert.equal(err.message, message);
}

function assertPlainArgcError(err) {
  assert.ok(err instanceof Error);
  assert.equal(err.message, 'Number of arguments unmatched');
  assert.equal('code' in err, false);
}

const PROFILES = [
  ['api10-doc', API10_DOC, (err) => assertBusiness(err, 401, 'The input parameter is invalid.')],
  ['ohos-4.0', OHOS_40, assertPlainArgcError],
];

for (const [profile, napi, assertArgcError] of PROFILES) {
  const msg401 = napi.messages[401];

  describe(`cloudSync under ${profile}`, () => {
    it('exports frozen enums from the knobs', () => {
      const { cloudSync } = build(napi);
      assert.equal(cloudSync.SyncState.COMPLETED, 4);
      assert.equal(cloudSync.ErrorType.LOCAL_STORAGE_FULL, 6);
      assert.equal(cloudSync.State.STOPPED, 3);
      assert.ok(Object.isFrozen(cloudSync.SyncState) && Object.isFrozen(cloudSync.State));
    });

    it('GallerySync: wrong argument counts on constructor, on and off', () => {
      const { ipc, cloudSync } = build(napi);
      assertArgcError(thrown(() => new cloudSync.GallerySync('x')));
      const gallery = new cloudSync.GallerySync();
      assertArgcError(thrown(() => gallery.on('progress')));
      assertArgcError(thrown(() => gallery.on('progress', () => {}, 3)));
      assertArgcError(thrown(() => gallery.off()));
      assertArgcError(thrown(() => gallery.off('progress', () => {})));
      assert.deepEqual(ipc.calls, []);
    });

    it('GallerySync.on/off: wrong event name is 401; the callback type per profile', () => {
      const { ipc, cloudSync } = build(napi);
      const gallery = new cloudSync.GallerySync();
      assertBusiness(thrown(() => gallery.on('progres', () => {})), 401, msg401);
      assertBusiness(thrown(() => gallery.on(1, () => {})), 401, msg401);
      assertBusiness(thrown(() => gallery.off('sync')), 401, msg401);
      if (napi.callbackTypeChecked) {
        assertBusiness(thrown(() => gallery.on('progress', 42)), 401, msg401);
        assert.deepEqual(ipc.calls, []);
      } else {
        assert.equal(gallery.on('progress', 42), undefined);
        assert.deepEqual(ipc.codes(), ['RegisterCallbackInner']);
      }
    });

    it('GallerySync.on registers once per process and delivers progress until off', () => {
      const { ipc, cloudSync } = build(napi);
      const seen = [];
      const first = new cloudSync.GallerySync();
      assert.equal(first.on('progress', (p) => seen.push(['first', p])), undefined);
      new cloudSync.GallerySync().on('progress', (p) => seen.push(['second', p]));
      assert.deepEqual(ipc.calls, [{ sa: 5204, code: 'RegisterCallbackInner', data: {} }]);
      ipc.emit('OnSyncStateChanged', { state: 2, error: 0 });
      assert.deepEqual(seen, [['first', { state: 2, error: 0 }]]);
      first.off('progress');
      assert.deepEqual(ipc.codes(), ['RegisterCallbackInner', 'UnRegisterCallbackInner']);
      ipc.emit('OnSyncStateChanged', { state: 4, error: 0 });
      assert.equal(seen.length, 1);
    });

    it('GallerySync.on/off throw what the service or the IPC returned', () => {
      const denied = build(napi, { RegisterCallbackInner: { ret: 6 } });
      assertBusiness(thrown(() => new denied.cloudSync.GallerySync().on('progress', () => {})), 201, napi.messages[201]);
      const broken = build(napi, { UnRegisterCallbackInner: { ipc: 7 } });
      assertBusiness(thrown(() => new broken.cloudSync.GallerySync().off('progress')), 13600001, napi.messages[13600001]);
    });

    it('GallerySync.start/stop: promise resolves, asynchronously, after the IPC call', async () => {
      const { ipc, cloudSync } = build(napi);
      const gallery = new cloudSync.GallerySync();
      let settled = false;
      const started = gallery.start().then((value) => {
        settled = true;
        return value;
      });
      assert.equal(settled, false);
      assert.deepEqual(ipc.calls, [{ sa: 5204, code: 'StartSyncInner', data: { forceFlag: false } }]);
      assert.equal(await started, undefined);
      assert.equal(await gallery.stop(), undefined);
      assert.deepEqual(ipc.codes(), ['StartSyncInner', 'StopSyncInner']);
    });

    it('GallerySync.start: service errors reject the promise or reach the callback', async () => {
      const { cloudSync } = build(napi, { StartSyncInner: { ret: 12 }, StopSyncInner: { ipc: 29189 } });
      const gallery = new cloudSync.GallerySync();
      await assert.rejects(gallery.start(), (err) => {
        assertBusiness(err, 22400002, napi.messages[22400002]);
        return true;
      });
      const [err] = await callbackArgs((cb) => assert.equal(gallery.stop(cb), undefined));
      assertBusiness(err, 13600001, napi.messages[13600001]);
    });

    it('GallerySync.start(cb): called back with undefined only, never synchronously', async () => {
      const { cloudSync } = build(napi);
      let sync = true;
      const args = await callbackArgs((cb) => {
        new cloudSync.GallerySync().start((...a) => {
          assert.equal(sync, false);
          cb(...a);
        });
        sync = false;
      });
      assert.deepEqual(args, [undefined]);
    });

    it('GallerySync.start/stop argument errors are thrown', () => {
      const { ipc, cloudSync } = build(napi);
      const gallery = new cloudSync.GallerySync();
      assertBusiness(thrown(() => gallery.start(() => {}, 1)), 401, msg401);
      const nonFunction = thrown(() => gallery.stop('x'));
      assertBusiness(nonFunction, napi.nonFunctionAsyncCallback, napi.messages[napi.nonFunctionAsyncCallback]);
      assert.deepEqual(ipc.calls, []);
    });

    it('Download: constructor with an argument and wrong on/off arguments are 401', () => {
      const { ipc, cloudSync } = build(napi);
      assertBusiness(thrown(() => new cloudSync.Download(1)), 401, msg401);
      const download = new cloudSync.Download();
      assertBusiness(thrown(() => download.on('progress')), 401, msg401);
      assertBusiness(thrown(() => download.on('done', () => {})), 401, msg401);
      assertBusiness(thrown(() => download.off('progress', () => {})), 401, msg401);
      assertBusiness(thrown(() => download.off('done')), 401, msg401);
      if (napi.callbackTypeChecked) {
        assertBusiness(thrown(() => download.on('progress', 'x')), 401, msg401);
      }
      assert.deepEqual(ipc.calls, []);
    });

    it('Download.on delivers {state, processed, size, uri}; off drops the callback', () => {
      const { ipc, cloudSync } = build(napi);
      const download = new cloudSync.Download();
      const seen = [];
      download.on('progress', (p) => seen.push(p));
      download.on('progress', () => seen.push('second'));
      const event = { state: 0, processed: 65536, size: 1048576, uri: 'file://media/Photo/3/IMG_0003.jpg' };
      ipc.emit('OnDownloadProcess', { ...event, extra: 'ignored' });
      assert.deepEqual(seen, [event]);
      download.off('progress');
      ipc.emit('OnDownloadProcess', event);
      assert.equal(seen.length, 1);
      assert.deepEqual(ipc.codes(), ['RegisterDownloadFileCallback', 'UnregisterDownloadFileCallback']);
    });

    it('Download.start/stop: uri checks, IPC data, results', async () => {
      const uri = 'file://media/Photo/3/IMG_0003.jpg';
      const { ipc, cloudSync } = build(napi, { StopDownloadFile: { ret: 1001 } });
      const download = new cloudSync.Download();
      assertBusiness(thrown(() => download.start()), 401, msg401);
      assertBusiness(thrown(() => download.start(3)), 401, msg401);
      assertBusiness(thrown(() => download.stop(uri, () => {}, 1)), 401, msg401);
      const nonFunction = thrown(() => download.start(uri, {}));
      assertBusiness(nonFunction, napi.nonFunctionAsyncCallback, napi.messages[napi.nonFunctionAsyncCallback]);
      assert.deepEqual(ipc.calls, []);
      assert.equal(await download.start(uri), undefined);
      assert.deepEqual(ipc.calls, [{ sa: 5204, code: 'StartDownloadFile', data: { uri } }]);
      const [err] = await callbackArgs((cb) => download.stop(uri, cb));
      assertBusiness(err, 13900002, napi.messages[13900002]);
    });

    it('an internal code the table does not map becomes 13900042 Unknown error', async () => {
      const { cloudSync } = build(napi, { StartSyncInner: { ret: 4 } });
      await assert.rejects(new cloudSync.GallerySync().start(), (err) => {
        assertBusiness(err, 13900042, 'Unknown error');
        return true;
      });
    });
  });
}

describe('seeded deviation argErrorsThrown: false', () => {
  const napi = { ...API10_DOC, argErrorsThrown: false };

  it('delivers argument 401s of start/stop as rejection or callback error', async () => {
    const { ipc, cloudSync } = build(napi);
    const gallery = new cloudSync.GallerySync();
    await assert.rejects(gallery.start('x'), (err) => {
      assertBusiness(err, 401, 'The input parameter is invalid.');
      return true;
    });
    await assert.rejects(gallery.stop(1, 2), (err) => err.code === 401);
    const [err] = await callbackArgs((cb) => new cloudSync.Download().start(5, cb));
    assertBusiness(err, 401, 'The input parameter is invalid.');
    assert.deepEqual(ipc.calls, []);
  });

  it('still throws on/off argument errors and non-401 codes', () => {
    const { cloudSync } = build({ ...OHOS_40, argErrorsThrown: false });
    assertBusiness(thrown(() => new cloudSync.GallerySync().start('x')), 13900020, 'Invalid argument');
    assertBusiness(thrown(() => new cloudSync.Download().on('x', () => {})), 401, 'The input parameter is invalid');
  });
});

describe('knob validation', () => {
  it('names what is wrong with the knobs', () => {
    const { 13900020: _dropped, ...messages } = OHOS_40.messages;
    assert.throws(() => createCloudSync(new IpcDouble(), { ...OHOS_40, messages }), /no message for code 13900020/);
    assert.throws(
      () => createCloudSync(new IpcDouble(), { ...API10_DOC, galleryArgcError: 'x' }),
      /galleryArgcError must be/,
    );
  });
});
