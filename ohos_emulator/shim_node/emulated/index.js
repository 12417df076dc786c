// The emulated `@ohos.*` modules the Node shim serves, built over one IPC client.

import { createCloudSync } from './cloudsync.js';
import { createTelephonyData } from './telephony-data.js';
import { createWifiManager } from './wifi-manager.js';

/** Map of module name -> module object. */
export function createEmulatedModules(ipc, napi) {
  return new Map([
    ['@ohos.file.cloudSync', createCloudSync(ipc, napi)],
    ['@ohos.wifiManager', createWifiManager(ipc, napi)],
    ['@ohos.telephony.data', createTelephonyData(ipc, napi)],
  ]);
}
