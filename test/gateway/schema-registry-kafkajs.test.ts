// npm's @kafkajs/confluent-schema-registry (Avro and JSON Schema, wire format) against Brook's
// registry, and the same wire format across clients: a value the gateway encodes for a REST v3
// AVRO produce decodes with that library, and a value the library encodes decodes in a REST v2
// avro consumer.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { LogReader, createConsumer } from '../../src/client/index.js';
import { http, startTestGateway, until, type TestGateway } from './gateway-harness.js';

const PERSON = JSON.stringify({ type: 'record', name: 'Person', namespace: 'brook.test', fields: [{ name: 'name', type: 'string' }, { name: 'age', type: 'int' }] });
const PERSON_V2 = JSON.stringify({
  type: 'record',
  name: 'Person',
  namespace: 'brook.test',
  fields: [{ name: 'name', type: 'string' }, { name: 'age', type: 'int' }, { name: 'email', type: ['null', 'string'], default: null }],
});
const TICKET = JSON.stringify({ type: 'object', properties: { seat: { type: 'string' }, price: { type: 'number', minimum: 0 } }, required: ['seat'] });

describe('@kafkajs/confluent-schema-registry', () => {
  let gw: TestGateway;
  let registry: SchemaRegistry;
  before(async () => {
    gw = await startTestGateway();
    registry = new SchemaRegistry({ host: gw.url });
  });
  after(async () => gw?.close());

  test('Avro: register, encode, decode, evolve, refuse an incompatible change', async () => {
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: PERSON }, { subject: 'people-value' });
    const bytes = await registry.encode(id, { name: 'Ada', age: 36 });
    assert.equal(bytes[0], 0, 'magic byte');
    assert.equal(bytes.readInt32BE(1), id);
    assert.deepEqual({ ...(await registry.decode(bytes)) }, { name: 'Ada', age: 36 });
    assert.equal(await registry.getLatestSchemaId('people-value'), id);
    assert.equal(await registry.getRegistryIdBySchema('people-value', { type: SchemaType.AVRO, schema: PERSON }), id);
    const again = await registry.register({ type: SchemaType.AVRO, schema: PERSON }, { subject: 'people-value' });
    assert.equal(again.id, id, 'the same schema registers to the same id');
    const v2 = await registry.register({ type: SchemaType.AVRO, schema: PERSON_V2 }, { subject: 'people-value' });
    assert.notEqual(v2.id, id);
    const breaking = JSON.stringify({ type: 'record', name: 'Person', namespace: 'brook.test', fields: [{ name: 'name', type: 'int' }] });
    await assert.rejects(registry.register({ type: SchemaType.AVRO, schema: breaking }, { subject: 'people-value' }), /incompatible/i);
  });

  test('JSON Schema: register, validate on encode, decode', async () => {
    const { id } = await registry.register({ type: SchemaType.JSON, schema: TICKET }, { subject: 'tickets-value' });
    const bytes = await registry.encode(id, { seat: '12A', price: 40 });
    assert.deepEqual(await registry.decode(bytes), { seat: '12A', price: 40 });
    await assert.rejects(registry.encode(id, { price: -1 }));
    const stored = await http(gw.url, 'GET', '/subjects/tickets-value/versions/latest');
    assert.equal((stored.json as { schemaType: string }).schemaType, 'JSON');
  });

  test('one wire format across REST v3, REST v2 and the library', async () => {
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: PERSON }, { subject: 'crew-value' });
    await http(gw.url, 'POST', `/v3/clusters/${gw.clusterId}/topics`, { body: { topic_name: 'crew', partitions_count: 1 } });
    // The "latest_schema" form of kafka-rest's examples: no type, the subject's latest schema.
    const produced = await http(gw.url, 'POST', `/v3/clusters/${gw.clusterId}/topics/crew/records`, { body: { value: { data: { name: 'Grace', age: 45 } } } });
    assert.equal(produced.status, 200, produced.text);
    assert.deepEqual((produced.json as { value: unknown }).value, { type: 'AVRO', size: 5 + 1 + 5 + 1 });
    const consumer = createConsumer({ brokers: [gw.broker.bootstrap], clientId: 'crew-reader' }, { groupId: 'crew-reader' });
    try {
      const round = await new LogReader(consumer, { maxWaitMs: 100 }).fetch([{ topic: 'crew', partition: 0, offset: 0n }]);
      assert.deepEqual({ ...(await registry.decode(round.records[0]!.value!)) }, { name: 'Grace', age: 45 });
    } finally {
      await consumer.close();
    }
    // The library's bytes, read by a REST v2 consumer in the avro format.
    const encoded = await registry.encode(id, { name: 'Linus', age: 28 });
    const binary = await http(gw.url, 'POST', '/topics/crew', { body: { records: [{ value: encoded.toString('base64') }] }, type: 'application/vnd.kafka.binary.v2+json' });
    assert.equal(binary.status, 200, binary.text);
    const v2 = 'application/vnd.kafka.v2+json';
    await http(gw.url, 'POST', '/consumers/crew-avro', { body: { name: 'c', format: 'avro', 'auto.offset.reset': 'earliest' }, type: v2 });
    await http(gw.url, 'POST', '/consumers/crew-avro/instances/c/subscription', { body: { topics: ['crew'] }, type: v2 });
    const records = await until('two avro records', async () => {
      const r = await http(gw.url, 'GET', '/consumers/crew-avro/instances/c/records?timeout=500', { headers: { accept: 'application/vnd.kafka.avro.v2+json' } });
      assert.equal(r.status, 200, r.text);
      const list = r.json as { value: unknown }[];
      return list.length > 0 ? list : undefined;
    });
    assert.deepEqual(records.map((r) => r.value), [{ name: 'Grace', age: 45 }, { name: 'Linus', age: 28 }]);
    await http(gw.url, 'DELETE', '/consumers/crew-avro/instances/c', { headers: { 'content-type': v2 } });
  });
});
