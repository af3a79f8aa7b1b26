// Bad input on the security paths: garbage inside SaslAuthenticate (PLAIN without NULs, a SCRAM
// client-first that is not SCRAM, an oversized token) and a slowloris TLS handshake (many TCP
// connections to the SSL listener, each sending part of a ClientHello and then nothing). Each is
// bounded (the failed-authentication path, or the TLS handshake timeout), logged, and a normal client
// is served meanwhile.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { createTestPki, type TestPki } from '../helpers/certificates.js';
import { WireClient } from '../broker/admin-wire.js';
import { apis } from '../../src/protocol/messages/index.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { createCredential, scramMechanism } from '../../src/broker/security/scram.js';

let pki: TestPki;
let b: TestBroker;
const port = (name: string) => Number(b.broker.bootstrapOf(name).split(':')[1]);

before(async () => {
  pki = createTestPki();
  b = await startTestBroker({
    config: {
      listeners: 'SASL_PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0',
      'ssl.keystore.location': pki.serverKeystore,
      'connection.failed.authentication.delay.ms': '20',
    },
  });
  const m = scramMechanism('SCRAM-SHA-256')!;
  await b.broker.state.security.credentials.change([{ user: 'alice', mechanism: m.name, credential: await createCredential(m, 'alice-pw') }], []);
});
after(async () => {
  await b?.close();
  pki?.remove();
});

/** A normal SASL client: produces one record and reads the topic list. */
async function normalSaslClientWorks(topic: string): Promise<void> {
  const kafka = new Kafka({ clientId: 'normal', brokers: [b.broker.bootstrapOf('SASL_PLAINTEXT')], sasl: { mechanism: 'scram-sha-256', username: 'alice', password: 'alice-pw' }, logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  const sent = await producer.send({ topic, messages: [{ value: 'ok' }] });
  assert.equal(sent[0]!.errorCode, 0);
  await producer.disconnect();
}

const auditFailures = () => b.logs.filter((r) => r.fields?.component === 'audit' && r.msg === 'authentication failed').length;

test('garbage inside SaslAuthenticate is refused (SASL_AUTHENTICATION_FAILED), closed and audited; a normal client is served after', async () => {
  const cases: [string, string, Buffer][] = [
    ['PLAIN without NULs', 'PLAIN', Buffer.from('alice alice-pw no separators at all')],
    ['SCRAM client-first that is not SCRAM', 'SCRAM-SHA-256', Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')],
    ['SCRAM client-first with binary junk', 'SCRAM-SHA-512', Buffer.from([0x6e, 0x2c, 0x2c, 0xff, 0xfe, 0x00, 0x01])],
  ];
  for (const [what, mechanism, token] of cases) {
    const before = auditFailures();
    const wire = await WireClient.connect(port('SASL_PLAINTEXT'));
    assert.equal((await wire.request(apis.SaslHandshake, 1, { mechanism })).errorCode, 0, what);
    const answer = await wire.request(apis.SaslAuthenticate, 2, { authBytes: token });
    assert.equal(answer.errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED, what);
    await wire.whenClosed();
    assert.equal(auditFailures(), before + 1, `${what}: one audit line`);
  }
  // An oversized token (Kafka's sasl.server.max.receive.size, 512 KiB by default) closes the connection
  // as soon as its size prefix arrives, before the broker buffers it: no answer, a log line.
  for (const [what, mechanism, token] of [
    ['oversized PLAIN token (4 MiB)', 'PLAIN', Buffer.concat([Buffer.from('\0alice\0'), Buffer.alloc(4 * 1024 * 1024, 0x61)])],
    ['oversized SCRAM client-first (1 MiB)', 'SCRAM-SHA-256', Buffer.concat([Buffer.from('n,,n=alice,r='), Buffer.alloc(1024 * 1024, 0x41)])],
  ] as const) {
    const wire = await WireClient.connect(port('SASL_PLAINTEXT'));
    assert.equal((await wire.request(apis.SaslHandshake, 1, { mechanism })).errorCode, 0, what);
    await assert.rejects(wire.request(apis.SaslAuthenticate, 2, { authBytes: token }), /connection closed/, what);
    await wire.whenClosed();
  }
  assert.ok(b.logs.filter((r) => r.msg === 'closing connection' && r.fields?.reason === 'request larger than sasl.server.max.receive.size before authentication').length >= 2);
  // The same over raw SASL tokens (SaslHandshake v0): garbage closes the connection.
  const raw = await WireClient.connect(port('SASL_PLAINTEXT'));
  assert.equal((await raw.request(apis.SaslHandshake, 0, { mechanism: 'SCRAM-SHA-256' })).errorCode, 0);
  const junk = Buffer.from('definitely not scram');
  const frame = Buffer.alloc(4 + junk.length);
  frame.writeInt32BE(junk.length, 0);
  junk.copy(frame, 4);
  raw.socket.write(frame);
  await raw.whenClosed();
  await normalSaslClientWorks('bad-input-sasl');
});

test('slowloris TLS handshakes (partial ClientHello, then silence) are closed by the handshake timeout and logged; TLS clients are served meanwhile', { timeout: 120_000 }, async () => {
  const before = b.logs.filter((r) => r.msg === 'TLS handshake failed').length;
  // A TLS record header announcing a 512-byte handshake record, and the first bytes of a ClientHello.
  const partial = Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, 0x11, 0x22]);
  const stalled: Socket[] = [];
  const closed: Promise<void>[] = [];
  for (let i = 0; i < 50; i++) {
    const s = await new Promise<Socket>((resolve, reject) => {
      const sock = connect({ host: '127.0.0.1', port: port('SSL') }, () => resolve(sock));
      sock.once('error', reject);
    });
    s.on('error', () => undefined);
    closed.push(new Promise((resolve) => s.once('close', () => resolve())));
    s.write(partial);
    stalled.push(s);
  }
  // While fifty handshakes hang, a real TLS client produces and consumes.
  const kafka = new Kafka({ clientId: 'tls-normal', brokers: [b.broker.bootstrapOf('SSL')], ssl: { ca: [readFileSync(pki.caCert)] }, logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  assert.equal((await producer.send({ topic: 'bad-input-tls', messages: [{ value: 'served' }] }))[0]!.errorCode, 0);
  await producer.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets('bad-input-tls');
  assert.equal(offsets[0]!.high, '1');
  await admin.disconnect();
  // Every stalled handshake is closed by the broker (TLS handshake timeout, 10 s), none by us.
  await Promise.all(closed);
  assert.ok(stalled.every((s) => s.destroyed));
  const logged = b.logs.filter((r) => r.msg === 'TLS handshake failed').length - before;
  assert.ok(logged >= 50, `each timed-out handshake is logged (${logged})`);
  assert.ok(b.logs.some((r) => r.msg === 'TLS handshake failed' && /timeout/i.test(String(r.fields?.error))), 'the log names the timeout');
});
