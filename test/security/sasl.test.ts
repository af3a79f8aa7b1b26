// SASL on SASL_PLAINTEXT and SASL_SSL listeners with unmodified clients: users made with `brook user
// create` (AlterUserScramCredentials over the wire), then kcat and confluent-kafka (librdkafka) with
// SCRAM-SHA-256, SCRAM-SHA-512 and PLAIN, KafkaJS with SCRAM, and the Brook CLI itself authenticating.
// The right password works; a wrong one is refused with SASL_AUTHENTICATION_FAILED, closed, and
// audited. Credentials survive a restart and the stored file holds no password.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { createTestPki, type TestPki } from '../helpers/certificates.js';
import { clients, skipUnless } from '../helpers/real-clients.js';
import { expectSuccess, jsonLines, run, runPython } from '../helpers/processes.js';
import { brook, tableRows } from '../cli/cli-harness.js';
import { WireClient } from '../broker/admin-wire.js';
import { apis } from '../../src/protocol/messages/index.js';
import { ErrorCode } from '../../src/protocol/errors.js';

let pki: TestPki;
let b: TestBroker;
const config = (): Record<string, string> => ({
  listeners: 'PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0',
  'ssl.keystore.location': pki.serverKeystore,
  'connection.failed.authentication.delay.ms': '50',
});

before(async () => {
  pki = createTestPki();
  b = await startTestBroker({ config: config() });
  const plain = b.broker.bootstrapOf('PLAINTEXT');
  expectSuccess(await brook(plain, ['user', 'create', 'alice', '--password', 'alice-secret']), 'brook user create alice');
  expectSuccess(await brook(plain, ['user', 'create', 'bob', '--password', 'bob-secret', '--mechanism', 'SCRAM-SHA-512', '--iterations', '4096']), 'brook user create bob');
});
after(async () => {
  await b.close();
  pki.remove();
});

const kcatSasl = (mechanism: string, user: string, password: string, ssl: boolean): string[] => [
  '-X', `security.protocol=${ssl ? 'SASL_SSL' : 'SASL_PLAINTEXT'}`, '-X', `sasl.mechanisms=${mechanism}`, '-X', `sasl.username=${user}`, '-X', `sasl.password=${password}`,
  ...(ssl ? ['-X', `ssl.ca.location=${pki.caCert}`] : []),
];

test('brook user list shows the users with mechanisms and iterations (DescribeUserScramCredentials)', async () => {
  const r = await brook(b.broker.bootstrapOf('PLAINTEXT'), ['user', 'list']);
  expectSuccess(r, 'brook user list');
  assert.deepEqual(tableRows(r.stdout).slice(1), [
    ['alice', 'SCRAM-SHA-256', '8192'],
    ['alice', 'SCRAM-SHA-512', '8192'],
    ['bob', 'SCRAM-SHA-512', '4096'],
  ]);
});

test('kcat over SASL_PLAINTEXT: SCRAM-SHA-256 and PLAIN with the right password produce and consume; a wrong password is refused', { skip: skipUnless(clients.kcat(), 'kcat') }, async () => {
  const at = b.broker.bootstrapOf('SASL_PLAINTEXT');
  const p = await run('kcat', ['-b', at, ...kcatSasl('SCRAM-SHA-256', 'alice', 'alice-secret', false), '-P', '-t', 'sasl-kcat', '-X', 'topic.request.required.acks=all'], { input: 'a\nb\n', limitMs: 30_000 });
  expectSuccess(p, 'kcat -P SCRAM-SHA-256');
  const c = await run('kcat', ['-b', at, ...kcatSasl('PLAIN', 'alice', 'alice-secret', false), '-C', '-t', 'sasl-kcat', '-o', 'beginning', '-e'], { limitMs: 30_000 });
  expectSuccess(c, 'kcat -C PLAIN');
  assert.deepEqual(c.stdout.trim().split('\n'), ['a', 'b']);
  for (const mechanism of ['SCRAM-SHA-256', 'PLAIN']) {
    const wrong = await run('kcat', ['-b', at, ...kcatSasl(mechanism, 'alice', 'not-it', false), '-L', '-m', '5'], { limitMs: 30_000 });
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /Authentication failed|SASL authentication error/i);
  }
  const audit = b.logs.filter((r) => r.fields?.component === 'audit' && r.msg === 'authentication failed');
  assert.ok(audit.length >= 2, 'each failed authentication is an audit line');
});

