// AMQPS (AMQP 0-9-1 over TLS, RabbitMQ's 5671) with unmodified clients: amqplib (amqps://) and pika
// (ssl_options), the server certificate from the ssl.* keystore settings the Kafka SSL listeners
// use; a client that does not trust the server's certificate is refused while the plain listener
// keeps serving; `brook start --amqps-port` prints the port in its banner.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import amqplib from 'amqplib';
import type { TestBroker } from '../helpers/broker.js';
import { createTestPki, type TestPki } from '../helpers/certificates.js';
import { repoRoot } from '../helpers/paths.js';
import { expectSuccess, jsonLines, run } from '../helpers/processes.js';
import { SYSTEM_PYTHON } from '../helpers/real-clients.js';
import { connect, rejection, startAmqpBroker } from './amqp-helpers.js';
import { hasPika, requireOrSkip } from './real-amqp-clients.js';

let pki: TestPki;
let broker: TestBroker & { amqpUrl: string };
let tlsPort: number;
before(async () => {
  pki = createTestPki();
  broker = await startAmqpBroker({ 'brook.amqp.tls.port': '0', 'ssl.keystore.location': pki.serverKeystore });
  tlsPort = broker.broker.amqp!.tlsPort!;
});
after(async () => {
  await broker.close();
  pki.remove();
});

test('amqplib connects with amqps:// and a trusted CA; publish, confirm and get work as on the plain port', async () => {
  const c = await amqplib.connect(`amqps://guest:guest@localhost:${tlsPort}`, { ca: [readFileSync(pki.caCert)] });
  c.on('error', () => {});
  try {
    const ch = await c.createConfirmChannel();
    await ch.assertQueue('over-tls', { durable: true });
    ch.sendToQueue('over-tls', Buffer.from('secret'), { persistent: true });
    await ch.waitForConfirms();
    const m = await ch.get('over-tls', { noAck: true });
    assert.ok(m);
    assert.equal(m.content.toString(), 'secret');
  } finally {
    await c.close();
  }
});

test('a client that does not trust the certificate is refused; the plain listener keeps serving', async () => {
  const e = await rejection(amqplib.connect(`amqps://guest:guest@localhost:${tlsPort}`));
  assert.match(e.message, /self[- ]signed|unable to verify|certificate/i);
  const plain = await connect(broker.amqpUrl);
  const ch = await plain.createChannel();
  assert.equal((await ch.assertQueue('over-tls', { durable: true })).queue, 'over-tls');
  await plain.close();
});

const pikaSkip = requireOrSkip(hasPika, 'python3-pika');
test('pika connects with ssl_options over TLS 1.2+', { skip: pikaSkip }, async () => {
  const r = await run(SYSTEM_PYTHON, [join(repoRoot, 'test', 'amqp', 'fixtures', 'pika_tls.py'), String(tlsPort), pki.caCert], { limitMs: 60_000 });
  expectSuccess(r, 'pika_tls.py');
  const [line] = jsonLines<{ check: string; body: string; version: string }>(r.stdout);
  assert.equal(line?.body, 'over tls');
  assert.match(line?.version ?? '', /^TLSv1\.[23]$/);
});
