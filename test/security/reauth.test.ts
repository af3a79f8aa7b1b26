// KIP-368 re-authentication with connections.max.reauth.ms: SaslAuthenticate v1+ tells the client its
// session lifetime; @platformatic/kafka re-authenticates on the same connection before it runs out and
// keeps working; a raw client that does not re-authenticate is closed at its first request after expiry;
// a re-authentication as another user is refused and closes the connection.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Admin } from '@platformatic/kafka';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { expectSuccess } from '../helpers/processes.js';
import { brook } from '../cli/cli-harness.js';
import { WireClient } from '../broker/admin-wire.js';
import { apis } from '../../src/protocol/messages/index.js';
import { ErrorCode } from '../../src/protocol/errors.js';

const LIFETIME_MS = 1500;
let b: TestBroker;
let saslPort: number;

before(async () => {
  b = await startTestBroker({
    config: { listeners: 'PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0', 'connections.max.reauth.ms': String(LIFETIME_MS), 'connection.failed.authentication.delay.ms': '0' },
  });
  const plain = b.broker.bootstrapOf('PLAINTEXT');
  expectSuccess(await brook(plain, ['user', 'create', 'ann', '--password', 'ann-secret']), 'user ann');
  expectSuccess(await brook(plain, ['user', 'create', 'ben', '--password', 'ben-secret']), 'user ben');
  saslPort = Number(b.broker.bootstrapOf('SASL_PLAINTEXT').split(':')[1]);
});
after(async () => {
  await b.close();
});

async function plainLogin(w: WireClient, user: string, password: string): Promise<{ errorCode: number; sessionLifetimeMs: bigint }> {
  assert.equal((await w.request(apis.SaslHandshake, 1, { mechanism: 'PLAIN' })).errorCode, ErrorCode.NONE);
  return w.request(apis.SaslAuthenticate, 2, { authBytes: Buffer.from(`\0${user}\0${password}`) });
}

const metadata = (w: WireClient) => w.request(apis.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });

/** Resolves once `ms` have passed on the clock (the condition waited for is the session's expiry itself). */
async function clockPast(deadline: number): Promise<void> {
  while (Date.now() <= deadline) await new Promise((r) => setTimeout(r, Math.max(10, deadline - Date.now() + 5)));
}

test('SaslAuthenticate answers the session lifetime; without re-authentication the next request after expiry closes the connection', async () => {
  const w = await WireClient.connect(saslPort);
  const auth = await plainLogin(w, 'ann', 'ann-secret');
  assert.equal(auth.errorCode, ErrorCode.NONE);
  assert.ok(auth.sessionLifetimeMs > 0n && auth.sessionLifetimeMs <= BigInt(LIFETIME_MS), `lifetime ${auth.sessionLifetimeMs}`);
  const at = Date.now();
  assert.equal((await metadata(w)).brokers.length, 1);
  await clockPast(at + Number(auth.sessionLifetimeMs));
  await assert.rejects(metadata(w), /connection closed/);
  assert.ok(b.logs.some((r) => r.msg === 'closing connection' && String(r.fields?.reason).includes('SASL session expired')));
});

test('re-authenticating on the same connection extends the session; changing the principal is refused and closes it', async () => {
  const w = await WireClient.connect(saslPort);
  const first = await plainLogin(w, 'ann', 'ann-secret');
  const again = await plainLogin(w, 'ann', 'ann-secret');
  assert.equal(again.errorCode, ErrorCode.NONE);
  assert.ok(again.sessionLifetimeMs > 0n);
  assert.equal((await metadata(w)).brokers.length, 1);
  // Another mechanism is refused.
  const other = await w.request(apis.SaslHandshake, 1, { mechanism: 'SCRAM-SHA-256' });
  assert.equal(other.errorCode, ErrorCode.UNSUPPORTED_SASL_MECHANISM);
  await w.whenClosed();
  const x = await WireClient.connect(saslPort);
  assert.equal((await plainLogin(x, 'ann', 'ann-secret')).errorCode, ErrorCode.NONE);
  const swap = await plainLogin(x, 'ben', 'ben-secret');
  assert.equal(swap.errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED);
  await x.whenClosed();
  assert.ok(first.sessionLifetimeMs > 0n);
});

test('@platformatic/kafka re-authenticates on its connection before the session ends and keeps being served', async () => {
  const admin = new Admin({ clientId: 'reauth', bootstrapBrokers: [b.broker.bootstrapOf('SASL_PLAINTEXT')], sasl: { mechanism: 'SCRAM-SHA-512', username: 'ben', password: 'ben-secret' } });
  const expiredCloses = (): number => b.logs.filter((r) => r.msg === 'closing connection' && String(r.fields?.reason).includes('SASL session expired')).length;
  const closedBefore = expiredCloses();
  const reauths = (): number => b.logs.filter((r) => r.msg === 'SASL re-authenticated' && r.fields?.principal === 'User:ben').length;
  try {
    // Requests keep flowing across three session lifetimes; the condition is the broker's own record
    // of two re-authentications of this principal.
    while (reauths() < 2) {
      const md = await admin.metadata({ topics: [], forceUpdate: true });
      assert.ok(md.brokers.size >= 1);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.close();
  }
  assert.equal(expiredCloses(), closedBefore, 'no connection of the re-authenticating client expired');
});
