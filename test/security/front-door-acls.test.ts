// AMQP and MQTT on the broker's ACLs (docs/security.md, "AMQP and MQTT"), driven by unmodified clients:
// mqtt.js (5.0 and 3.1.1) is refused as Mosquitto refuses a publish (0x87 PUBACK/PUBREC on 5.0, a 3.1.1
// publish acknowledged and dropped: compared with a real mosquitto) and a subscription in its SUBACK
// (0x87 on 5.0, 0x80 on 3.1.1; mosquitto's acl_file grants it and delivers nothing), and a CONNECT whose will it
// may not publish in its CONNACK (mosquitto 2.0 accepts it and drops the will); amqplib is refused with RabbitMQ's 403
// ACCESS_REFUSED channel close, and connection.open to a vhost it has no right in with 530 NOT_ALLOWED. A refused operation changes nothing (no queue declared, deleted or
// drained, no message stored); the same principal with the mapped ACLs is let through; denials are audited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import amqplib from 'amqplib';
import mqtt from 'mqtt';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { clients } from '../helpers/real-clients.js';
import { mosquittoBinary, skipWithoutMosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { expectSuccess, jsonLines, runPython } from '../helpers/processes.js';
import { Operation, PatternType, Permission, ResourceType, type AclBinding } from '../../src/broker/security/acl-model.js';

let b: TestBroker;
let amqpPort = 0;
let mqttPort = 0;

const allow = (principal: string, operation: number, name: string, patternType: number = PatternType.LITERAL): AclBinding => ({ resourceType: ResourceType.TOPIC, resourceName: name, patternType, principal, host: '*', operation, permission: Permission.ALLOW });

before(async () => {
  b = await startTestBroker({
    amqpPort: 0,
    mqttPort: 0,
    config: {
      'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'super.users': 'User:admin',
      'brook.amqp.users': 'alice:alice-pw,mallory:mallory-pw,eve:eve-pw,admin:admin-pw',
      'brook.amqp.vhosts': '/,billing',
      'brook.mqtt.users': 'alice:alice-pw,mallory:mallory-pw',
      'brook.mqtt.topic.mappings': 'sensors/#=sensors',
    },
  });
  amqpPort = b.broker.amqpPort!;
  mqttPort = b.broker.mqttPort!;
  await b.broker.state.topics.create({ name: 'sensors', numPartitions: 1, replicationFactor: -1, configs: {} });
  await b.broker.state.security.acls.add([
    // MQTT: sensors/# lives in the Kafka topic "sensors".
    allow('User:alice', Operation.WRITE, 'sensors'),
    allow('User:alice', Operation.READ, 'sensors'),
    // AMQP: the queue "jobs" and the default exchange in vhost "/".
    allow('User:alice', Operation.CREATE, 'amqp:/:queue:jobs'),
    allow('User:alice', Operation.READ, 'amqp:/:queue:jobs'),
    allow('User:alice', Operation.WRITE, 'amqp:/:exchange:amq.default'),
    // mallory may open vhost "/" and nothing in it: a literal ACL on the vhost's namespace itself.
    allow('User:mallory', Operation.DESCRIBE, 'amqp:/:'),
  ]);
});
after(async () => {
  await b.close();
});

const sensorsEnd = (): number => b.broker.state.logs.getLog('sensors', 0)!.logEndOffset;

/** The SUBACK's reason codes; mqtt.js rejects a SUBACK holding a failure, with the packet. */
async function suback(client: mqtt.MqttClient, filter: string): Promise<number[]> {
  try {
    return (await client.subscribeAsync(filter, { qos: 1 })).map((g) => g.qos);
  } catch (e) {
    const granted = (e as { packet?: { granted?: (number | { qos: number })[] } }).packet?.granted;
    if (!granted) throw e;
    return granted.map((g) => (typeof g === 'number' ? g : g.qos));
  }
}

async function mqttClient(user: string, protocolVersion: 4 | 5, port = mqttPort): Promise<mqtt.MqttClient> {
  return mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { username: user, password: `${user}-pw`, protocolVersion, clientId: `${user}-v${protocolVersion}`, reconnectPeriod: 0 });
}

