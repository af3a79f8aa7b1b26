// READ taken away after SUBSCRIBE stops MQTT deliveries (docs/security.md, "AMQP and MQTT"): the
// subscription stays, messages published while the subscriber may not read them are dropped and the
// denial audited, and deliveries resume once READ is granted again — what mosquitto does when its
// acl_file loses a read rule (it checks READ per message). A persistent session restored after a
// restart is still authorised as the principal that connected, for the messages queued while its
// client is away. A shared subscription's member without READ drops the message for its group, as
// mosquitto does. A QoS 1 message sent but unacknowledged is not sent again on reconnect once READ
// is gone, as mosquitto 2.0 (compared here with an acl_file reloaded on SIGHUP) drops the outgoing
// messages a reconnecting client may not read. Driven by mqtt.js against an in-process broker.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { skipWithoutMosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { Operation, PatternType, Permission, ResourceType, type AclBinding } from '../../src/broker/security/acl-model.js';

let b: TestBroker;

const allow = (principal: string, operation: number, name: string): AclBinding => ({ resourceType: ResourceType.TOPIC, resourceName: name, patternType: PatternType.LITERAL, principal, host: '*', operation, permission: Permission.ALLOW });
const bobReads = allow('User:bob', Operation.READ, 'sensors');

before(async () => {
  b = await startTestBroker({
    mqttPort: 0,
    config: {
      'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'brook.mqtt.users': 'alice:alice-pw,bob:bob-pw',
      'brook.mqtt.topic.mappings': 'sensors/#=sensors',
    },
  });
  await b.broker.state.topics.create({ name: 'sensors', numPartitions: 1, replicationFactor: -1, configs: {} });
  await b.broker.state.security.acls.add([allow('User:alice', Operation.WRITE, 'sensors'), allow('User:bob', Operation.WRITE, 'sensors'), bobReads]);
});
after(async () => {
  await b.close();
});

function connect(user: string, options: mqtt.IClientOptions = {}): mqtt.MqttClient {
  return mqtt.connect(`mqtt://127.0.0.1:${b.broker.mqttPort!}`, { username: user, password: `${user}-pw`, reconnectPeriod: 0, ...options });
}

const bobDenials = (): number => b.logs.filter((r) => r.msg === 'denied' && r.fields?.protocol === 'mqtt' && r.fields?.principal === 'User:bob' && r.fields?.operation === Operation.READ && r.fields?.name === 'sensors').length;

/** Resolves when `done` holds, re-checked each turn; fails after `limitMs` (a guard against a hang, not a synchronisation). */
async function until(what: string, done: () => boolean, limitMs = 20_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!done()) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

test('READ removed after SUBSCRIBE: the next message is not delivered and the denial is audited; READ granted again: deliveries resume', async () => {
  const bob = connect('bob', { protocolVersion: 5, clientId: 'bob-live' });
  const received: string[] = [];
  bob.on('message', (_topic, payload) => received.push(payload.toString()));
  await new Promise((resolve) => bob.once('connect', resolve));
  try {
    await bob.subscribeAsync('sensors/#', { qos: 1 });
    await bob.publishAsync('sensors/hall', 'one', { qos: 1 });
    await until('the first message', () => received.length === 1);

    await b.broker.state.security.acls.remove([{ ...bobReads }]);
    const denials = bobDenials();
    // bob keeps WRITE: his own publish is stored, and must not come back to him.
    await bob.publishAsync('sensors/hall', 'two', { qos: 1 });
    await until('the denial (or, wrongly, the delivery)', () => bobDenials() > denials || received.length > 1);
    assert.deepEqual(received, ['one'], 'nothing delivered after READ went');

    await b.broker.state.security.acls.add([bobReads]);
    await bob.publishAsync('sensors/hall', 'three', { qos: 1 });
    await until('the message after READ came back', () => received.length >= 2);
    // Same partition, so "two" would have arrived before "three" had it been delivered.
    assert.deepEqual(received, ['one', 'three']);
  } finally {
    await bob.endAsync();
  }
});

