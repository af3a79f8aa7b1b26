// Listeners as Kafka configures them (listeners, listener.security.protocol.map, advertised.listeners)
// with TLS from PEM files: unmodified librdkafka (kcat, confluent-kafka) produces and consumes over
// SSL and mutual TLS, the client certificate becomes the principal (ssl.principal.mapping.rules), and
// what must be refused is refused: no or an untrusted client certificate when one is required, a TLS
// version outside ssl.enabled.protocols, plaintext on the TLS port and TLS on the plaintext port.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tlsConnect } from 'node:tls';
import { connect as netConnect } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { createTestPki, type TestPki } from '../helpers/certificates.js';
import { clients, skipUnless } from '../helpers/real-clients.js';
import { expectSuccess, jsonLines, run, runPython } from '../helpers/processes.js';
import { PrincipalMapper, rfc2253Subject } from '../../src/broker/security/principal.js';

let pki: TestPki;
before(() => {
  pki = createTestPki({ alice: '/O=Brook Test/OU=payments/CN=alice', bob: '/O=Brook Test/CN=bob' });
});
after(() => pki.remove());

const sslClient = (extra: string[] = []): string[] => ['-X', 'security.protocol=SSL', '-X', `ssl.ca.location=${pki.caCert}`, ...extra];
const withCert = (name: string): string[] => {
  const c = name === 'rogue' ? pki.rogue : pki.client(name);
  return ['-X', `ssl.certificate.location=${c.cert}`, '-X', `ssl.key.location=${c.key}`];
};

async function withBroker(config: Record<string, string>, body: (b: TestBroker) => Promise<void>): Promise<void> {
  const b = await startTestBroker({ config: { 'ssl.keystore.location': pki.serverKeystore, 'ssl.truststore.location': pki.caCert, ...config } });
  try {
    await body(b);
  } finally {
    await b.close();
  }
}

