// PKCS#12 keystores (ssl.keystore.type=PKCS12, ssl.keystore.location, ssl.keystore.password): a .p12
// made by openssl from the test PKI serves an SSL listener that KafkaJS produces to and consumes from
// over TLS, presenting the keystore's certificate; a wrong keystore password stops the broker from
// starting with a sentence, never a half-working listener.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { startTestBroker } from '../helpers/broker.js';
import { createTestPki, type TestPki } from '../helpers/certificates.js';

let pki: TestPki;
let p12: string;
before(() => {
  pki = createTestPki();
  p12 = join(pki.dir, 'server.p12');
  execFileSync('openssl', ['pkcs12', '-export', '-in', pki.serverCert, '-inkey', pki.serverKey, '-name', 'broker', '-out', p12, '-passout', 'pass:p12-secret'], { stdio: 'pipe' });
});
after(() => pki.remove());

const config = (password: string): Record<string, string> => ({
  listeners: 'SSL://127.0.0.1:0',
  'ssl.keystore.type': 'PKCS12',
  'ssl.keystore.location': p12,
  'ssl.keystore.password': password,
});

test('an SSL listener from a PKCS#12 keystore: KafkaJS produces and consumes over TLS and sees the keystore certificate', async () => {
  const b = await startTestBroker({ config: config('p12-secret') });
  try {
    const at = b.broker.bootstrapOf('SSL');
    const [host, port] = [at.split(':')[0]!, Number(at.split(':')[1])];
    const presented = await new Promise<string>((resolve, reject) => {
      const s = tlsConnect({ host, port, ca: readFileSync(pki.caCert), servername: 'localhost' }, () => {
        resolve(s.getPeerX509Certificate()?.fingerprint256 ?? '');
        s.destroy();
      });
      s.once('error', reject);
    });
    assert.equal(presented, new X509Certificate(readFileSync(pki.serverCert)).fingerprint256);
    const kafka = new Kafka({ clientId: 'p12', brokers: [at], ssl: { ca: [readFileSync(pki.caCert, 'utf8')], servername: 'localhost' }, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'p12-topic', messages: [{ value: 'over pkcs12' }] });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: 'p12-group' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'p12-topic', fromBeginning: true });
    const got = await new Promise<string>((resolve) => {
      void consumer.run({ eachMessage: async ({ message }) => resolve(message.value?.toString() ?? '') });
    });
    await consumer.disconnect();
    assert.equal(got, 'over pkcs12');
  } finally {
    await b.close();
  }
});

test('a wrong PKCS#12 password stops the broker from starting, with a sentence naming the keystore', async () => {
  await assert.rejects(startTestBroker({ config: config('not-it') }), (e: Error) => /PKCS#12 keystore .*server\.p12 cannot be opened with ssl\.keystore\.password/.test(e.message));
});