test('a persistent session restored after a restart is authorised as its principal: a message it may not read is not queued for it', async () => {
  await b.broker.state.security.acls.add([bobReads]);
  const first = connect('bob', { protocolVersion: 4, clientId: 'bob-logger', clean: false });
  await new Promise((resolve) => first.once('connect', resolve));
  await first.subscribeAsync('sensors/#', { qos: 1 });
  await first.endAsync();

  b = await b.restart();
  await b.broker.state.security.acls.remove([{ ...bobReads }]);
  const alice = connect('alice', { protocolVersion: 5, clientId: 'alice-pub' });
  await new Promise((resolve) => alice.once('connect', resolve));
  try {
    const denials = bobDenials();
    await alice.publishAsync('sensors/door', 'while-denied', { qos: 1 });
    // The restored session is checked as User:bob (not as nobody, nor anonymous) and refuses the message.
    await until('the denial for the restored session', () => bobDenials() > denials);
    await b.broker.state.security.acls.add([bobReads]);
    await alice.publishAsync('sensors/door', 'after-grant', { qos: 1 });
  } finally {
    await alice.endAsync();
  }

  const back = connect('bob', { protocolVersion: 4, clientId: 'bob-logger', clean: false });
  const received: string[] = [];
  back.on('message', (_topic, payload) => received.push(payload.toString()));
  try {
    await until('the queued message', () => received.length >= 1);
    assert.deepEqual(received, ['after-grant'], 'only the message queued while bob could read it');
  } finally {
    await back.endAsync();
  }
});

test('a shared subscription whose member loses READ: the message is dropped for the group (as mosquitto drops it), not delivered later', async () => {
  await b.broker.state.security.acls.add([bobReads]);
  const bob = connect('bob', { protocolVersion: 5, clientId: 'bob-shared' });
  const received: string[] = [];
  bob.on('message', (_topic, payload) => received.push(payload.toString()));
  await new Promise((resolve) => bob.once('connect', resolve));
  try {
    await bob.subscribeAsync('$share/loggers/sensors/#', { qos: 1 });
    await bob.publishAsync('sensors/porch', 'first', { qos: 1 });
    await until('the first shared message', () => received.length === 1);

    await b.broker.state.security.acls.remove([{ ...bobReads }]);
    const denials = bobDenials();
    await bob.publishAsync('sensors/porch', 'denied', { qos: 1 });
    await until('the denial (or, wrongly, the delivery)', () => bobDenials() > denials || received.length > 1);
    assert.deepEqual(received, ['first']);

    await b.broker.state.security.acls.add([bobReads]);
    await bob.publishAsync('sensors/porch', 'last', { qos: 1 });
    await until('the message after READ came back', () => received.length >= 2);
    assert.deepEqual(received, ['first', 'last'], 'the denied message was not handed out again');
  } finally {
    await bob.endAsync();
  }
});

interface Rights {
  revoke(): Promise<void>;
  grant(): Promise<void>;
}

/**
 * bob (5.0, persistent session) is sent a QoS 1 message by alice and never acknowledges it; he goes
 * away, loses READ, and reconnects to the session. Then READ comes back and alice publishes again.
 * Returns what the reconnected client received: an unacknowledged PUBLISH is sent again right after
 * CONNACK, before anything published later, so it would come before `after-grant`.
 */
