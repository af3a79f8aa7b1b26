// MQTT clients log in as the broker's own users: a user made with `brook user create` (SCRAM credentials,
// shared with the Kafka listeners' SASL) connects over MQTT with its password and is refused with 0x86 for a
// wrong one; brook.mqtt.users still works beside it, and anonymous clients follow brook.mqtt.allow.anonymous.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ReasonCode } from '../../src/mqtt/index.js';
import { brook } from '../cli/cli-harness.js';
import { RawClient, startMqttBroker, type MqttTestBroker } from './mqtt-helpers.js';

let b: MqttTestBroker;
before(async () => {
  b = await startMqttBroker({ 'brook.mqtt.users': 'device-7:local-secret', 'brook.mqtt.allow.anonymous': 'false' });
});
after(async () => {
  await b.close();
});

async function connack(username: string | undefined, password: string | undefined): Promise<number> {
  const c = await RawClient.open(b.mqttPort, 5);
  try {
    c.send({ type: 'connect', protocolVersion: 5, cleanStart: true, keepAlive: 60, clientId: `c-${username ?? 'anon'}`, ...(username !== undefined ? { username } : {}), ...(password !== undefined ? { password: Buffer.from(password) } : {}) });
    return (await c.next('connack')).reasonCode;
  } finally {
    c.destroy();
  }
}

test('a user made with brook user create logs in over MQTT; wrong passwords, unknown users and anonymous clients are refused', async () => {
  const created = await brook(b.bootstrap, ['user', 'create', 'carol', '--password', 'carol-pass', '--iterations', '4096']);
  assert.equal(created.code, 0, created.stderr);
  assert.equal(await connack('carol', 'carol-pass'), ReasonCode.Success);
  assert.equal(await connack('carol', 'not-it'), ReasonCode.BadUserNameOrPassword);
  assert.equal(await connack('carol', undefined), ReasonCode.BadUserNameOrPassword);
  assert.equal(await connack('mallory', 'carol-pass'), ReasonCode.BadUserNameOrPassword);
  assert.equal(await connack('device-7', 'local-secret'), ReasonCode.Success, 'brook.mqtt.users beside the broker users');
  assert.equal(await connack('device-7', 'carol-pass'), ReasonCode.BadUserNameOrPassword);
  assert.equal(await connack(undefined, undefined), ReasonCode.NotAuthorized);
});
