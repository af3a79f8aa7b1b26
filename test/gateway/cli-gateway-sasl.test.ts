// The HTTP gateway in front of brokers that speak only SASL: `brook start` with a SASL_SSL listener and
// nothing else serves HTTP produce and consume (its embedded gateway reaches the broker as an internal user,
// or with the brook.gateway.* credentials it is given), and `brook gateway --command-config <file>` reaches a
// SASL_SSL-only cluster with a Kafka client properties file. Each HTTP user is still held to its own ACLs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CredentialStore } from '../../src/broker/security/credential-store.js';
import { createCredential, scramMechanism } from '../../src/broker/security/scram.js';
import { NodeFileSystem } from '../../src/storage/index.js';
import { startTestBroker } from '../helpers/broker.js';
import { createTestPki, type TestPki } from '../helpers/certificates.js';
import { cliEntry } from '../helpers/paths.js';
import { run } from '../helpers/processes.js';
import { killSpawned, spawnBrook } from '../helpers/brook-process.js';
import { http, until, type HttpAnswer } from './gateway-harness.js';

const PASSWORDS = { alice: 'alice-secret', mallory: 'mallory-secret' } as const;
const V2 = 'application/vnd.kafka.v2+json';
const JSON_V2 = 'application/vnd.kafka.json.v2+json';

let pki: TestPki;
let root: string;
before(() => {
  pki = createTestPki();
  root = mkdtempSync(join(tmpdir(), 'brook-gw-sasl-'));
});
after(() => {
  killSpawned();
  pki.remove();
  rmSync(root, { recursive: true, force: true });
});

/** A data dir whose credential file already holds alice and mallory (a SASL-only broker has no door to make the first user through). */
async function dataDirWithUsers(name: string): Promise<string> {
  const dir = join(root, name);
  const store = new CredentialStore(new NodeFileSystem(), dir);
  const m = scramMechanism('SCRAM-SHA-512')!;
  await store.change(await Promise.all(Object.entries(PASSWORDS).map(async ([user, p]) => ({ user, mechanism: m.name as 'SCRAM-SHA-512', credential: await createCredential(m, p) }))), []);
  return dir;
}

/** SASL_SSL only, with ACLs: alice is a super user, mallory has no ACL. */
const SASL_SSL_ONLY = [
  'listeners=SASL_SSL://127.0.0.1:0',
  'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
  'super.users=User:alice',
  'connection.failed.authentication.delay.ms=0',
];

const basic = (user: keyof typeof PASSWORDS): Record<string, string> => ({ authorization: `Basic ${Buffer.from(`${user}:${PASSWORDS[user]}`).toString('base64')}` });

/** Produces three JSON records over HTTP as alice and reads them back with a REST v2 consumer. */
async function produceAndConsume(url: string, topic: string, auth: Record<string, string>): Promise<void> {
  const produced = await http(url, 'POST', `/topics/${topic}`, { body: { records: [1, 2, 3].map((n) => ({ value: { n }, partition: 0 })) }, type: JSON_V2, headers: auth });
  assert.equal(produced.status, 200, produced.text);
  const group = `${topic}-readers`;
  const base = `/consumers/${group}/instances/c`;
  assert.equal((await http(url, 'POST', `/consumers/${group}`, { body: { name: 'c', format: 'json' }, type: V2, headers: auth })).status, 200);
  assert.equal((await http(url, 'POST', `${base}/assignments`, { body: { partitions: [{ topic, partition: 0 }] }, type: V2, headers: auth })).status, 204);
  assert.equal((await http(url, 'POST', `${base}/positions/beginning`, { body: { partitions: [{ topic, partition: 0 }] }, type: V2, headers: auth })).status, 204);
  const values: unknown[] = [];
  await until('three records over HTTP', async () => {
    const r: HttpAnswer = await http(url, 'GET', `${base}/records`, { headers: { ...auth, accept: JSON_V2 } });
    assert.equal(r.status, 200, r.text);
    values.push(...(r.json as { value: unknown }[]).map((x) => x.value));
    return values.length >= 3 ? true : undefined;
  });
  assert.deepEqual(values, [{ n: 1 }, { n: 2 }, { n: 3 }]);
  await http(url, 'DELETE', base, { headers: { ...auth, 'content-type': V2 } });
}

