// brook/streams' Schema Registry serdes against Brook's registry: the wire format agrees with
// npm's @kafkajs/confluent-schema-registry in both directions, a record written by a newer schema
// registered after the serde was created is read through Avro schema resolution (fetched on first
// sight), JSON Schema values are validated, and a streams App turns Avro input into JSON Schema
// output through a real broker.
//
// Broker and gateway run as `brook start` in a child process: a serde meeting an unknown schema id
// blocks its thread while a worker fetches the schema, so the registry must not share that thread
// (as it does not in any real deployment).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killSpawned, spawnBrook, type RunningBrook } from '../helpers/brook-process.js';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { App, SchemaRegistryClient, avro, jsonSchema, string } from '../../src/streams/index.js';
import { createTopics, produce, readTopic, waitFor } from '../streams/helpers/kafka.js';
import { http, until } from './gateway-harness.js';

interface Child {
  brook: RunningBrook;
  url: string;
  bootstrap: string;
  dir: string;
}

async function brookStart(): Promise<Child> {
  const dir = mkdtempSync(join(tmpdir(), 'brook-serdes-'));
  const args = ['start', '--port', '0', '--http-port', '0', '--data-dir', join(dir, 'data'), '--set', 'group.initial.rebalance.delay.ms=0', '--set', 'group.min.session.timeout.ms=500'];
  const brook = await spawnBrook(args, /Press Ctrl\+C/);
  const out = brook.stdout();
  const url = /http\s+(http:\/\/\S+:\d+)/.exec(out)![1]!;
  await until('/ready', async () => ((await http(url, 'GET', '/ready')).status === 200 ? true : undefined));
  return { brook, url, bootstrap: /bootstrap\s+(\S+)/.exec(out)![1]!, dir };
}

interface Reading {
  sensor: string;
  celsius: number;
}

const READING_V1 = { type: 'record', name: 'Reading', namespace: 'brook.serdes', fields: [{ name: 'sensor', type: 'string' }, { name: 'celsius', type: 'double' }] };
const READING_V2 = { ...READING_V1, fields: [...READING_V1.fields, { name: 'unit', type: 'string', default: 'C' }] };
const FAHRENHEIT = { type: 'object', properties: { sensor: { type: 'string' }, fahrenheit: { type: 'number' } }, required: ['sensor', 'fahrenheit'], additionalProperties: false };

describe('brook/streams Schema Registry serdes', () => {
  let gw: Child;
  let client: SchemaRegistryClient;
  let other: SchemaRegistry;
  before(async () => {
    gw = await brookStart();
    client = new SchemaRegistryClient({ url: gw.url });
    other = new SchemaRegistry({ host: gw.url });
  });
  after(async () => {
    if (gw) {
      gw.brook.child.kill('SIGTERM');
      await gw.brook.exited;
      rmSync(gw.dir, { recursive: true, force: true });
    }
    killSpawned();
  });

  test('Avro: one wire format with another client, and reading a newer writer', async () => {
    const serde = await avro<Reading>(client, { subject: 'readings-value', schema: READING_V1 });
    const bytes = serde.serialize({ sensor: 's1', celsius: 21.5 });
    assert.deepEqual({ ...(await other.decode(bytes)) }, { sensor: 's1', celsius: 21.5 });
    const fromOther = await other.encode(await other.getLatestSchemaId('readings-value'), { sensor: 's2', celsius: -3 });
    assert.deepEqual({ ...serde.deserialize(fromOther) }, { sensor: 's2', celsius: -3 });

    // Registered after the serde exists: its id is unknown to it until a record carries it.
    const { id } = await other.register({ type: SchemaType.AVRO, schema: JSON.stringify(READING_V2) }, { subject: 'readings-value' });
    const newer = await other.encode(id, { sensor: 's3', celsius: 30, unit: 'K' });
    assert.deepEqual({ ...serde.deserialize(newer) }, { sensor: 's3', celsius: 30 }, 'resolved into the reader schema');
    assert.throws(() => serde.deserialize(Buffer.from('plain text')), /wire format/);
  });

  test('JSON Schema: validated on write and read', async () => {
    const serde = await jsonSchema<{ sensor: string; fahrenheit: number }>(client, { subject: 'fahrenheit-value', schema: FAHRENHEIT });
    const bytes = serde.serialize({ sensor: 's1', fahrenheit: 70.7 });
    assert.deepEqual(await other.decode(bytes), { sensor: 's1', fahrenheit: 70.7 });
    assert.deepEqual(serde.deserialize(bytes), { sensor: 's1', fahrenheit: 70.7 });
    assert.throws(() => serde.serialize({ sensor: 's1' } as never), /does not match the JSON Schema/);
  });

  test('a streams App reads Avro and writes JSON Schema through the broker', async () => {
    await createTopics(gw.bootstrap, { 'celsius-in': 1, 'fahrenheit-out': 1 });
    const inSerde = await avro<Reading>(client, { subject: 'celsius-in-value', schema: READING_V1 });
    const outSerde = await jsonSchema<{ sensor: string; fahrenheit: number }>(client, { subject: 'fahrenheit-out-value', schema: FAHRENHEIT });
    const input = [{ sensor: 'a', celsius: 0 }, { sensor: 'b', celsius: 100 }, { sensor: 'c', celsius: -40 }];
    await produce(gw.bootstrap, 'celsius-in', input.map((r, i) => ({ key: r.sensor, value: inSerde.serialize(r), timestamp: 1000 + i })), 1);
    const app = new App({ appId: 'to-fahrenheit', brokers: [gw.bootstrap], commitIntervalMs: 200, sessionTimeoutMs: 3000 });
    app
      .stream('celsius-in', { key: string, value: inSerde })
      .mapValues((r) => ({ sensor: r.sensor, fahrenheit: (r.celsius * 9) / 5 + 32 }))
      .to('fahrenheit-out', { key: string, value: outSerde });
    const running = await app.start();
    try {
      await running.ready;
      await waitFor(async () => (await readTopic(gw.bootstrap, 'fahrenheit-out')).length >= 3, 'three outputs');
    } finally {
      await running.close();
      await running.done;
    }
    const out = await readTopic(gw.bootstrap, 'fahrenheit-out');
    const values = await Promise.all(out.map((r) => other.decode(r.value!)));
    assert.deepEqual(values, [{ sensor: 'a', fahrenheit: 32 }, { sensor: 'b', fahrenheit: 212 }, { sensor: 'c', fahrenheit: -40 }]);
  });
});