// argv: bootstrap ca mechanism user password topic
const CONFLUENT_SASL_SSL = `
import json, sys
from confluent_kafka import Producer, Consumer, TopicPartition, OFFSET_BEGINNING, KafkaException
bootstrap, ca, mechanism, user, password, topic, wait = sys.argv[1:8]
conf = {'bootstrap.servers': bootstrap, 'security.protocol': 'SASL_SSL', 'ssl.ca.location': ca, 'sasl.mechanism': mechanism, 'sasl.username': user, 'sasl.password': password}
errors = []
def on_error(e): errors.append(e.name())
p = Producer(dict(conf, acks='all', error_cb=on_error))
for i in range(3):
    p.produce(topic, value=('%s-%d' % (mechanism, i)).encode(), partition=0)
left = p.flush(float(wait))
if left:
    print(json.dumps({'unflushed': left, 'errors': errors}))
    sys.exit(0)
c = Consumer(dict(conf, **{'group.id': 'sasl-ssl-' + mechanism, 'enable.auto.commit': False}))
c.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
got = []
while len(got) < 3:
    m = c.poll(10)
    assert m is not None, 'timed out consuming'
    if m.error(): continue
    got.append(m.value().decode())
c.close()
print(json.dumps({'got': got, 'errors': errors}))
`;

test('confluent-kafka over SASL_SSL: SCRAM-SHA-512 and PLAIN work; a wrong password gets SASL authentication failed', { skip: skipUnless(clients.confluentKafka(), 'confluent-kafka') }, async () => {
  const at = b.broker.bootstrapOf('SASL_SSL');
  for (const mechanism of ['SCRAM-SHA-512', 'PLAIN']) {
    const r = await runPython(CONFLUENT_SASL_SSL, [at, pki.caCert, mechanism, 'bob', 'bob-secret', `sasl-ssl-${mechanism}`, '30'], { limitMs: 60_000 });
    expectSuccess(r, `confluent-kafka ${mechanism}`);
    const out = jsonLines<{ got?: string[] }>(r.stdout)[0]!;
    assert.deepEqual(out.got, [0, 1, 2].map((i) => `${mechanism}-${i}`));
  }
  const wrong = await runPython(CONFLUENT_SASL_SSL, [at, pki.caCert, 'SCRAM-SHA-512', 'bob', 'wrong', 'sasl-ssl-wrong', '3'], { limitMs: 60_000 });
  expectSuccess(wrong, 'confluent-kafka with a wrong password');
  const out = jsonLines<{ unflushed?: number; errors: string[] }>(wrong.stdout)[0]!;
  assert.ok((out.unflushed ?? 0) > 0, 'nothing may be produced with a wrong password');
  assert.ok(out.errors.includes('_AUTHENTICATION'), `errors: ${out.errors.join(', ')}`);
  // bob has no SCRAM-SHA-256 credential: that mechanism fails for him too.
  const r256 = await runPython(CONFLUENT_SASL_SSL, [at, pki.caCert, 'SCRAM-SHA-256', 'bob', 'bob-secret', 'sasl-ssl-256', '3'], { limitMs: 60_000 });
  assert.ok((jsonLines<{ unflushed?: number }>(r256.stdout)[0]?.unflushed ?? 0) > 0);
});

test('KafkaJS with SCRAM-SHA-256 over SASL_PLAINTEXT: the right password produces; a wrong one throws a SASL authentication error', async () => {
  const make = (password: string) =>
    new Kafka({ clientId: 'sasl-kafkajs', brokers: [b.broker.bootstrapOf('SASL_PLAINTEXT')], sasl: { mechanism: 'scram-sha-256', username: 'alice', password }, logLevel: logLevel.NOTHING, retry: { retries: 0 } });
  const producer = make('alice-secret').producer();
  await producer.connect();
  const sent = await producer.send({ topic: 'sasl-kafkajs', messages: [{ value: 'hello' }] });
  assert.equal(sent[0]!.errorCode, 0);
  await producer.disconnect();
  const bad = make('wrong').producer();
  await assert.rejects(bad.connect(), (e: Error) => e.name === 'KafkaJSSASLAuthenticationError' || /SASL_AUTHENTICATION_FAILED|Authentication failed/.test(e.message));
  await bad.disconnect().catch(() => undefined);
});

test('the Brook CLI authenticates with BROOK_SASL_* (over SASL_SSL with BROOK_TLS_CA) and is refused with a wrong password', async () => {
  const env = { BROOK_SASL_MECHANISM: 'SCRAM-SHA-512', BROOK_SASL_USERNAME: 'alice', BROOK_SASL_PASSWORD: 'alice-secret', BROOK_TLS_CA: pki.caCert };
  const ok = await brook(b.broker.bootstrapOf('SASL_SSL'), ['user', 'list'], { env });
  expectSuccess(ok, 'brook user list over SASL_SSL');
  assert.match(ok.stdout, /bob/);
  const refused = await brook(b.broker.bootstrapOf('SASL_SSL'), ['topic', 'list'], { env: { ...env, BROOK_SASL_PASSWORD: 'nope' } });
  assert.notEqual(refused.code, 0);
});

