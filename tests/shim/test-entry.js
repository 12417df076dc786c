// Test-only entry: serves the real shim core with tests/shim/test-modules.js on 127.0.0.1:<free port>
// for the launch token given as the first argument, and prints `PORT <n>`. Exits when stdin closes (so it never outlives the test that started it).

import { ShimCore } from '../../ohos_protocol/shim_js/core.js';
import { epochMs, serveCore } from '../../ohos_protocol/shim_js/tcp-server.js';
import { createTestModules } from './test-modules.js';

const modules = createTestModules();
const core = new ShimCore({
  platform: 'node-test',
  apiLevel: 10,
  bundle: 'com.ohoshil.test',
  shimVersion: '0.1.0-test',
  loadModule: (name) => modules.get(name),
  moduleNames: () => modules.keys(),
  now: epochMs,
  log: (text) => process.stderr.write(`${text}\n`),
});
core.authorize(process.argv[2]);
const server = await serveCore(core);
process.stdout.write(`PORT ${server.address().port}\n`);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
