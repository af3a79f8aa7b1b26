// ACLs with Kafka's model, enforced as Kafka's authorizer does, driven by unmodified clients: a
// principal without rights (KafkaJS over SASL) is refused by every API with Kafka's error and changes
// nothing; `brook acl add` (CreateAcls, prefixed and literal) opens exactly what it names; implied
// DESCRIBE, super.users, deny-over-allow and hosts hold; authorized-operations fields follow the ACLs;
// ACLs survive a restart; denials (ListTransactions' left-out ids too) and changes are audit lines.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { Connection, listTransactionsV1 } from '@platformatic/kafka';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { clients, skipUnless } from '../helpers/real-clients.js';
import { expectSuccess, run } from '../helpers/processes.js';
import { brook, tableRows } from '../cli/cli-harness.js';
import { createCredential, scramMechanism } from '../../src/broker/security/scram.js';
import { AclAuthorizer } from '../../src/broker/security/acl-authorizer.js';
import { AclStore } from '../../src/broker/security/acl-store.js';
import { Operation, PatternType, Permission, ResourceType } from '../../src/broker/security/acl-model.js';
import { NodeFileSystem } from '../../src/storage/index.js';

let b: TestBroker;
const config = { listeners: 'SASL_PLAINTEXT://127.0.0.1:0', 'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer', 'super.users': 'User:admin' };
const admin = { BROOK_SASL_MECHANISM: 'SCRAM-SHA-256', BROOK_SASL_USERNAME: 'admin', BROOK_SASL_PASSWORD: 'admin-pw' };

before(async () => {
  b = await startTestBroker({ config });
  // The first (super) user is made in-process; every later change goes over the wire as that user.
  const m = scramMechanism('SCRAM-SHA-256')!;
  await b.broker.state.security.credentials.change([{ user: 'admin', mechanism: m.name, credential: await createCredential(m, 'admin-pw') }], []);
  for (const u of ['alice', 'mallory']) expectSuccess(await brook(b.bootstrap, ['user', 'create', u, '--password', `${u}-pw`, '--mechanism', 'SCRAM-SHA-256'], { env: admin }), `user create ${u}`);
  expectSuccess(await brook(b.bootstrap, ['topic', 'create', 'orders-eu', '--partitions', '2'], { env: admin }), 'topic create orders-eu');
  expectSuccess(await brook(b.bootstrap, ['topic', 'create', 'payments'], { env: admin }), 'topic create payments');
});
after(async () => {
  await b.close();
});

const kafka = (user: string) =>
  new Kafka({ clientId: `acl-${user}`, brokers: [b.bootstrap], sasl: { mechanism: 'scram-sha-256', username: user, password: `${user}-pw` }, logLevel: logLevel.NOTHING, retry: { retries: 0 } });

async function errorType(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'none';
  } catch (e) {
    const err = e as { type?: string; name?: string; message?: string; errors?: { type?: string }[]; originalError?: { type?: string }; cause?: { type?: string } };
    const named = err.type ?? err.errors?.[0]?.type ?? err.originalError?.type ?? err.cause?.type;
    if (named) return named;
    // KafkaJS wraps some admin errors (describeAcls, createAcls) with only the broker's message.
    if (/not authorized.*cluster/i.test(err.message ?? '')) return 'CLUSTER_AUTHORIZATION_FAILED';
    return `${err.name ?? 'unknown'}: ${err.message ?? ''}`;
  }
}

async function withAdmin<T>(user: string, use: (a: Admin) => Promise<T>): Promise<T> {
  const a = kafka(user).admin();
  await a.connect();
  try {
    return await use(a);
  } finally {
    await a.disconnect();
  }
}

