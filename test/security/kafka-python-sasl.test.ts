// kafka-python (Debian's python3-kafka under /usr/bin/python3) over SASL_PLAINTEXT and SASL_SSL:
// SCRAM-SHA-256, SCRAM-SHA-512 and PLAIN produce and consume; a wrong password never authenticates;
// a topic the principal has no ACL for answers TOPIC_AUTHORIZATION_FAILED, which kafka-python maps to
// TopicAuthorizationFailedError.
//
// kafka-python 2.0.2 authenticates with SaslHandshake v0 and raw SASL tokens (no SaslAuthenticate),
// so on a wrong password Kafka (and Brook) can only close the connection: the client sees the
// connection drop during authentication (KafkaConnectionError) and never becomes ready.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { createTestPki, type TestPki } from '../helpers/certificates.js';
import { clients, skipUnless } from '../helpers/real-clients.js';
import { expectSuccess, jsonLines, runPython } from '../helpers/processes.js';
import { brook } from '../cli/cli-harness.js';

let pki: TestPki;
let b: TestBroker;

before(async () => {
  pki = createTestPki();
  b = await startTestBroker({
    config: {
      listeners: 'PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0',
      'ssl.keystore.location': pki.serverKeystore,
      'connection.failed.authentication.delay.ms': '50',
      'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      // PLAINTEXT is the operator's door here (its principal is ANONYMOUS); alice is a super user,
      // mallory has no ACL at all.
      'super.users': 'User:ANONYMOUS;User:alice',
    },
  });
  const plain = b.broker.bootstrapOf('PLAINTEXT');
  expectSuccess(await brook(plain, ['user', 'create', 'alice', '--password', 'alice-secret']), 'user create alice');
  expectSuccess(await brook(plain, ['user', 'create', 'mallory', '--password', 'mallory-secret']), 'user create mallory');
  expectSuccess(await brook(plain, ['topic', 'create', 'kp-secret']), 'topic create kp-secret');
});
after(async () => {
  await b?.close();
  pki?.remove();
});

// argv: bootstrap protocol ca mechanism user password topic
const KAFKA_PYTHON = `
import json, sys, logging
logging.basicConfig(level=logging.CRITICAL)
from kafka import KafkaProducer, KafkaConsumer, TopicPartition
from kafka.errors import TopicAuthorizationFailedError, KafkaTimeoutError
from kafka.conn import BrokerConnection
import socket
bootstrap, protocol, ca, mechanism, user, password, topic, mode = sys.argv[1:9]
conf = dict(bootstrap_servers=bootstrap, security_protocol=protocol, sasl_mechanism=mechanism,
            sasl_plain_username=user, sasl_plain_password=password, api_version=(2, 5, 0))
if protocol == 'SASL_SSL':
    conf.update(ssl_cafile=ca, ssl_check_hostname=False)
if mode == 'connect':
    host, port = bootstrap.rsplit(':', 1)
    c = BrokerConnection(host, int(port), socket.AF_INET, **{k: v for k, v in conf.items() if k != 'bootstrap_servers'})
    ok = c.connect_blocking(timeout=20)
    print(json.dumps({'connected': bool(ok)}))
    c.close()
    sys.exit(0)
if mode == 'metadata-denied':
    # kafka-python 2.0.2's producer keeps retrying TOPIC_AUTHORIZATION_FAILED until max_block_ms and
    # its consumer waits for metadata forever, so ask the way both do (MetadataRequest through
    # KafkaClient) and map the error code with kafka-python's own table.
    from kafka import KafkaClient
    from kafka.protocol.metadata import MetadataRequest
    import kafka.errors as Errors
    client = KafkaClient(**conf)
    node = None
    while node is None:
        client.poll(timeout_ms=200)
        node = client.least_loaded_node()
    while not client.ready(node):
        client.poll(timeout_ms=200)
    f = client.send(node, MetadataRequest[1](topics=[topic]))
    client.poll(future=f, timeout_ms=20000)
    err = Errors.for_code(f.value.topics[0][0])
    print(json.dumps({'error': err.__name__}))
    client.close()
    sys.exit(0)
p = KafkaProducer(max_block_ms=20000, acks='all', **conf)
try:
    for i in range(3):
        p.send(topic, value=('%s-%d' % (mechanism, i)).encode(), partition=0).get(timeout=30)
except TopicAuthorizationFailedError as e:
    print(json.dumps({'error': type(e).__name__}))
    sys.exit(0)
p.close()
c = KafkaConsumer(group_id='kp-' + mechanism + '-' + protocol, enable_auto_commit=False, consumer_timeout_ms=20000, **conf)
c.assign([TopicPartition(topic, 0)])
c.seek_to_beginning()
got = []
for m in c:
    got.append(m.value.decode())
    if len(got) == 3: break
c.close()
print(json.dumps({'got': got}))
`;

const skip = skipUnless(clients.kafkaPython(), 'kafka-python');
const py = (protocol: string, mechanism: string, user: string, password: string, topic: string, mode = 'run') =>
  runPython(KAFKA_PYTHON, [b.broker.bootstrapOf(protocol), protocol, pki.caCert, mechanism, user, password, topic, mode], { limitMs: 90_000 });

test('kafka-python: SCRAM-SHA-256, SCRAM-SHA-512 and PLAIN produce and consume over SASL_PLAINTEXT and SASL_SSL', { skip }, async () => {
  for (const [protocol, mechanism] of [['SASL_PLAINTEXT', 'SCRAM-SHA-256'], ['SASL_SSL', 'SCRAM-SHA-512'], ['SASL_SSL', 'PLAIN']] as const) {
    const topic = `kp-${mechanism.toLowerCase()}-${protocol.toLowerCase()}`;
    const r = await py(protocol, mechanism, 'alice', 'alice-secret', topic);
    expectSuccess(r, `kafka-python ${protocol} ${mechanism}`);
    assert.deepEqual(jsonLines<{ got?: string[] }>(r.stdout)[0]?.got, [0, 1, 2].map((i) => `${mechanism}-${i}`), `${protocol} ${mechanism}`);
  }
});

test('kafka-python: a wrong password never authenticates (connection closed in the SASL exchange) and is audited', { skip }, async () => {
  const before = b.logs.filter((r) => r.fields?.component === 'audit' && r.msg === 'authentication failed').length;
  for (const [protocol, mechanism] of [['SASL_SSL', 'SCRAM-SHA-512'], ['SASL_PLAINTEXT', 'PLAIN']] as const) {
    const r = await py(protocol, mechanism, 'alice', 'wrong', 'kp-none', 'connect');
    expectSuccess(r, `kafka-python wrong password ${mechanism}`);
    assert.deepEqual(jsonLines(r.stdout)[0], { connected: false }, `${protocol} ${mechanism}`);
  }
  const audit = b.logs.filter((r) => r.fields?.component === 'audit' && r.msg === 'authentication failed').length;
  assert.ok(audit - before >= 2, 'each failed authentication is an audit line');
});

test('kafka-python: a topic without an ACL for the principal gets TopicAuthorizationFailedError for its Metadata', { skip }, async () => {
  const r = await py('SASL_PLAINTEXT', 'SCRAM-SHA-256', 'mallory', 'mallory-secret', 'kp-secret', 'metadata-denied');
  expectSuccess(r, 'kafka-python as mallory');
  assert.deepEqual(jsonLines(r.stdout)[0], { error: 'TopicAuthorizationFailedError' });
});
