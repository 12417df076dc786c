// Emulated `@ohos.telephony.data` (the parts the harness uses to set network conditions): calls to
// the cellular data service (SA 4007), in promise and AsyncCallback forms, plus the sync query.

import { businessError, settleLater } from './napi-common.js';

const SA_CELLULAR_DATA = 4007;
const TELEPHONY_SERVICE_ERROR = 8300002;
const FALLBACK_MESSAGES = { [TELEPHONY_SERVICE_ERROR]: 'Operation failed. Cannot connect to service.' };

/** Build the module from an IPC client and the NAPI knobs (for messages). */
export function createTelephonyData(ipc, napi) {
  /** The service's reply, or the BusinessError the call ends in. */
  function serviceCall(code) {
    const result = ipc.call(SA_CELLULAR_DATA, code, {});
    if (result.ipc !== 0) {
      return { error: businessError(napi, TELEPHONY_SERVICE_ERROR, FALLBACK_MESSAGES) };
    }
    if (result.ret !== 0) {
      return { error: businessError(napi, result.ret, FALLBACK_MESSAGES) };
    }
    return { reply: result.reply, error: null };
  }

  function asyncCall(code, callback, pick) {
    const { reply, error } = serviceCall(code);
    const cb = typeof callback === 'function' ? callback : null;
    return settleLater(cb, error, error === null ? pick(reply) : undefined);
  }

  const nothing = () => undefined;
  const enabled = (reply) => reply.enabled === true;

  return {
    enableCellularData(callback) {
      return asyncCall('EnableCellularData', callback, nothing);
    },
    disableCellularData(callback) {
      return asyncCall('DisableCellularData', callback, nothing);
    },
    isCellularDataEnabled(callback) {
      return asyncCall('IsCellularDataEnabled', callback, enabled);
    },
    isCellularDataEnabledSync() {
      const { reply, error } = serviceCall('IsCellularDataEnabled');
      if (error !== null) {
        throw error;
      }
      return enabled(reply);
    },
  };
}