test('a principal without any ACL: every API answers Kafka’s authorization error and nothing changes', async () => {
  await withAdmin('mallory', async (a) => {
    assert.deepEqual(await a.listTopics(), [], 'listing topics reveals none');
    assert.equal(await errorType(a.fetchTopicMetadata({ topics: ['payments'] })), 'TOPIC_AUTHORIZATION_FAILED');
    assert.equal(await errorType(a.fetchTopicMetadata({ topics: ['does-not-exist'] })), 'TOPIC_AUTHORIZATION_FAILED');
    assert.equal(await errorType(a.createTopics({ topics: [{ topic: 'mallory-topic' }] })), 'TOPIC_AUTHORIZATION_FAILED');
    assert.equal(await errorType(a.deleteTopics({ topics: ['payments'] })), 'TOPIC_AUTHORIZATION_FAILED');
    // KafkaJS reports FindCoordinator's GROUP_AUTHORIZATION_FAILED as "coordinator not found"; the audit line names the group.
    assert.match(await errorType(a.fetchOffsets({ groupId: 'billing' })), /GROUP_AUTHORIZATION_FAILED|KafkaJSGroupCoordinatorNotFound/);
    assert.ok(b.logs.some((r) => r.msg === 'denied' && r.fields?.resource === 'group' && r.fields?.name === 'billing'));
    assert.equal(await errorType(a.describeAcls({ resourceType: 1, resourcePatternType: 1, operation: 1, permissionType: 1 } as never)), 'CLUSTER_AUTHORIZATION_FAILED');
    assert.equal(await errorType(a.createAcls({ acl: [{ resourceType: 2, resourceName: 'payments', resourcePatternType: 3, principal: 'User:mallory', host: '*', operation: 2, permissionType: 3 }] as never })), 'CLUSTER_AUTHORIZATION_FAILED');
    assert.equal(await errorType(a.describeConfigs({ resources: [{ type: 2, name: 'payments' }], includeSynonyms: false })), 'TOPIC_AUTHORIZATION_FAILED');
    assert.equal(await errorType(a.alterConfigs({ resources: [{ type: 2, name: 'payments', configEntries: [{ name: 'retention.ms', value: '1000' }] }], validateOnly: false })), 'TOPIC_AUTHORIZATION_FAILED');
  });
  const producer = kafka('mallory').producer();
  await producer.connect();
  assert.equal(await errorType(producer.send({ topic: 'payments', messages: [{ value: 'x' }] })), 'TOPIC_AUTHORIZATION_FAILED');
  await producer.disconnect();
  const consumer = kafka('mallory').consumer({ groupId: 'billing' });
  await consumer.connect();
  assert.equal(await errorType(consumer.subscribe({ topics: ['payments'] }).then(() => consumer.run({ eachMessage: async () => undefined }))), 'TOPIC_AUTHORIZATION_FAILED');
  await consumer.disconnect();
  // Nothing changed: the admin still sees both topics and no new one.
  await withAdmin('admin', async (a) => assert.deepEqual((await a.listTopics()).sort(), ['orders-eu', 'payments']));
  assert.ok(b.logs.some((r) => r.fields?.component === 'audit' && r.msg === 'denied' && r.fields?.principal === 'User:mallory'));
});

test('brook acl add: a PREFIXED WRITE lets alice produce to orders-*, DESCRIBE is implied, other topics stay closed; READ on topic and group lets her consume', { skip: skipUnless(clients.kcat(), 'kcat') }, async () => {
  expectSuccess(await brook(b.bootstrap, ['acl', 'add', '--principal', 'User:alice', '--operation', 'write', '--topic', 'orders-', '--prefixed'], { env: admin }), 'acl add write');
  const sasl = ['-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=SCRAM-SHA-256', '-X', 'sasl.username=alice', '-X', 'sasl.password=alice-pw'];
  expectSuccess(await run('kcat', ['-b', b.bootstrap, ...sasl, '-P', '-t', 'orders-eu', '-p', '0', '-X', 'topic.request.required.acks=all'], { input: 'o1\no2\n', limitMs: 30_000 }), 'kcat -P orders-eu');
  const denied = await run('kcat', ['-b', b.bootstrap, ...sasl, '-P', '-t', 'payments', '-p', '0', '-X', 'topic.request.required.acks=all', '-X', 'message.timeout.ms=5000'], { input: 'p1\n', limitMs: 30_000 });
  assert.match(denied.stderr, /authoriz/i);
  await withAdmin('alice', async (a) => assert.deepEqual(await a.listTopics(), ['orders-eu'], 'WRITE implies DESCRIBE: alice sees orders-eu only'));
  // Consuming (Fetch) needs READ: refused until granted.
  const noRead = await run('kcat', ['-b', b.bootstrap, ...sasl, '-C', '-t', 'orders-eu', '-p', '0', '-o', 'beginning', '-e'], { limitMs: 30_000 });
  assert.match(noRead.stderr, /authoriz/i);
  expectSuccess(await brook(b.bootstrap, ['acl', 'add', '--principal', 'User:alice', '--operation', 'read', '--topic', 'orders-eu'], { env: admin }), 'acl add read topic');
  expectSuccess(await brook(b.bootstrap, ['acl', 'add', '--principal', 'User:alice', '--operation', 'read', '--group', 'alice-', '--prefixed'], { env: admin }), 'acl add read group');
  const read = await run('kcat', ['-b', b.bootstrap, ...sasl, '-C', '-t', 'orders-eu', '-p', '0', '-o', 'beginning', '-e'], { limitMs: 30_000 });
  expectSuccess(read, 'kcat -C orders-eu');
  assert.deepEqual(read.stdout.trim().split('\n'), ['o1', 'o2']);
  const consumer = kafka('alice').consumer({ groupId: 'alice-app' });
  await consumer.connect();
  await consumer.subscribe({ topics: ['orders-eu'], fromBeginning: true });
  const seen: string[] = [];
  await new Promise<void>((resolve) => {
    void consumer.run({ eachMessage: async ({ message }) => {
      seen.push(message.value!.toString());
      if (seen.length === 2) resolve();
    } });
  });
  await consumer.disconnect();
  assert.deepEqual(seen.sort(), ['o1', 'o2']);
  const listed = await brook(b.bootstrap, ['acl', 'list', '--principal', 'User:alice'], { env: admin });
  expectSuccess(listed, 'acl list');
  assert.equal(tableRows(listed.stdout).length - 1, 3);
  assert.ok(b.logs.some((r) => r.fields?.component === 'audit' && r.msg === 'acl created' && r.fields?.principal === 'User:alice'));
});