test('MQTT 5.0: without WRITE/READ on the mapped Kafka topic, PUBACK and SUBACK say 0x87 and nothing is stored; with them both work', async () => {
  const before = sensorsEnd();
  const mallory = await mqttClient('mallory', 5);
  try {
    assert.deepEqual(await suback(mallory, 'sensors/#'), [0x87]);
    const refused = await mallory.publishAsync('sensors/kitchen', 'x', { qos: 1 }).then(
      () => null,
      (e: Error & { code?: number }) => e.code,
    );
    assert.equal(refused, 0x87, 'PUBACK Not authorized');
    const refusedQos2 = await mallory.publishAsync('sensors/kitchen', 'z', { qos: 2 }).then(
      () => null,
      (e: Error & { code?: number }) => e.code,
    );
    assert.equal(refusedQos2, 0x87, 'PUBREC Not authorized');
  } finally {
    await mallory.endAsync();
  }
  assert.equal(sensorsEnd(), before, 'the refused publish stored nothing');
  assert.ok(b.logs.some((r) => r.msg === 'denied' && r.fields?.protocol === 'mqtt' && r.fields?.principal === 'User:mallory'), 'the denial is audited');

  const alice = await mqttClient('alice', 5);
  try {
    assert.deepEqual(await suback(alice, 'sensors/#'), [1]);
    assert.deepEqual(await suback(alice, 'other/#'), [0x87], 'unmapped topics live in the default topic "mqtt", where alice has no READ');
    const got = new Promise<string>((resolve) => alice.once('message', (_t, payload) => resolve(payload.toString())));
    await alice.publishAsync('sensors/kitchen', '21.5', { qos: 1 });
    assert.equal(await got, '21.5');
  } finally {
    await alice.endAsync();
  }
  assert.equal(sensorsEnd(), before + 1);
});

test('MQTT 3.1.1: a refused SUBSCRIBE is SUBACK 0x80; a refused QoS 1 PUBLISH is acknowledged and dropped (as Mosquitto)', async () => {
  const before = sensorsEnd();
  const mallory = await mqttClient('mallory', 4);
  try {
    assert.deepEqual(await suback(mallory, 'sensors/#'), [0x80]);
    await mallory.publishAsync('sensors/hall', 'y', { qos: 1 });
  } finally {
    await mallory.endAsync();
  }
  assert.equal(sensorsEnd(), before, 'the acknowledged publish was dropped');
});

/** A CONNECT carrying a will on `topic`: "accepted", or the CONNACK's reason / return code. */
async function connectWithWill(user: string, protocolVersion: 4 | 5, topic: string, port = mqttPort): Promise<{ client: mqtt.MqttClient | null; code: number | 'accepted' }> {
  try {
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { username: user, password: `${user}-pw`, protocolVersion, clientId: `${user}-will-v${protocolVersion}`, reconnectPeriod: 0, will: { topic, payload: Buffer.from(`gone-${user}`), qos: 1, retain: false } });
    return { client, code: 'accepted' };
  } catch (e) {
    return { client: null, code: (e as { code: number }).code };
  }
}

/** Resolves once the audit log holds a line `matches` accepts (the broker's own report, not a timer). */
async function auditLine(matches: (fields: Record<string, unknown>) => boolean): Promise<void> {
  while (!b.logs.some((r) => r.msg === 'denied' && matches(r.fields ?? {}))) await new Promise((r) => setImmediate(r));
}