test('wire: nothing but ApiVersions and SASL before authentication; SaslHandshake names the enabled mechanisms; ILLEGAL_SASL_STATE off SASL listeners', async () => {
  const port = (name: string) => Number(b.broker.bootstrapOf(name).split(':')[1]);
  const sasl = await WireClient.connect(port('SASL_PLAINTEXT'));
  const versions = await sasl.request(apis.ApiVersions, 3, { clientSoftwareName: 'wire', clientSoftwareVersion: '1' });
  assert.equal(versions.errorCode, 0);
  const handshake = await sasl.request(apis.SaslHandshake, 1, { mechanism: 'GSSAPI' });
  assert.equal(handshake.errorCode, ErrorCode.UNSUPPORTED_SASL_MECHANISM);
  assert.deepEqual(handshake.mechanisms, ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']);
  await sasl.whenClosed();
  const early = await WireClient.connect(port('SASL_PLAINTEXT'));
  await assert.rejects(early.request(apis.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }), /connection closed/);
  assert.ok(b.logs.some((r) => r.msg === 'closing connection' && r.fields?.reason === 'request before SASL authentication'));
  const plain = await WireClient.connect(port('PLAINTEXT'));
  assert.equal((await plain.request(apis.SaslHandshake, 1, { mechanism: 'PLAIN' })).errorCode, ErrorCode.ILLEGAL_SASL_STATE);
  assert.equal((await plain.request(apis.SaslAuthenticate, 2, { authBytes: Buffer.from('\0a\0b') })).errorCode, ErrorCode.ILLEGAL_SASL_STATE);
  // Garbage in the exchange: refused and closed, the broker keeps serving.
  const garbage = await WireClient.connect(port('SASL_PLAINTEXT'));
  assert.equal((await garbage.request(apis.SaslHandshake, 1, { mechanism: 'SCRAM-SHA-256' })).errorCode, 0);
  const answer = await garbage.request(apis.SaslAuthenticate, 2, { authBytes: Buffer.from([0xff, 0x00, 0x13, 0x37]) });
  assert.equal(answer.errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED);
  await garbage.whenClosed();
  plain.close();
});

test('AlterUserScramCredentials errors as Kafka answers them: duplicate user, too few iterations, unknown mechanism, deleting what does not exist', async () => {
  const wire = await WireClient.connect(Number(b.broker.bootstrapOf('PLAINTEXT').split(':')[1]));
  const upsert = (name: string, mechanism: number, iterations: number) => ({ name, mechanism, iterations, salt: Buffer.alloc(16, 1), saltedPassword: Buffer.alloc(mechanism === 2 ? 64 : 32, 2) });
  const r = await wire.request(apis.AlterUserScramCredentials, 0, {
    deletions: [{ name: 'carol', mechanism: 1 }, { name: 'dup', mechanism: 1 }],
    upsertions: [upsert('dup', 1, 4096), upsert('few', 1, 100), upsert('odd', 9, 4096), upsert('', 1, 4096)],
  });
  const byUser = Object.fromEntries(r.results.map((x) => [x.user, x.errorCode]));
  assert.deepEqual(byUser, {
    carol: ErrorCode.RESOURCE_NOT_FOUND,
    dup: ErrorCode.DUPLICATE_RESOURCE,
    few: ErrorCode.UNACCEPTABLE_CREDENTIAL,
    odd: ErrorCode.UNSUPPORTED_SASL_MECHANISM,
    '': ErrorCode.UNACCEPTABLE_CREDENTIAL,
  });
  const d = await wire.request(apis.DescribeUserScramCredentials, 0, { users: [{ name: 'alice' }, { name: 'nobody' }, { name: 'bob' }, { name: 'bob' }] });
  assert.deepEqual(
    d.results.map((x) => [x.user, x.errorCode]),
    [['alice', 0], ['nobody', ErrorCode.RESOURCE_NOT_FOUND], ['bob', ErrorCode.DUPLICATE_RESOURCE]],
  );
  wire.close();
});

test('credentials are durable under meta/, hold no password, and still authenticate after a restart; brook user delete removes them', { skip: skipUnless(clients.kcat(), 'kcat') }, async () => {
  const stored = readFileSync(join(b.dataDir, 'meta', 'scram-credentials'), 'utf8');
  assert.ok(!stored.includes('alice-secret') && !stored.includes(Buffer.from('alice-secret').toString('base64')));
  assert.match(stored, /"storedKey"/);
  b = await b.restart({ config: config() });
  const at = b.broker.bootstrapOf('SASL_PLAINTEXT');
  expectSuccess(await run('kcat', ['-b', at, ...kcatSasl('SCRAM-SHA-512', 'alice', 'alice-secret', false), '-L'], { limitMs: 30_000 }), 'kcat after restart');
  expectSuccess(await brook(b.broker.bootstrapOf('PLAINTEXT'), ['user', 'delete', 'alice']), 'brook user delete');
  const gone = await run('kcat', ['-b', at, ...kcatSasl('SCRAM-SHA-512', 'alice', 'alice-secret', false), '-L', '-m', '5'], { limitMs: 30_000 });
  assert.notEqual(gone.code, 0);
});
