// The shim's entry on the emulated device: `aa start` runs `node node-entry.js` with the IPC fds in
// OHOS_HIL_IPC (docs/emulator-ipc.md). Serves the core on the want's device port.

import { ShimCore } from '../../ohos_protocol/shim_js/core.js';
import { createEmulatedModules } from './emulated/index.js';
import { IpcClient } from './ipc-client.js';
import { epochMs, listenForCore } from '../../ohos_protocol/shim_js/tcp-server.js';

const SHIM_VERSION = '0.1.0';
function log(text) {
  process.stderr.write(`${text}\n`);
}

// The want's port: `aa start --pi port N`, or the bundle's default port, which the emulated
// ability manager puts in the want for the shim variants (as the HAP's built-in table does on a
// device). A bundle with neither has no port, as on a device: the entry fails.
function devicePortOf(want) {
  const raw = want && want.parameters ? want.parameters.port : undefined;
  if (raw === undefined) {
    throw new Error('no port: start the ability with `aa start ... --pi port N`');
  }
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`want parameter port must be a TCP port, got ${JSON.stringify(raw)}`);
  }
  return port;
}

function tokenOf(want) {
  return want && want.parameters ? want.parameters.token : undefined;
}

async function main() {
  // The listener and the event channel come first, before the hello that waits for an ability to
  // be handed to this runtime (a runtime started ahead): that work is off the start's path. The
  // device port is bound (IPC listen) only once the core serves, so no connection reaches the
  // listener before; no event is dispatched before the handlers below are in (no await between).
  const listener = await listenForCore();
  const ipc = IpcClient.fromEnv(process.env.OHOS_HIL_IPC, (reason) => {
    log(`shim: IPC ${reason}; exiting`);
    process.exit(0);
  });
  ipc.listenForEvents();
  const hello = ipc.request({ op: 'hello', pid: process.pid });
  const modules = createEmulatedModules(ipc, hello.napi);
  const bundle = hello.caller.bundle;
  const core = new ShimCore({
    platform: 'node-emulated',
    apiLevel: hello.device.apiLevel,
    bundle,
    shimVersion: SHIM_VERSION,
    loadModule: (name) => modules.get(name),
    moduleNames: () => modules.keys(),
    now: epochMs,
    log,
  });
  // The launch's token (`aa start ... --ps token VALUE`); a new want to the running ability
  // (`aa start` again) brings its own, as onNewWant does on a device.
  core.authorize(tokenOf(hello.want));
  ipc.on('newWant', (want) => core.authorize(tokenOf(want)));
  const devicePort = devicePortOf(hello.want);
  listener.attach(core);
  const reply = ipc.request({ op: 'listen', devicePort, hostPort: listener.server.address().port });
  if (reply.errno) {
    log(`shim: cannot listen on device port ${devicePort}: ${reply.errno}`);
    process.exit(1);
  }
  process.stdout.write(`SHIM SERVING port=${devicePort} bundle=${bundle}\n`);
}

process.on('SIGTERM', () => process.exit(0));
process.on('unhandledRejection', (reason) => {
  log(`shim: unhandled rejection: ${reason && reason.stack ? reason.stack : reason}`);
});
main().catch((err) => {
  log(`shim: ${err && err.stack ? err.stack : err}`);
  process.exit(1);
});