test('authorized-operations fields follow the ACLs (KIP-430): alice gets exactly what she was granted plus what it implies', async () => {
  await withAdmin('alice', async (a) => {
    const meta = await a.fetchTopicMetadata({ topics: ['orders-eu'] });
    assert.equal(meta.topics.length, 1);
    const cluster = await a.describeCluster();
    assert.ok(cluster.brokers.length === 1);
  });
  const ops = b.broker.state.authorizer;
  const bits = (name: string) => {
    let n = 0;
    for (const op of [3, 4, 5, 6, 7, 8, 10, 11]) if (ops.allows({ principal: 'User:alice', operation: op as 3, resource: 'topic', name, host: '127.0.0.1' })) n |= 1 << op;
    return n;
  };
  assert.equal(bits('orders-eu'), (1 << 3) | (1 << 4) | (1 << 8), 'READ, WRITE and the DESCRIBE they imply');
  assert.equal(bits('payments'), 0);
});

test('authorizer truth table: super users, deny beats allow, hosts, wildcard principal and resource, allow.everyone.if.no.acl.found', async () => {
  const store = new AclStore(new NodeFileSystem(), b.dataDir + '-truth');
  const add = (resourceName: string, principal: string, operation: number, permission: number, host = '*', patternType: number = PatternType.LITERAL) =>
    store.add([{ resourceType: ResourceType.TOPIC, resourceName, patternType, principal, host, operation, permission }]);
  await add('t', 'User:a', Operation.ALL, Permission.ALLOW);
  await add('t', 'User:a', Operation.WRITE, Permission.DENY, '10.0.0.9');
  await add('*', 'User:*', Operation.DESCRIBE, Permission.ALLOW);
  await add('open', 'User:nobody', Operation.READ, Permission.ALLOW, '*', PatternType.PREFIXED);
  const z = new AclAuthorizer(store, new Set(['User:root']), false);
  const yes = (principal: string, operation: number, name: string, host = '127.0.0.1') => z.allows({ principal, operation: operation as 3, resource: 'topic', name, host });
  assert.ok(yes('User:a', Operation.WRITE, 't'));
  assert.ok(!yes('User:a', Operation.WRITE, 't', '10.0.0.9'), 'DENY from that host wins');
  assert.ok(yes('User:a', Operation.READ, 't', '10.0.0.9'));
  assert.ok(yes('User:b', Operation.DESCRIBE, 'anything'), 'wildcard resource and principal');
  assert.ok(!yes('User:b', Operation.READ, 't'));
  assert.ok(yes('User:root', Operation.DELETE, 't'), 'super user');
  assert.ok(!yes('User:b', Operation.READ, 'unlisted'));
  const open = new AclAuthorizer(store, new Set(), true);
  assert.ok(open.allows({ principal: 'User:b', operation: 3, resource: 'group', name: 'g' }), 'no ACL on the group: everyone allowed');
  assert.ok(!open.allows({ principal: 'User:b', operation: 3, resource: 'topic', name: 'open-x' }), 'an ACL exists on open-x: not open to everyone');
  // A namespace (an AMQP vhost's amqp:<vhost>:): some right inside it, a DENY ALL over it, or no ACL in it at all.
  const spaces = new AclStore(new NodeFileSystem(), b.dataDir + '-namespaces');
  await spaces.add([{ resourceType: ResourceType.TOPIC, resourceName: 'amqp:v:queue:q', patternType: PatternType.LITERAL, principal: 'User:c', host: '*', operation: Operation.READ, permission: Permission.ALLOW }]);
  const within = (z: AclAuthorizer, principal: string, prefix: string) => z.allowsWithin({ principal, host: '127.0.0.1', resource: 'topic', prefix });
  const closed = new AclAuthorizer(spaces, new Set(['User:root']), false);
  assert.ok(within(closed, 'User:c', 'amqp:v:'), 'a right inside the namespace');
  assert.ok(!within(closed, 'User:c', 'amqp:w:'));
  assert.ok(within(closed, 'User:root', 'amqp:w:'), 'super user');
  const everyone = new AclAuthorizer(spaces, new Set(), true);
  assert.ok(within(everyone, 'User:d', 'amqp:w:'), 'allow.everyone.if.no.acl.found: no ACL in amqp:w:');
  assert.ok(!within(everyone, 'User:d', 'amqp:v:'), 'an ACL lies in amqp:v:: not open to everyone');
  await spaces.add([{ resourceType: ResourceType.TOPIC, resourceName: 'amqp:v:', patternType: PatternType.PREFIXED, principal: 'User:c', host: '*', operation: Operation.ALL, permission: Permission.DENY }]);
  assert.ok(!within(closed, 'User:c', 'amqp:v:'), 'DENY ALL over the namespace wins');
  assert.ok(yes('User:b', Operation.DESCRIBE, 'x') && within(z, 'User:b', 'amqp:any:'), 'a wildcard ALLOW on * covers every namespace');
});