async function unacknowledgedThenRevoked(port: number, rights: Rights): Promise<{ payload: string; dup: boolean }[]> {
  const url = `mqtt://127.0.0.1:${port}`;
  const as = (user: string): mqtt.IClientOptions => ({ username: user, password: `${user}-pw`, reconnectPeriod: 0 });
  // mqtt.js leaves the PUBACK to customHandleAcks on 5.0 only: never calling back keeps the message in flight.
  const held: string[] = [];
  const session = { ...as('bob'), protocolVersion: 5, clientId: 'bob-unacked', clean: false, properties: { sessionExpiryInterval: 3600 } } as const;
  const first = mqtt.connect(url, { ...session, customHandleAcks: (_topic, payload) => void held.push(payload.toString()) });
  await new Promise((resolve) => first.once('connect', resolve));
  await first.subscribeAsync('sensors/#', { qos: 1 });
  const alice = await mqtt.connectAsync(url, { ...as('alice'), protocolVersion: 5, clientId: 'alice-unacked-pub' });
  try {
    await alice.publishAsync('sensors/attic', 'in-flight', { qos: 1 });
    await until('the unacknowledged message', () => held.length === 1);
    await first.endAsync(true);

    await rights.revoke();
    const received: { payload: string; dup: boolean }[] = [];
    const back = mqtt.connect(url, session);
    back.on('message', (_topic, payload, packet) => received.push({ payload: payload.toString(), dup: packet.dup }));
    try {
      await new Promise((resolve) => back.once('connect', resolve));
      await rights.grant();
      await alice.publishAsync('sensors/attic', 'after-grant', { qos: 1 });
      await until('the message after READ came back', () => received.some((r) => r.payload === 'after-grant'));
      return received;
    } finally {
      await back.endAsync();
    }
  } finally {
    await alice.endAsync();
  }
}

test('a QoS 1 message sent but not acknowledged is not sent again on reconnect once READ is gone, and the denial is audited', async () => {
  await b.broker.state.security.acls.add([bobReads]);
  let denials = 0;
  const received = await unacknowledgedThenRevoked(b.broker.mqttPort!, {
    revoke: async () => {
      await b.broker.state.security.acls.remove([{ ...bobReads }]);
      denials = bobDenials();
    },
    grant: async () => {
      assert.ok(bobDenials() > denials, 'the reconnected session was refused the resend, and the denial audited');
      await b.broker.state.security.acls.add([bobReads]);
    },
  });
  assert.deepEqual(received, [{ payload: 'after-grant', dup: false }], 'the unacknowledged message is neither resent nor delivered once READ is back');
});

const MOSQUITTO_USERS = { alice: 'alice-pw', bob: 'bob-pw' };
const MOSQUITTO_ACL = 'user alice\ntopic readwrite sensors/#\n';
const BOB_READS = 'user bob\ntopic read sensors/#\n';

test('mosquitto does the same: after its acl_file loses bob\'s read rule, the unacknowledged message is not sent again on reconnect', { skip: skipWithoutMosquitto }, async () => {
  const mosquitto = await startMosquitto(MOSQUITTO_USERS, MOSQUITTO_ACL + BOB_READS);
  try {
    const received = await unacknowledgedThenRevoked(mosquitto.port, {
      revoke: () => mosquitto.reloadAcl(MOSQUITTO_ACL),
      grant: () => mosquitto.reloadAcl(MOSQUITTO_ACL + BOB_READS),
    });
    assert.deepEqual(received, [{ payload: 'after-grant', dup: false }]);
  } finally {
    mosquitto.stop();
  }
});

test('the comparison is sound: with READ kept, mosquitto and Brook both send the unacknowledged message again, with DUP', { skip: skipWithoutMosquitto }, async () => {
  const mosquitto = await startMosquitto(MOSQUITTO_USERS, MOSQUITTO_ACL + BOB_READS);
  try {
    const kept: Rights = { revoke: async () => undefined, grant: async () => undefined };
    const fromMosquitto = await unacknowledgedThenRevoked(mosquitto.port, kept);
    await b.broker.state.security.acls.add([bobReads]);
    const fromBrook = await unacknowledgedThenRevoked(b.broker.mqttPort!, kept);
    const expected = [{ payload: 'in-flight', dup: true }, { payload: 'after-grant', dup: false }];
    assert.deepEqual(fromMosquitto, expected);
    assert.deepEqual(fromBrook, expected);
  } finally {
    mosquitto.stop();
  }
});