test('MQTT will: a CONNECT whose will topic the principal may not WRITE is refused (5.0 CONNACK 0x87, 3.1.1 return code 5); an allowed will is published; an ACL removed after CONNECT drops the will when it is sent', async () => {
  const before = sensorsEnd();
  assert.equal((await connectWithWill('mallory', 5, 'sensors/door')).code, 0x87);
  assert.equal((await connectWithWill('mallory', 4, 'sensors/door')).code, 5);
  assert.ok(b.logs.some((r) => r.msg === 'denied' && r.fields?.protocol === 'mqtt' && r.fields?.principal === 'User:mallory' && r.fields?.name === 'sensors'), 'the refusal is audited');

  const watcher = await mqttClient('alice', 5);
  try {
    await watcher.subscribeAsync('sensors/#', { qos: 1 });
    const delivered = new Promise<string>((resolve) => watcher.once('message', (_t, payload) => resolve(payload.toString())));
    const alice = await connectWithWill('alice', 4, 'sensors/door');
    assert.equal(alice.code, 'accepted');
    alice.client!.stream.destroy();
    assert.equal(await delivered, 'gone-alice', 'the will of a dropped connection is published');
  } finally {
    await watcher.endAsync();
  }
  assert.equal(sensorsEnd(), before + 1);

  // Granted at CONNECT, revoked before the connection drops: the will is checked again and dropped.
  const grant = allow('User:mallory', Operation.WRITE, 'sensors');
  await b.broker.state.security.acls.add([grant]);
  const mallory = await connectWithWill('mallory', 5, 'sensors/door');
  assert.equal(mallory.code, 'accepted');
  await b.broker.state.security.acls.remove([{ ...grant }]);
  const denials = b.logs.filter((r) => r.msg === 'denied' && r.fields?.principal === 'User:mallory').length;
  mallory.client!.stream.destroy();
  await auditLine(() => b.logs.filter((r) => r.msg === 'denied' && r.fields?.principal === 'User:mallory').length > denials);
  assert.equal(sensorsEnd(), before + 1, 'the revoked will stored nothing');
});

async function amqpChannel(user: string): Promise<{ conn: amqplib.ChannelModel; ch: amqplib.Channel; closed: Promise<Error & { code?: number }> }> {
  const conn = await amqplib.connect(`amqp://${user}:${user}-pw@127.0.0.1:${amqpPort}`);
  conn.on('error', () => {});
  const ch = await conn.createChannel();
  const closed = new Promise<Error & { code?: number }>((resolve) => ch.on('error', resolve));
  return { conn, ch, closed };
}

async function refusal(user: string, act: (ch: amqplib.Channel) => unknown): Promise<{ code?: number; message: string }> {
  const { conn, ch, closed } = await amqpChannel(user);
  try {
    await Promise.resolve(act(ch)).catch(() => undefined);
    const e = await closed;
    return { code: e.code, message: e.message };
  } finally {
    await conn.close().catch(() => undefined);
  }
}

test('AMQP: without the mapped ACLs declare, publish, consume, get and delete close the channel with 403 ACCESS_REFUSED and change nothing', async () => {
  const declared = await refusal('mallory', (ch) => ch.assertQueue('jobs'));
  assert.equal(declared.code, 403);
  assert.match(declared.message, /ACCESS_REFUSED - access to queue 'jobs' in vhost '\/' refused for user 'mallory'/);

  // Not declared by the refused attempt: alice (READ implies DESCRIBE) finds no queue.
  const missing = await refusal('alice', (ch) => ch.checkQueue('jobs'));
  assert.equal(missing.code, 404, 'the queue does not exist');

  const { conn, ch } = await amqpChannel('alice');
  try {
    await ch.assertQueue('jobs');
    ch.sendToQueue('jobs', Buffer.from('job-1'));
    const c = await conn.createConfirmChannel();
    c.sendToQueue('jobs', Buffer.from('job-2'));
    await c.waitForConfirms();
  } finally {
    await conn.close();
  }

  const published = await refusal('mallory', (c) => c.sendToQueue('jobs', Buffer.from('forged')));
  assert.equal(published.code, 403);
  assert.match(published.message, /access to exchange 'amq.default' in vhost '\/' refused for user 'mallory'/);
  assert.equal((await refusal('mallory', (c) => c.consume('jobs', () => {}))).code, 403);
  assert.equal((await refusal('mallory', (c) => c.get('jobs'))).code, 403);
  assert.equal((await refusal('mallory', (c) => c.deleteQueue('jobs'))).code, 403);
  assert.equal((await refusal('mallory', (c) => c.purgeQueue('jobs'))).code, 403);

  // Everything is still there, in order, and nothing forged joined it.
  const again = await amqpChannel('alice');
  try {
    const bodies: string[] = [];
    for (;;) {
      const m = await again.ch.get('jobs', { noAck: true });
      if (m === false) break;
      bodies.push(m.content.toString());
    }
    assert.deepEqual(bodies, ['job-1', 'job-2']);
  } finally {
    await again.conn.close();
  }
  assert.ok(b.logs.some((r) => r.msg === 'denied' && r.fields?.protocol === 'amqp' && r.fields?.name === 'amqp:/:queue:jobs'), 'the denial is audited');
});

