// Emulated `@ohos.wifiManager` (the parts the harness uses to set network conditions): synchronous
// calls to the Wi-Fi device service (SA 1120) that throw a BusinessError with a code on failure.

import { businessError } from './napi-common.js';

const SA_WIFI_DEVICE = 1120;
const WIFI_OPERATION_FAILED = 2501000;
const FALLBACK_MESSAGES = { [WIFI_OPERATION_FAILED]: 'Operation failed.' };

/** Build the module from an IPC client and the NAPI knobs (for messages). */
export function createWifiManager(ipc, napi) {
  function serviceCall(code) {
    const result = ipc.call(SA_WIFI_DEVICE, code, {});
    if (result.ipc !== 0) {
      throw businessError(napi, WIFI_OPERATION_FAILED, FALLBACK_MESSAGES);
    }
    if (result.ret !== 0) {
      throw businessError(napi, result.ret, FALLBACK_MESSAGES);
    }
    return result.reply;
  }

  return {
    enableWifi() {
      serviceCall('EnableWifi');
    },
    disableWifi() {
      serviceCall('DisableWifi');
    },
    isWifiActive() {
      return serviceCall('IsWifiActive').active === true;
    },
  };
}
