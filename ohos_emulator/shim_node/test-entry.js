// A test bundle's process on the emulated device: `aa test` runs `node test-entry.js` with the IPC
// fds (docs/emulator-ipc.md), the runner file in OHOS_HIL_TEST_RUNNER and the finishTest fd in
// OHOS_HIL_TEST_FINISH. It loads the runner as the JS test runner is loaded on a device and calls
// onPrepare and onRun; the runner reaches the delegator and its arguments through
// `@ohos.app.ability.abilityDelegatorRegistry`. printSync goes to stdout (aa prints it), the app's
// console to stderr (hilog).

import fs from 'node:fs';
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';

import { createEmulatedModules } from './emulated/index.js';
import { IpcClient } from './ipc-client.js';

for (const level of ['log', 'info', 'debug', 'warn', 'error']) {
  console[level] = (...parts) => process.stderr.write(`${parts.join(' ')}\n`);
}
register('./test-loader.js', import.meta.url);

function delegatorFor(finishFd) {
  let finished = false;
  const print = (message) => fs.writeSync(1, `${message}\n`);
  return {
    print,
    printSync: print,
    finishTest(message, code, callback) {
      if (!finished) {
        finished = true;
        fs.writeSync(finishFd, `${JSON.stringify({ message: String(message), code: Number(code) })}\n`);
      }
      if (typeof callback === 'function') {
        callback();
      }
      return Promise.resolve();
    },
  };
}

async function main() {
  const ipc = IpcClient.fromEnv(process.env.OHOS_HIL_IPC, () => process.exit(0));
  const hello = ipc.request({ op: 'hello', pid: process.pid });
  const modules = createEmulatedModules(ipc, hello.napi);
  ipc.listenForEvents();
  const delegator = delegatorFor(Number(process.env.OHOS_HIL_TEST_FINISH));
  const args = { bundleName: hello.caller.bundle, parameters: hello.want.parameters };
  modules.set('@ohos.app.ability.abilityDelegatorRegistry', {
    getAbilityDelegator: () => delegator,
    getArguments: () => args,
  });
  globalThis.__ohosHilNapi = (name) => {
    if (!modules.has(name)) {
      throw new Error(`Cannot find module ${name}`);
    }
    return modules.get(name);
  };
  const exported = (await import(pathToFileURL(process.env.OHOS_HIL_TEST_RUNNER).href)).default;
  const runner = typeof exported === 'function' ? new exported() : exported;
  if (typeof runner.onPrepare === 'function') {
    runner.onPrepare();
  }
  await runner.onRun();
}

process.on('SIGTERM', () => process.exit(0));
main().catch((err) => {
  process.stderr.write(`test runner: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