/** How amqplib's connection.open to `vhost` ends for `user`: "open" or "refused" (connection.close instead of open-ok). */
async function openVhost(user: string, vhost: string): Promise<string> {
  try {
    const conn = await amqplib.connect(`amqp://${user}:${user}-pw@127.0.0.1:${amqpPort}/${encodeURIComponent(vhost)}`);
    await conn.close();
    return 'open';
  } catch (e) {
    assert.match((e as Error).message, /Expected ConnectionOpenOk; got <ConnectionClose/);
    return 'refused';
  }
}

// amqplib does not show the close's code and text when open fails; pika does. argv: port user vhost
const PIKA_OPEN = `
import json, sys, pika
port, user, vhost = int(sys.argv[1]), sys.argv[2], sys.argv[3]
try:
    pika.BlockingConnection(pika.ConnectionParameters('127.0.0.1', port, vhost, pika.PlainCredentials(user, user + '-pw'))).close()
    print(json.dumps({'open': True}))
except pika.exceptions.AMQPConnectionError as e:
    print(json.dumps({'error': type(e).__name__, 'message': str(e)}))
`;

test('AMQP connection.open needs some right in the vhost (amqp:<vhost>:...): otherwise 530 NOT_ALLOWED, audited; super users pass; a DENY ALL over the vhost wins', async () => {
  assert.equal(await openVhost('eve', '/'), 'refused');
  if (clients.pika()) {
    const r = await runPython(PIKA_OPEN, [String(amqpPort), 'eve', '/'], { limitMs: 30_000 });
    expectSuccess(r, 'pika connection.open');
    const [line] = jsonLines<{ error: string; message: string }>(r.stdout);
    // pika names a close during the opening handshake a probable access denial and quotes the close.
    assert.equal(line?.error, 'ProbableAccessDeniedError');
    assert.match(line?.message ?? '', /ConnectionClosedByBroker: \(530\) "NOT_ALLOWED - access to vhost '\/' refused for user 'eve'"/);
  }
  assert.ok(b.logs.some((r) => r.msg === 'denied' && r.fields?.protocol === 'amqp' && r.fields?.principal === 'User:eve' && r.fields?.name === 'amqp:/:*'), 'the refusal is audited');
  assert.equal(await openVhost('alice', '/'), 'open', 'rights on a queue and an exchange in "/" open it');
  assert.equal(await openVhost('mallory', '/'), 'open', 'a literal ACL on amqp:/: opens the vhost alone');
  assert.equal(await openVhost('alice', 'billing'), 'refused', 'rights in "/" do not open "billing"');
  assert.equal(await openVhost('admin', 'billing'), 'open', 'super users open every vhost');

  const prefixed = allow('User:eve', Operation.READ, 'amqp:billing:queue:eve-', PatternType.PREFIXED);
  const denyAll: AclBinding = { ...allow('User:eve', Operation.ALL, 'amqp:billing:', PatternType.PREFIXED), permission: Permission.DENY };
  await b.broker.state.security.acls.add([prefixed]);
  try {
    assert.equal(await openVhost('eve', 'billing'), 'open', 'a PREFIXED right inside the vhost opens it');
    assert.equal(await openVhost('eve', '/'), 'refused', 'and only that vhost');
    await b.broker.state.security.acls.add([denyAll]);
    assert.equal(await openVhost('eve', 'billing'), 'refused', 'DENY ALL over the whole vhost beats the allow inside it');
  } finally {
    await b.broker.state.security.acls.remove([{ ...prefixed }, { ...denyAll }]);
  }
});

