// Module resolution for a test bundle's JS on the emulated device (test-entry.js registers it):
// `@ohos/hypium` is the project's runner (hypium.js); `@ohos.NAME` is the emulated system module of
// that name, handed over by test-entry.js through globalThis.__ohosHilNapi (an unknown one fails to
// import, as a missing NAPI module fails on a device).

const NAPI_SCHEME = 'ohos-napi:';

export async function resolve(specifier, context, nextResolve) {
  if (specifier === '@ohos/hypium') {
    return { url: new URL('./hypium.js', import.meta.url).href, shortCircuit: true };
  }
  if (specifier.startsWith('@ohos.')) {
    return { url: `${NAPI_SCHEME}${specifier}`, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (url.startsWith(NAPI_SCHEME)) {
    const name = JSON.stringify(url.slice(NAPI_SCHEME.length));
    return { format: 'module', source: `export default globalThis.__ohosHilNapi(${name});`, shortCircuit: true };
  }
  return nextLoad(url, context);
}