test('ListTransactions leaves out transactional ids the principal may not DESCRIBE, each one an audit line; Metadata’s filtering is one at debug level (Kafka’s logIfDenied)', async () => {
  const txnClient = new Kafka({ clientId: 'acl-txn', brokers: [b.bootstrap], sasl: { mechanism: 'scram-sha-256', username: 'admin', password: 'admin-pw' }, logLevel: logLevel.NOTHING });
  const producer = txnClient.producer({ transactionalId: 'billing-tx', idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const txn = await producer.transaction();
  try {
    await txn.send({ topic: 'payments', messages: [{ value: 'p' }] });
    const conn = new Connection('acl-list-txn', { sasl: { mechanism: 'SCRAM-SHA-256', username: 'mallory', password: 'mallory-pw' } });
    const [host, port] = b.bootstrap.split(':');
    await conn.connect(host!, Number(port));
    try {
      const listed = await listTransactionsV1.api.async(conn, [], [], -1n, null);
      assert.deepEqual(listed.transactionStates, [], 'mallory sees no transaction');
    } finally {
      await conn.close();
    }
    const line = b.logs.find((r) => r.fields?.component === 'audit' && r.msg === 'denied' && r.fields?.apiKey === 66);
    assert.equal(line?.level, 'info');
    assert.equal(line?.fields?.principal, 'User:mallory');
    assert.equal(line?.fields?.name, 'billing-tx');
    assert.equal(line?.fields?.resource, 'transactional-id');
  } finally {
    await txn.abort();
    await producer.disconnect();
  }
  // The first test's listTopics as mallory filtered both topics out of Metadata: debug lines, marked filtered.
  assert.ok(b.logs.some((r) => r.level === 'debug' && r.msg === 'denied' && r.fields?.apiKey === 3 && r.fields?.filtered === true && r.fields?.name === 'payments'));
});

test('ACLs are durable: after a restart they still apply; brook acl remove takes them away', async () => {
  b = await b.restart({ config });
  await withAdmin('alice', async (a) => assert.deepEqual(await a.listTopics(), ['orders-eu']));
  expectSuccess(await brook(b.bootstrap, ['acl', 'remove', '--principal', 'User:alice', '--topic', 'orders-', '--prefixed'], { env: admin }), 'acl remove');
  expectSuccess(await brook(b.bootstrap, ['acl', 'remove', '--principal', 'User:alice', '--topic', 'orders-eu'], { env: admin }), 'acl remove');
  await withAdmin('alice', async (a) => assert.deepEqual(await a.listTopics(), []));
  assert.ok(b.logs.some((r) => r.fields?.component === 'audit' && r.msg === 'acl deleted'));
});