/** What a broker answers mallory (no rights) and alice (read/write on sensors/#), as reason codes. */
async function mqttAnswers(port: number): Promise<Record<string, unknown>> {
  const codeOf = (p: Promise<unknown>) => p.then(() => 'acknowledged', (e: Error & { code?: number }) => e.code);
  const out: Record<string, unknown> = {};
  const m5 = await mqttClient('mallory', 5, port);
  out['5.0 SUBACK'] = await suback(m5, 'sensors/#');
  out['5.0 PUBACK'] = await codeOf(m5.publishAsync('sensors/x', 'a', { qos: 1 }));
  out['5.0 PUBREC'] = await codeOf(m5.publishAsync('sensors/x', 'b', { qos: 2 }));
  await m5.endAsync();
  const m4 = await mqttClient('mallory', 4, port);
  out['3.1.1 SUBACK'] = await suback(m4, 'sensors/#');
  out['3.1.1 PUBACK'] = await codeOf(m4.publishAsync('sensors/x', 'c', { qos: 1 }));
  await m4.endAsync();
  for (const v of [5, 4] as const) {
    const will = await connectWithWill('mallory', v, 'sensors/x', port);
    out[`${v === 5 ? '5.0' : '3.1.1'} will CONNACK`] = will.code;
    await will.client?.endAsync();
  }
  const a5 = await mqttClient('alice', 5, port);
  out['alice SUBACK'] = await suback(a5, 'sensors/#');
  out['alice PUBACK'] = await codeOf(a5.publishAsync('sensors/x', 'd', { qos: 1 }));
  await a5.endAsync();
  return out;
}

test('MQTT publish refusals are Mosquitto’s: the same mqtt.js exchanges against mosquitto with an equivalent acl_file get the same reason codes (subscriptions: Brook refuses at SUBACK, mosquitto grants and delivers nothing)', { skip: skipWithoutMosquitto }, async () => {
  assert.ok(mosquittoBinary, 'mosquitto is installed under CI (scripts/ensure-test-deps.sh)');
  const mosquitto = await startMosquitto({ alice: 'alice-pw', mallory: 'mallory-pw' }, 'user alice\ntopic readwrite sensors/#\n');
  try {
    const fromMosquitto = await mqttAnswers(mosquitto.port);
    const fromBrook = await mqttAnswers(mqttPort);
    // The one deliberate difference: mosquitto's acl_file grants a subscription it will deliver nothing
    // to (it checks READ per message); Brook refuses it in the SUBACK (0x87 / 0x80), so a client learns
    // at once. Everything else is the same.
    assert.deepEqual([fromMosquitto['5.0 SUBACK'], fromMosquitto['3.1.1 SUBACK']], [[1], [1]]);
    assert.deepEqual([fromBrook['5.0 SUBACK'], fromBrook['3.1.1 SUBACK']], [[0x87], [0x80]]);
    // The second: mosquitto 2.0 accepts a CONNECT whose will it may not publish and drops the will when
    // it is sent; Brook refuses the CONNECT (0x87 / 5), as Mosquitto 1.x and VerneMQ did (and drops a
    // will whose ACL went away after CONNECT, as mosquitto 2.0 does).
    assert.deepEqual([fromMosquitto['5.0 will CONNACK'], fromMosquitto['3.1.1 will CONNACK']], ['accepted', 'accepted']);
    assert.deepEqual([fromBrook['5.0 will CONNACK'], fromBrook['3.1.1 will CONNACK']], [0x87, 5]);
    const without = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([k]) => !/^(5\.0|3\.1\.1) (will CONNACK|SUBACK)$/.test(k)));
    assert.deepEqual(without(fromBrook), without(fromMosquitto));
    assert.equal(fromBrook['5.0 PUBACK'], 0x87);
  } finally {
    mosquitto.stop();
  }
});
