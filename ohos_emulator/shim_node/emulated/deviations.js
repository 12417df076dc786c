// Generated deviations of the NAPI layer (the suite self-check, ohos_emulator/generated.py): the
// optional `deviation` knob `{kind, point, ...}` breaks one method (`point`, e.g. "Download.start")
// one way. Without the knob every hook does what the conformant module does.

/** The hooks cloudsync.js asks at each behaviour point; `spec` is the knob or undefined. */
export function deviationHooks(spec) {
  const active = spec !== null && typeof spec === 'object';
  const is = (kind, point) => active && spec.kind === kind && spec.point === point;
  const formMatches = (callback) =>
    spec.form === undefined || (spec.form === 'callback') === (callback !== null);
  const outcomeMatches = (err) => spec.outcome === undefined || (spec.outcome === 'error') === (err !== null);

  /** A rejected promise that does not end the process when nobody awaits it. */
  const quietRejection = (err) => {
    const promise = Promise.reject(err);
    promise.catch(() => {});
    return promise;
  };

  return {
    /** True when the argument check `check` ("argc", "type", "event", "callbackType") of `point` is gone. */
    skips: (point, check) => is(`unchecked-${check}`, point),

    /** True when `point` refuses a valid call of this form with 401 (a tightened check). */
    refuses(point, hasCallback, registered) {
      return (
        (is('refuse-callback-form', point) && hasCallback) ||
        (is('refuse-promise-form', point) && !hasCallback) ||
        (is('refuse-unregistered', point) && !registered)
      );
    },

    /** How an argument error of `point` travels: "throw", "settle", or null (as the profile says). */
    argErrorRoute: (point) => (is('arg-error-route', point) ? spec.route : null),

    /** Run a synchronous method; its thrown error comes back as a rejected promise when told so. */
    sync(point, body) {
      try {
        return body();
      } catch (err) {
        if (is('sync-error-rejected', point)) {
          return quietRejection(err);
        }
        throw err;
      }
    },

    /** End an asynchronous call of `point` with `err` (null: success); `settleLater` is the conformant way. */
    settle(point, callback, err, settleLater) {
      if (!active || spec.point !== point || !formMatches(callback) || !outcomeMatches(err)) {
        return settleLater(callback, err);
      }
      switch (spec.kind) {
        case 'throw-service-error':
          if (err !== null) {
            throw err;
          }
          break;
        case 'callback-as-promise':
          if (callback !== null) {
            return err === null ? settleLater(null, null) : quietRejection(err);
          }
          break;
        case 'settle-twice':
          if (callback !== null) {
            settleLater(callback, err);
            return settleLater(callback, err);
          }
          break;
        case 'settle-never':
          return callback !== null ? undefined : new Promise(() => {});
        case 'resolve-value':
          return settleLater(callback, err, 0);
        default:
          break;
      }
      return settleLater(callback, err);
    },

    /** The payloads a progress listener of `kind` ("gallery", "download") receives for one event. */
    payloads(kind, payload) {
      if (!active || spec.event !== kind) {
        return [payload];
      }
      if (spec.kind === 'listener-twice') {
        return [payload, payload];
      }
      if (spec.kind === 'listener-never') {
        return [];
      }
      if (spec.kind === 'rename-field') {
        const { [spec.from]: value, ...rest } = payload;
        return [{ ...rest, [spec.to]: value }];
      }
      return [payload];
    },
  };
}
