import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { MAX_TOKENS } from '../../ohos_protocol/shim_js/core.js';
import { TOKEN, TestConnection, makeCore } from './fixtures/core-harness.js';

const OTHER = 'other-token-fedcba9876543210';

async function hello(core, message) {
  const conn = new TestConnection(core);
  conn.send({ cmd: 'initiate', protocol: 2, ...message });
  return { conn, reply: JSON.parse(await conn.nextRaw()) };
}

describe('launch token', () => {
  it('refuses a handshake without the token, or with a wrong one, and closes', async () => {
    const core = makeCore();
    for (const token of [undefined, '', 'x', `${TOKEN}x`, TOKEN.slice(0, -1), 42, null, [TOKEN]]) {
      const { conn, reply } = await hello(core, token === undefined ? {} : { token });
      assert.equal(reply.status, false, `token ${JSON.stringify(token)} was accepted`);
      assert.match(reply.error, /wrong or missing token/);
      assert.equal(conn.closed, true);
      assert.equal(reply.error.includes(TOKEN), false);
    }
    assert.equal(core.sessions.size, 0);
  });

  it('accepts nothing before the entry authorizes a token, nor a malformed token', async () => {
    const core = makeCore();
    core.tokens = [];
    assert.equal(core.authorize(undefined), false);
    assert.equal(core.authorize('short'), false);
    const { reply } = await hello(core, { token: 'short' });
    assert.equal(reply.status, false);
  });

  it('keeps the sessions of one token invisible to another', async () => {
    const core = makeCore();
    core.authorize(OTHER);
    const mine = await hello(core, { token: TOKEN });
    assert.equal(mine.reply.status, true);
    const theirs = new TestConnection(core);
    theirs.send({ cmd: 'continue', session: mine.reply.session, protocol: 2, token: OTHER });
    const refused = JSON.parse(await theirs.nextRaw());
    assert.deepEqual(refused, { status: false, error: `no such session: ${mine.reply.session}` });
    const again = new TestConnection(core);
    again.send({ cmd: 'continue', session: mine.reply.session, protocol: 2, token: TOKEN });
    assert.equal(JSON.parse(await again.nextRaw()).status, true);
  });

  it(`keeps the last ${MAX_TOKENS} launches' tokens; the oldest goes with its sessions`, async () => {
    const core = makeCore();
    const first = await hello(core, { token: TOKEN });
    assert.equal(first.reply.status, true);
    for (let i = 0; i < MAX_TOKENS; i += 1) {
      core.authorize(`launch-${i}-0123456789abcdef`);
    }
    assert.equal(core.sessions.has(first.reply.session), false);
    assert.equal((await hello(core, { token: TOKEN })).reply.status, false);
    assert.equal((await hello(core, { token: `launch-0-0123456789abcdef` })).reply.status, true);
  });
});
