// Emulated `@ohos.file.cloudSync` NAPI layer (OpenHarmony 4.0 `gallery_sync_napi.cpp`,
// `cloud_file_download_napi.cpp`): checks arguments, builds errors and promises in the app process,
// and calls the cloud sync system ability (SA 5204) over the emulator IPC. Everything that differs
// per behaviour profile comes from the `napi` knobs (docs/emulator-ipc.md, "NAPI knobs").

import { deviationHooks } from './deviations.js';
import { UNKNOWN_ERROR, businessError, settleLater } from './napi-common.js';

const SA_CLOUD_SYNC = 5204;
const E_BROKEN_IPC = 3;
const E_PARAMS = 401;
const PROGRESS = 'progress';
const ARGC_ERRORS = new Set(['business401', 'plainError']);

/** Build the module from an IPC client (`call(sa, code, data)`, `on(event, handler)`) and the knobs. */
export function createCloudSync(ipc, napi) {
  checkKnobs(napi);
  const hooks = deviationHooks(napi.deviation);
  const business = (code) => businessError(napi, code);
  const toJsCode = (internal) => napi.errnoToJs[String(internal)] ?? UNKNOWN_ERROR;
  // Process-wide registrations, shared by all instances (4.0 keeps one callback per process).
  const registered = { gallery: null, download: null };

  /** A binder call to SA 5204: the BusinessError it ends in, or null. */
  function serviceCall(code, data) {
    const result = ipc.call(SA_CLOUD_SYNC, code, data);
    if (result.ipc !== 0) {
      return business(toJsCode(E_BROKEN_IPC));
    }
    if (result.ret !== 0) {
      return business(toJsCode(result.ret));
    }
    return null;
  }

  function galleryArgcError() {
    if (napi.galleryArgcError === 'plainError') {
      return new Error('Number of arguments unmatched');
    }
    return business(E_PARAMS);
  }

  function checkCallbackType(point, callback) {
    if (napi.callbackTypeChecked && typeof callback !== 'function' && !hooks.skips(point, 'callbackType')) {
      throw business(E_PARAMS);
    }
  }

  function register(kind, code, callback) {
    if (registered[kind] !== null) {
      return;
    }
    const err = serviceCall(code, {});
    if (err !== null) {
      throw err;
    }
    registered[kind] = { callback };
  }

  function unregister(kind, code) {
    const err = serviceCall(code, {});
    if (err !== null) {
      throw err;
    }
    registered[kind] = null;
  }

  function deliver(kind, payload) {
    const registration = registered[kind];
    if (registration !== null && typeof registration.callback === 'function') {
      for (const each of hooks.payloads(kind, payload)) {
        registration.callback(each);
      }
    }
  }

  /**
   * An asynchronous call taking `fixed` leading arguments and an optional callback: argument
   * errors first (thrown, or settled when the profile defers 401s), then the service call.
   */
  function asyncCall(point, args, fixed, argsValid, code, data) {
    const hasCallback = args.length === fixed + 1;
    const argcWrong = args.length < fixed || args.length > fixed + 1;
    let argError = null;
    if ((argcWrong && !hooks.skips(point, 'argc')) || (!argsValid(args) && !hooks.skips(point, 'type'))) {
      argError = business(E_PARAMS);
    } else if (hasCallback && typeof args[fixed] !== 'function' && !hooks.skips(point, 'callbackType')) {
      argError = business(napi.nonFunctionAsyncCallback);
    } else if (hooks.refuses(point, hasCallback, true)) {
      argError = business(E_PARAMS);
    }
    if (argError !== null) {
      const thrown = napi.argErrorsThrown || argError.code !== E_PARAMS;
      if ((hooks.argErrorRoute(point) ?? (thrown ? 'throw' : 'settle')) === 'throw') {
        throw argError;
      }
      const last = args[args.length - 1];
      return settleLater(typeof last === 'function' ? last : null, argError);
    }
    const callback = hasCallback && typeof args[fixed] === 'function' ? args[fixed] : null;
    return hooks.settle(point, callback, serviceCall(code, data(args)), settleLater);
  }

  /** The checks of on/off: argument count, the event name, the callback's type. */
  function listenerArgs(point, args, count, argcError) {
    if (args.length !== count && !hooks.skips(point, 'argc')) {
      throw argcError();
    }
    if (args[0] !== PROGRESS && !hooks.skips(point, 'event')) {
      throw business(E_PARAMS);
    }
    if (count === 2) {
      checkCallbackType(point, args[1]);
    }
  }

  function listenerOn(point, kind, code, args, argcError) {
    return hooks.sync(point, () => {
      listenerArgs(point, args, 2, argcError);
      register(kind, code, args[1]);
    });
  }

  function listenerOff(point, kind, code, args, argcError) {
    return hooks.sync(point, () => {
      listenerArgs(point, args, 1, argcError);
      if (hooks.refuses(point, false, registered[kind] !== null)) {
        throw business(E_PARAMS);
      }
      unregister(kind, code);
    });
  }

  function construct(point, args, argcError) {
    if (args.length !== 0 && !hooks.skips(point, 'argc')) {
      throw argcError();
    }
  }

  const anyArgs = () => true;
  const uriArg = (args) => typeof args[0] === 'string';
  const plain401 = () => business(E_PARAMS);

  class GallerySync {
    constructor(...args) {
      construct('GallerySync.constructor', args, galleryArgcError);
    }

    on(...args) {
      return listenerOn('GallerySync.on', 'gallery', 'RegisterCallbackInner', args, galleryArgcError);
    }

    off(...args) {
      return listenerOff('GallerySync.off', 'gallery', 'UnRegisterCallbackInner', args, galleryArgcError);
    }

    start(...args) {
      return asyncCall('GallerySync.start', args, 0, anyArgs, 'StartSyncInner', () => ({ forceFlag: false }));
    }

    stop(...args) {
      return asyncCall('GallerySync.stop', args, 0, anyArgs, 'StopSyncInner', () => ({}));
    }
  }

  class Download {
    constructor(...args) {
      construct('Download.constructor', args, plain401);
    }

    on(...args) {
      return listenerOn('Download.on', 'download', 'RegisterDownloadFileCallback', args, plain401);
    }

    off(...args) {
      return listenerOff('Download.off', 'download', 'UnregisterDownloadFileCallback', args, plain401);
    }

    start(...args) {
      return asyncCall('Download.start', args, 1, uriArg, 'StartDownloadFile', (a) => ({ uri: a[0] }));
    }

    stop(...args) {
      return asyncCall('Download.stop', args, 1, uriArg, 'StopDownloadFile', (a) => ({ uri: a[0] }));
    }
  }

  ipc.on('OnSyncStateChanged', (data) => deliver('gallery', { state: data.state, error: data.error }));
  ipc.on('OnDownloadProcess', (data) =>
    deliver('download', { state: data.state, processed: data.processed, size: data.size, uri: data.uri }),
  );

  return {
    SyncState: Object.freeze({ ...napi.enums.SyncState }),
    ErrorType: Object.freeze({ ...napi.enums.ErrorType }),
    State: Object.freeze({ ...napi.enums.State }),
    GallerySync,
    Download,
  };
}

