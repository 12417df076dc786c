// Shared by the emulated NAPI modules: BusinessError objects and asynchronous settlement.

/** Code for internal codes the profile's errnoToJs table does not map (libn's fallback). */
export const UNKNOWN_ERROR = 13900042;
const UNKNOWN_MESSAGE = 'Unknown error';

/**
 * A BusinessError as libn builds it: a plain Error (name "Error") with the message for `code` and
 * a numeric own `code`. `fallbacks` gives messages for codes the profile's table lacks.
 */
export function businessError(napi, code, fallbacks = {}) {
  const key = String(code);
  const message =
    napi.messages[key] ?? fallbacks[key] ?? napi.messages[String(UNKNOWN_ERROR)] ?? UNKNOWN_MESSAGE;
  const err = new Error(message);
  err.code = code;
  return err;
}

/**
 * End an asynchronous API call, never before the call returns: with a callback, `cb(err)` on
 * failure, `cb(undefined)` or `cb(undefined, value)` on success (returns undefined); else a Promise.
 */
export function settleLater(callback, err, value) {
  if (callback) {
    setTimeout(() => {
      if (err) {
        callback(err);
      } else if (value === undefined) {
        callback(undefined);
      } else {
        callback(undefined, value);
      }
    }, 0);
    return undefined;
  }
  return new Promise((resolve, reject) => {
    setTimeout(() => (err ? reject(err) : resolve(value)), 0);
  });
}