async function startSaslOnly(name: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<{ url: string; stop: () => Promise<void> }> {
  const sets = [...SASL_SSL_ONLY, `ssl.keystore.location=${pki.serverKeystore}`, `ssl.truststore.location=${pki.caCert}`, ...extra].flatMap((s) => ['--set', s]);
  const s = await spawnBrook(['start', '--port', '0', '--http-port', '0', '--no-mqtt', '--no-amqp', '--data-dir', await dataDirWithUsers(name), ...sets], /http\s+https?:\/\/\S+:\d+/, env);
  const url = /http\s+(https?:\/\/\S+:\d+)/.exec(s.stdout())![1]!;
  return {
    url,
    stop: async () => {
      s.child.kill('SIGTERM');
      assert.equal(await s.exited, 0);
    },
  };
}

test('a SASL_SSL-only brook start serves HTTP produce and consume: its gateway reaches the broker as an internal user', async () => {
  const b = await startSaslOnly('internal');
  try {
    // /ready waits for the registry to read `_schemas` through the gateway's own (SASL_SSL) client.
    await until('/ready', async () => ((await http(b.url, 'GET', '/ready')).status === 200 ? true : undefined), 60_000);
    await produceAndConsume(b.url, 'over-sasl', basic('alice'));
    assert.equal((await http(b.url, 'POST', '/topics/over-sasl', { body: { records: [{ value: 1 }] }, type: JSON_V2 })).status, 401, 'no credentials: 401');
    // The gateway's own super-user connection does not lend its rights: mallory is held to her (absent) ACLs.
    const denied = await http(b.url, 'POST', '/topics/over-sasl', { body: { records: [{ value: 1 }] }, type: JSON_V2, headers: basic('mallory') });
    assert.equal(denied.status, 403, denied.text);
  } finally {
    await b.stop();
  }
});

test('the embedded gateway takes configured credentials (BROOK_BROOK_GATEWAY_* as any key); a listener name that does not exist stops brook start with a sentence', async () => {
  const b = await startSaslOnly('configured', ['brook.gateway.sasl.mechanism=SCRAM-SHA-512', 'brook.gateway.sasl.username=alice', `brook.gateway.ssl.ca.location=${pki.caCert}`], { BROOK_BROOK_GATEWAY_SASL_PASSWORD: PASSWORDS.alice });
  try {
    await until('/ready', async () => ((await http(b.url, 'GET', '/ready')).status === 200 ? true : undefined), 60_000);
    await produceAndConsume(b.url, 'as-alice', basic('alice'));
  } finally {
    await b.stop();
  }
  const bad = await run(process.execPath, [cliEntry, 'start', '--port', '0', '--http-port', '0', '--no-mqtt', '--no-amqp', '--data-dir', join(root, 'bad'), '--set', 'listeners=SASL_SSL://127.0.0.1:0', '--set', `ssl.keystore.location=${pki.serverKeystore}`, '--set', 'brook.gateway.listener=PLAINTEXT']);
  assert.equal(bad.code, 1, bad.stderr);
  assert.match(bad.stderr, /brook start: the HTTP gateway cannot reach the broker: brook\.gateway\.listener=PLAINTEXT names no listener; the listeners are SASL_SSL\./);
});

test('brook gateway --command-config (or BROOK_SASL_*/BROOK_TLS_*) reaches a SASL_SSL-only cluster; a refused login or a missing file is one sentence', async () => {
  const cluster = await startTestBroker({ config: { listeners: 'SASL_SSL://127.0.0.1:0', 'ssl.keystore.location': pki.serverKeystore, 'connection.failed.authentication.delay.ms': '0' } }, await dataDirWithUsers('standalone'));
  try {
    const bootstrap = cluster.broker.bootstrapOf('SASL_SSL');
    const properties = (password: string): string => {
      const file = join(root, `client-${password}.properties`);
      writeFileSync(file, [
        '# as kafka-console-producer.sh --command-config takes it',
        'security.protocol=SASL_SSL',
        'sasl.mechanism=SCRAM-SHA-512',
        `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="${password}";`,
        'ssl.truststore.type=PEM',
        `ssl.truststore.location=${pki.caCert}`,
        '',
      ].join('\n'));
      return file;
    };
    const g = await spawnBrook(['gateway', '--brokers', bootstrap, '--http-port', '0', '--command-config', properties(PASSWORDS.alice)], /Brook gateway: (http:\/\/\S+) ->/);
    const url = /Brook gateway: (http:\/\/\S+) ->/.exec(g.stdout())![1]!;
    await produceAndConsume(url, 'standalone-sasl', {});
    g.child.kill('SIGTERM');
    assert.equal(await g.exited, 0);

    // Without --command-config: the BROOK_SASL_* and BROOK_TLS_* variables every brook command reads.
    const fromEnv = await spawnBrook(['gateway', '--brokers', bootstrap, '--http-port', '0'], /Brook gateway: (http:\/\/\S+) ->/, {
      BROOK_SASL_MECHANISM: 'SCRAM-SHA-512',
      BROOK_SASL_USERNAME: 'alice',
      BROOK_SASL_PASSWORD: PASSWORDS.alice,
      BROOK_TLS_CA: pki.caCert,
    });
    const envUrl = /Brook gateway: (http:\/\/\S+) ->/.exec(fromEnv.stdout())![1]!;
    const clusters = await http(envUrl, 'GET', '/v3/clusters');
    assert.equal((clusters.json as { data: { cluster_id: string }[] }).data[0]!.cluster_id, cluster.broker.state.clusterId);
    fromEnv.child.kill('SIGTERM');
    assert.equal(await fromEnv.exited, 0);

    const wrong = await run(process.execPath, [cliEntry, 'gateway', '--brokers', bootstrap, '--http-port', '0', '--command-config', properties('wrong')]);
    assert.equal(wrong.code, 1, wrong.stderr);
    assert.match(wrong.stderr, /brook gateway: Authentication failed at 127\.0\.0\.1:\d+: .*invalid credentials/);
    const missing = await run(process.execPath, [cliEntry, 'gateway', '--brokers', bootstrap, '--http-port', '0', '--command-config', join(root, 'nope.properties')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /brook gateway: --command-config .*nope\.properties cannot be read/);
  } finally {
    await cluster.close();
  }
});