/** Waits (bounded) until the broker's captured log has a record matching `pred`. */
async function logged(b: TestBroker, pred: (r: TestBroker['logs'][number]) => boolean): Promise<TestBroker['logs'][number]> {
  for (let i = 0; i < 500; i++) {
    const hit = b.logs.find(pred);
    if (hit) return hit;
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('expected log record never appeared');
}

test('PLAINTEXT and SSL listeners side by side: kcat produces over TLS, consumes over both, Metadata advertises the listener asked', { skip: skipUnless(clients.kcat(), 'kcat') }, async () => {
  await withBroker({ listeners: 'PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0' }, async (b) => {
    const ssl = b.broker.bootstrapOf('SSL');
    const plain = b.broker.bootstrapOf('PLAINTEXT');
    assert.notEqual(ssl, plain);
    const produced = await run('kcat', ['-b', ssl, ...sslClient(), '-P', '-t', 'tls-topic', '-K', ':', '-X', 'topic.request.required.acks=all'], { input: 'k1:one\nk2:two\n', limitMs: 30_000 });
    expectSuccess(produced, 'kcat -P over SSL');
    for (const [bootstrap, extra] of [[ssl, sslClient()], [plain, []]] as const) {
      const consumed = await run('kcat', ['-b', bootstrap, ...extra, '-C', '-t', 'tls-topic', '-o', 'beginning', '-e', '-f', '%k=%s\\n'], { limitMs: 30_000 });
      expectSuccess(consumed, `kcat -C via ${bootstrap}`);
      assert.deepEqual(consumed.stdout.trim().split('\n'), ['k1=one', 'k2=two']);
    }
    const meta = await run('kcat', ['-b', ssl, ...sslClient(), '-L', '-J'], { limitMs: 30_000 });
    expectSuccess(meta, 'kcat -L over SSL');
    const brokers = (jsonLines<{ brokers: { name: string }[] }>(meta.stdout)[0]!).brokers;
    assert.deepEqual(brokers.map((x) => x.name), [ssl]);
  });
});

test('advertised.listeners and listener.security.protocol.map: a custom listener name over SSL advertises its configured host', async () => {
  await withBroker({ listeners: 'CLIENTS://127.0.0.1:0,INTERNAL://127.0.0.1:0', 'listener.security.protocol.map': 'CLIENTS:SSL,INTERNAL:PLAINTEXT', 'advertised.listeners': 'CLIENTS://localhost:0' }, async (b) => {
    const ls = b.broker.listeners();
    assert.deepEqual(ls.map((l) => [l.name, l.protocol]), [['CLIENTS', 'SSL'], ['INTERNAL', 'PLAINTEXT']]);
    assert.match(b.broker.bootstrapOf('CLIENTS'), /^localhost:\d+$/);
    // The TLS listener really speaks TLS, with the configured server certificate.
    const port = ls[0]!.port;
    const cn = await new Promise<string>((resolve, reject) => {
      const s = tlsConnect({ host: '127.0.0.1', port, ca: readFileSync(pki.caCert), servername: 'localhost' }, () => {
        resolve(s.getPeerX509Certificate()!.subject);
        s.end();
      });
      s.on('error', reject);
    });
    assert.match(cn, /CN=localhost/);
  });
});

test('ssl.enabled.protocols: TLS 1.3 only refuses a TLS 1.2 client; the default negotiates 1.3 and accepts 1.2', async () => {
  const negotiate = (port: number, maxVersion: 'TLSv1.2' | 'TLSv1.3'): Promise<string> =>
    new Promise((resolve) => {
      const s = tlsConnect({ host: '127.0.0.1', port, ca: readFileSync(pki.caCert), servername: 'localhost', maxVersion }, () => {
        resolve(s.getProtocol() ?? 'none');
        s.end();
      });
      s.on('error', (e) => resolve(`refused: ${e.message}`));
    });
  await withBroker({ listeners: 'SSL://127.0.0.1:0' }, async (b) => {
    assert.equal(await negotiate(b.port, 'TLSv1.3'), 'TLSv1.3');
    assert.equal(await negotiate(b.port, 'TLSv1.2'), 'TLSv1.2');
  });
  await withBroker({ listeners: 'SSL://127.0.0.1:0', 'ssl.enabled.protocols': 'TLSv1.3' }, async (b) => {
    assert.match(await negotiate(b.port, 'TLSv1.2'), /^refused/);
    await logged(b, (r) => r.msg === 'TLS handshake failed');
    assert.equal(await negotiate(b.port, 'TLSv1.3'), 'TLSv1.3');
  });
});

// argv: bootstrap ca cert key topic
const CONFLUENT_MTLS = `
import json, sys
from confluent_kafka import Producer, Consumer, TopicPartition, OFFSET_BEGINNING
bootstrap, ca, cert, key, topic = sys.argv[1:6]
conf = {'bootstrap.servers': bootstrap, 'security.protocol': 'SSL', 'ssl.ca.location': ca, 'ssl.certificate.location': cert, 'ssl.key.location': key}
p = Producer(dict(conf, acks='all'))
errors = []
for i in range(5):
    p.produce(topic, value=('m%d' % i).encode(), partition=0, on_delivery=lambda e, m: e and errors.append(str(e)))
assert p.flush(30) == 0
c = Consumer(dict(conf, **{'group.id': 'mtls-unused', 'enable.auto.commit': False}))
c.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
got = []
while len(got) < 5:
    m = c.poll(10)
    assert m is not None, 'timed out consuming'
    if m.error(): continue
    got.append(m.value().decode())
c.close()
print(json.dumps({'errors': errors, 'got': got}))
`;

test('ssl.client.auth=required (per listener): confluent-kafka with a trusted certificate works and becomes its principal; none or an untrusted one is refused', { skip: skipUnless(clients.confluentKafka() && clients.kcat(), 'confluent-kafka and kcat') }, async () => {
  await withBroker({ listeners: 'PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0', 'listener.name.ssl.ssl.client.auth': 'required' }, async (b) => {
    const ssl = b.broker.bootstrapOf('SSL');
    const alice = pki.client('alice');
    const r = await runPython(CONFLUENT_MTLS, [ssl, pki.caCert, alice.cert, alice.key, 'mtls-topic'], { limitMs: 60_000 });
    expectSuccess(r, 'confluent-kafka over mTLS');
    const out = jsonLines<{ errors: string[]; got: string[] }>(r.stdout)[0]!;
    assert.deepEqual(out, { errors: [], got: ['m0', 'm1', 'm2', 'm3', 'm4'] });
    const auth = await logged(b, (x) => x.msg === 'TLS client authenticated');
    assert.equal(auth.fields?.principal, 'User:CN=alice,OU=payments,O=Brook Test');
    for (const who of [[], withCert('rogue')]) {
      const refused = await run('kcat', ['-b', ssl, ...sslClient(who), '-L', '-m', '3'], { limitMs: 30_000 });
      assert.notEqual(refused.code, 0, 'kcat without a trusted certificate must fail');
    }
    // The plaintext listener does not ask for certificates.
    expectSuccess(await run('kcat', ['-b', b.broker.bootstrapOf('PLAINTEXT'), '-L'], { limitMs: 30_000 }), 'kcat -L over PLAINTEXT');
  });
});

test('ssl.client.auth=requested with mapping rules: no certificate is fine, a trusted one maps to its rule, an untrusted one is refused', { skip: skipUnless(clients.kcat(), 'kcat') }, async () => {
  const rules = 'RULE:^CN=([^,]+),OU=payments,.*$/$1/U,RULE:^CN=([^,]+),.*$/$1/L,DEFAULT';
  await withBroker({ listeners: 'SSL://127.0.0.1:0', 'ssl.client.auth': 'requested', 'ssl.principal.mapping.rules': rules }, async (b) => {
    expectSuccess(await run('kcat', ['-b', b.bootstrap, ...sslClient(), '-L'], { limitMs: 30_000 }), 'kcat without a certificate');
    expectSuccess(await run('kcat', ['-b', b.bootstrap, ...sslClient(withCert('alice')), '-L'], { limitMs: 30_000 }), 'kcat as alice');
    expectSuccess(await run('kcat', ['-b', b.bootstrap, ...sslClient(withCert('bob')), '-L'], { limitMs: 30_000 }), 'kcat as bob');
    const principals = b.logs.filter((x) => x.msg === 'TLS client authenticated').map((x) => x.fields?.principal);
    assert.ok(principals.includes('User:ALICE') && principals.includes('User:bob'), `principals seen: ${principals.join(', ')}`);
    const rogue = await run('kcat', ['-b', b.bootstrap, ...sslClient(withCert('rogue')), '-L', '-m', '3'], { limitMs: 30_000 });
    assert.notEqual(rogue.code, 0);
    await logged(b, (x) => x.msg === 'TLS client certificate refused' || x.msg === 'TLS handshake failed');
  });
});

test('principal mapping: RFC 2253 subject of a certificate, rules applied in order', () => {
  const dn = rfc2253Subject(new X509Certificate(readFileSync(pki.client('alice').cert)));
  assert.equal(dn, 'CN=alice,OU=payments,O=Brook Test');
  assert.equal(new PrincipalMapper('DEFAULT').map(dn), dn);
  assert.equal(new PrincipalMapper('RULE:^CN=(.*?),OU=(.*?),.*$/$1@$2/L').map(dn), 'alice@payments');
  assert.equal(new PrincipalMapper('RULE:^CN=nobody$/x/').map(dn), null);
  assert.throws(() => new PrincipalMapper('RULE:broken'));
});

test('bad input: plaintext Kafka on the TLS port and a TLS ClientHello on the plaintext port are closed and logged; the broker keeps serving', { skip: skipUnless(clients.kcat(), 'kcat') }, async () => {
  await withBroker({ listeners: 'PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0' }, async (b) => {
    const plainPort = b.broker.listeners()[0]!.port;
    const sslPort = b.broker.listeners()[1]!.port;
    // kcat speaking plaintext to the TLS port: its metadata request fails.
    const wrong = await run('kcat', ['-b', `127.0.0.1:${sslPort}`, '-L', '-m', '3'], { limitMs: 30_000 });
    assert.notEqual(wrong.code, 0);
    await logged(b, (r) => r.msg === 'TLS handshake failed');
    // A TLS client on the plaintext port: its ClientHello is a frame size far past socket.request.max.bytes.
    await new Promise<void>((resolve) => {
      const s = tlsConnect({ host: '127.0.0.1', port: plainPort, servername: 'localhost', rejectUnauthorized: false });
      s.on('error', () => resolve());
      s.on('close', () => resolve());
    });
    await logged(b, (r) => r.msg === 'closing connection' && r.fields?.reason === 'bad frame');
    expectSuccess(await run('kcat', ['-b', b.broker.bootstrapOf('SSL'), ...sslClient(), '-L'], { limitMs: 30_000 }), 'kcat over SSL afterwards');
    // A raw TCP client that never finishes its handshake is not counted as a Kafka connection.
    const idle = netConnect(sslPort, '127.0.0.1');
    await new Promise((r) => idle.once('connect', r));
    assert.equal(b.broker.networkStats().connections, 0);
    idle.destroy();
  });
});

test('certificate reload: a renewed keystore file is noticed and served to new connections without a restart; one that does not load changes nothing', async () => {
  const keystore = pki.serverKeystore + '.reloadable';
  writeFileSync(keystore, readFileSync(pki.serverKeystore));
  await withBroker({ listeners: 'SSL://127.0.0.1:0', 'ssl.keystore.location': keystore, 'brook.ssl.reload.check.interval.ms': '100' }, async (b) => {
    const serial = (ca: string): Promise<string> =>
      new Promise((resolve, reject) => {
        const s = tlsConnect({ host: '127.0.0.1', port: b.port, ca: readFileSync(ca), servername: 'localhost' }, () => {
          resolve(s.getPeerX509Certificate()!.serialNumber);
          s.end();
        });
        s.on('error', reject);
      });
    const before = await serial(pki.caCert);
    // A half-written renewal (no certificate yet) is refused: the port keeps serving the old one.
    writeFileSync(keystore, readFileSync(pki.serverKeystore, 'utf8').replace(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g, ''));
    await logged(b, (r) => r.msg === 'renewed TLS files do not load yet; the ports keep their certificates');
    assert.equal(await serial(pki.caCert), before);
    const renewed = createTestPki();
    try {
      // The renewed chain comes with its own CA here, which the client then trusts.
      writeFileSync(keystore, readFileSync(renewed.serverKeystore));
      await logged(b, (r) => r.msg === 'TLS certificates reloaded');
      assert.notEqual(await serial(renewed.caCert), before);
    } finally {
      renewed.remove();
    }
  });
});
