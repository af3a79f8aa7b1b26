// Kafka client security properties (a --command-config file, the embedded gateway's brook.gateway.* keys)
// turned into the client layer's sasl/tls: the Java client's and librdkafka's names, and one sentence per mistake.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClientSecurityError, clientSecurityFromProperties } from '../../src/client/index.js';

const CA = '-----BEGIN CERTIFICATE-----\nQ0E=\n-----END CERTIFICATE-----';
const LEAF = '-----BEGIN CERTIFICATE-----\nTEVBRg==\n-----END CERTIFICATE-----';
const KEY = '-----BEGIN PRIVATE KEY-----\nS0VZ\n-----END PRIVATE KEY-----';
const FILES: Record<string, string> = { '/ca.pem': `${CA}\n`, '/client.pem': `${KEY}\n${LEAF}\n`, '/leaf.pem': LEAF, '/key.pem': KEY, '/empty.pem': 'nothing' };
const read = (path: string): string => {
  const text = FILES[path];
  if (text === undefined) throw new Error('ENOENT');
  return text;
};
const parse = (props: Record<string, string>) => clientSecurityFromProperties(props, read);

test('PLAINTEXT (or nothing) needs nothing', () => {
  assert.deepEqual(parse({}), {});
  assert.deepEqual(parse({ 'security.protocol': 'PLAINTEXT', 'bootstrap.servers': 'x:9092' }), {});
});

test('SASL_SSL with the Java client’s JAAS line and a PEM truststore', () => {
  const got = parse({
    'security.protocol': 'SASL_SSL',
    'sasl.mechanism': 'SCRAM-SHA-512',
    'sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="p\\"w";',
    'ssl.truststore.type': 'PEM',
    'ssl.truststore.location': '/ca.pem',
  });
  assert.deepEqual(got, { sasl: { mechanism: 'SCRAM-SHA-512', username: 'alice', password: 'p"w' }, tls: { ca: CA } });
});

test('librdkafka’s names: sasl.username/password, ssl.ca.location, certificate and key files; an empty endpoint algorithm skips the host name check', () => {
  const got = parse({
    'security.protocol': 'sasl_ssl',
    'sasl.mechanism': 'PLAIN',
    'sasl.username': 'bob',
    'sasl.password': 'pw',
    'ssl.ca.location': '/ca.pem',
    'ssl.certificate.location': '/leaf.pem',
    'ssl.key.location': '/key.pem',
    'ssl.key.password': 'kp',
    'ssl.endpoint.identification.algorithm': '',
  });
  assert.deepEqual(got, { sasl: { mechanism: 'PLAIN', username: 'bob', password: 'pw' }, tls: { ca: CA, cert: LEAF, key: KEY, passphrase: 'kp', verifyHostname: false } });
});

test('SSL with a PEM keystore file (key and chain in one file) and no CA: the system CAs', () => {
  assert.deepEqual(parse({ 'security.protocol': 'SSL', 'ssl.keystore.type': 'PEM', 'ssl.keystore.location': '/client.pem' }), { tls: { cert: LEAF, key: KEY } });
});

test('each mistake is one sentence naming the key', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ 'security.protocol': 'SASL_GSSAPI' }, /security\.protocol must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL/],
    [{ 'sasl.mechanism': 'PLAIN' }, /sasl\.mechanism is set but security\.protocol is PLAINTEXT/],
    [{ 'security.protocol': 'SASL_PLAINTEXT' }, /sasl\.mechanism must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512\./],
    [{ 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'GSSAPI' }, /not "GSSAPI"/],
    [{ 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'PLAIN', 'sasl.username': 'a' }, /needs sasl\.username and sasl\.password/],
    [{ 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'PLAIN', 'sasl.jaas.config': 'username="a" password="b"' }, /sasl\.jaas\.config must read/],
    [{ 'security.protocol': 'SSL', 'ssl.truststore.type': 'JKS', 'ssl.truststore.location': '/ca.jks' }, /ssl\.truststore\.type=JKS is not supported/],
    [{ 'security.protocol': 'SSL', 'ssl.ca.location': '/missing.pem' }, /ssl\.ca\.location=\/missing\.pem cannot be read/],
    [{ 'security.protocol': 'SSL', 'ssl.ca.location': '/empty.pem' }, /holds no PEM certificate/],
    [{ 'security.protocol': 'SSL', 'ssl.certificate.location': '/leaf.pem' }, /needs one PEM private key and its certificate chain/],
    [{ 'security.protocol': 'SSL', 'ssl.endpoint.identification.algorithm': 'ldap' }, /must be https or empty/],
  ];
  for (const [props, message] of cases) assert.throws(() => parse(props), (e: unknown) => e instanceof ClientSecurityError && message.test(e.message), JSON.stringify(props));
});
