import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { createTelephonyData } from '../../ohos_emulator/shim_node/emulated/telephony-data.js';
import { createWifiManager } from '../../ohos_emulator/shim_node/emulated/wifi-manager.js';
import { IpcDouble, callbackArgs, thrown } from './fixtures/ipc-double.js';
import { API10_DOC } from './fixtures/knobs.js';

describe('wifiManager', () => {
  it('calls SA 1120 synchronously and reports the state', () => {
    const ipc = new IpcDouble({ IsWifiActive: { reply: { active: true } } });
    const wifi = createWifiManager(ipc, API10_DOC);
    assert.equal(wifi.disableWifi(), undefined);
    assert.equal(wifi.isWifiActive(), true);
    assert.deepEqual(ipc.calls, [
      { sa: 1120, code: 'DisableWifi', data: {} },
      { sa: 1120, code: 'IsWifiActive', data: {} },
    ]);
  });

  it('throws a BusinessError with the service code, or 2501000 when the IPC fails', () => {
    const denied = createWifiManager(new IpcDouble({ EnableWifi: { ret: 201 } }), API10_DOC);
    const err = thrown(() => denied.enableWifi());
    assert.deepEqual([err.code, err.message], [201, 'Permission verification failed.']);
    const dead = createWifiManager(new IpcDouble({ EnableWifi: { ipc: 29189 } }), API10_DOC);
    assert.equal(thrown(() => dead.enableWifi()).code, 2501000);
  });
});

describe('telephony.data', () => {
  it('promise and callback forms, and the sync query', async () => {
    const ipc = new IpcDouble({ IsCellularDataEnabled: { reply: { enabled: false } } });
    const data = createTelephonyData(ipc, API10_DOC);
    assert.equal(await data.enableCellularData(), undefined);
    assert.deepEqual(await callbackArgs((cb) => data.disableCellularData(cb)), [undefined]);
    assert.equal(await data.isCellularDataEnabled(), false);
    assert.deepEqual(await callbackArgs((cb) => data.isCellularDataEnabled(cb)), [undefined, false]);
    assert.equal(data.isCellularDataEnabledSync(), false);
    assert.deepEqual(ipc.codes(), [
      'EnableCellularData',
      'DisableCellularData',
      'IsCellularDataEnabled',
      'IsCellularDataEnabled',
      'IsCellularDataEnabled',
    ]);
    assert.ok(ipc.calls.every((c) => c.sa === 4007));
  });

  it('reports service and IPC failures', async () => {
    const data = createTelephonyData(
      new IpcDouble({ EnableCellularData: { ret: 202 }, IsCellularDataEnabled: { ipc: 29189 } }),
      API10_DOC,
    );
    await assert.rejects(data.enableCellularData(), (err) => err.code === 202);
    const [err] = await callbackArgs((cb) => data.isCellularDataEnabled(cb));
    assert.equal(err.code, 8300002);
    assert.equal(thrown(() => data.isCellularDataEnabledSync()).code, 8300002);
  });
});