/** Refuse knobs that would make the module misbehave silently; names the knob that is wrong. */
function checkKnobs(napi) {
  const problems = [];
  const isTable = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
  if (!isTable(napi)) {
    throw new Error('cloudSync NAPI knobs: missing (the hello reply has no napi object)');
  }
  if (!isTable(napi.messages)) {
    problems.push('messages must be an object of code -> message');
  }
  if (!isTable(napi.errnoToJs)) {
    problems.push('errnoToJs must be an object of internal code -> JS code');
  }
  for (const name of ['SyncState', 'ErrorType', 'State']) {
    if (!isTable(napi.enums) || !isTable(napi.enums[name])) {
      problems.push(`enums.${name} must be an object`);
    }
  }
  if (!ARGC_ERRORS.has(napi.galleryArgcError)) {
    problems.push('galleryArgcError must be "business401" or "plainError"');
  }
  for (const name of ['callbackTypeChecked', 'argErrorsThrown']) {
    if (typeof napi[name] !== 'boolean') {
      problems.push(`${name} must be true or false`);
    }
  }
  if (!Number.isInteger(napi.nonFunctionAsyncCallback)) {
    problems.push('nonFunctionAsyncCallback must be an integer error code');
  }
  if (problems.length === 0 && isTable(napi.messages)) {
    const codes = [E_PARAMS, napi.nonFunctionAsyncCallback, ...Object.values(napi.errnoToJs)];
    for (const code of codes) {
      if (typeof napi.messages[String(code)] !== 'string') {
        problems.push(`messages has no message for code ${code}`);
      }
    }
  }
  if (problems.length > 0) {
    throw new Error(`cloudSync NAPI knobs: ${problems.join('; ')}`);
  }
}
