// The AVRO and JSON_SR formats through the gateway's schema registry, driven the way a ksqlDB user
// does: a producer writes Avro with an independent Schema Registry client (npm's
// @kafkajs/confluent-schema-registry), CREATE STREAM without columns infers them from the
// registered schema, persistent queries write AVRO and JSON_SR sinks whose schemas they register
// (ksqlDB's KsqlDataSourceSchema record), and the same client decodes what they wrote.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { createAdmin, createProducer } from '../../src/client/index.js';
import { http } from '../gateway/gateway-harness.js';
import { ksql, ksqlError, query, startSqlGateway, until, waitForRecords } from './sql-harness.js';

const ORDER_SCHEMA = {
  type: 'record',
  name: 'Order',
  namespace: 'shop',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'qty', type: 'int' },
    { name: 'price', type: 'double' },
    { name: 'note', type: ['null', 'string'], default: null },
    { name: 'placed', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'customer', type: { type: 'record', name: 'Customer', fields: [{ name: 'name', type: 'string' }, { name: 'tier', type: 'int' }] } },
  ],
};

test('AVRO: columns inferred from the registry, an AVRO sink with its registered schema, JSON_SR round trip, INSERT VALUES with the producer schema', async (t) => {
  let g = await startSqlGateway({ registry: true });
  t.after(() => g.close());
  // JSON Schemas written by ksqlDB (and Brook) carry Kafka Connect's `connect.*` keywords, which
  // ajv's strict mode (this client's default) refuses; Confluent's own clients accept them.
  const registry = new SchemaRegistry({ host: g.url }, { [SchemaType.JSON]: { strict: false } });

  const admin = createAdmin({ brokers: [g.broker.bootstrap], clientId: 'avro-admin' });
  await admin.createTopics({ topics: ['orders'], partitions: 1, replicas: 1 });
  await new Promise<void>((resolve) => admin.close(() => resolve()));
  const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(ORDER_SCHEMA) }, { subject: 'orders-value' });
  const orders = [
    { id: 'o1', qty: 2, price: 2.5, note: null, placed: 1_700_000_000_000, customer: { name: 'ann', tier: 1 } },
    { id: 'o2', qty: 1, price: 10, note: 'gift', placed: 1_700_000_001_000, customer: { name: 'bob', tier: 2 } },
    { id: 'o3', qty: 4, price: 1.25, note: null, placed: 1_700_000_002_000, customer: { name: 'ann', tier: 1 } },
  ];
  const producer = createProducer({ brokers: [g.broker.bootstrap], clientId: 'avro-producer' }, { acks: -1 });
  try {
    const messages = [];
    for (const o of orders) messages.push({ topic: 'orders', key: Buffer.from(o.id), value: await registry.encode(id, o) });
    // A record not in the wire format is skipped (processing log), not fatal.
    messages.push({ topic: 'orders', key: Buffer.from('bad'), value: Buffer.from('{"not":"avro"}') });
    await producer.send({ messages });
  } finally {
    await new Promise<void>((resolve) => producer.close(() => resolve()));
  }

  // No columns: inferred from orders-value, names upper-cased; the key column is declared.
  await ksql(g, "CREATE STREAM orders (order_key STRING KEY) WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='AVRO');");
  const [described] = await ksql(g, 'DESCRIBE orders;');
  const fields = (described!.sourceDescription as { fields: Array<{ name: string; schema: { type: string } }> }).fields;
  assert.deepEqual(
    fields.map((f) => [f.name, f.schema.type]),
    [
      ['ORDER_KEY', 'STRING'],
      ['ID', 'STRING'],
      ['QTY', 'INTEGER'],
      ['PRICE', 'DOUBLE'],
      ['NOTE', 'STRING'],
      ['PLACED', 'TIMESTAMP'],
      ['CUSTOMER', 'STRUCT'],
    ],
  );

  const pushed = await query(g, 'SELECT order_key, id, qty * price AS total, note, customer->name AS who FROM orders EMIT CHANGES LIMIT 3;', { 'auto.offset.reset': 'earliest' });
  assert.deepEqual(pushed.rows, [
    ['o1', 'o1', 5, null, 'ann'],
    ['o2', 'o2', 10, 'gift', 'bob'],
    ['o3', 'o3', 5, null, 'ann'],
  ]);

  // An AVRO sink: the query registers BIG_ORDERS-value (ksqlDB's record name, upper-case optional fields).
  await ksql(g, 'CREATE STREAM big_orders AS SELECT order_key, id, qty, qty * price AS total, customer FROM orders WHERE qty > 1 EMIT CHANGES;', { 'auto.offset.reset': 'earliest' });
  const sink = await waitForRecords(g, 'BIG_ORDERS', 2);
  const subject = await http(g.url, 'GET', '/subjects/BIG_ORDERS-value/versions/latest');
  assert.equal(subject.status, 200, subject.text);
  const registered = JSON.parse((subject.json as { schema: string }).schema) as { name: string; namespace: string; fields: Array<{ name: string; type: unknown; default: unknown }> };
  assert.equal(`${registered.namespace}.${registered.name}`, 'io.confluent.ksql.avro_schemas.KsqlDataSourceSchema');
  assert.deepEqual(registered.fields.map((f) => [f.name, f.type instanceof Array ? f.type[0] : f.type, f.default]).slice(0, 3), [
    ['ID', 'null', null],
    ['QTY', 'null', null],
    ['TOTAL', 'null', null],
  ]);
  const decoded = await Promise.all(sink.map(async (r) => [r.key!.toString(), await registry.decode(r.value!)]));
  assert.deepEqual(JSON.parse(JSON.stringify(decoded)), [
    ['o1', { ID: 'o1', QTY: 2, TOTAL: 5, CUSTOMER: { NAME: 'ann', TIER: 1 } }],
    ['o3', { ID: 'o3', QTY: 4, TOTAL: 5, CUSTOMER: { NAME: 'ann', TIER: 1 } }],
  ]);

  // An AVRO key: a table grouped by customer name, its key registered as BY_CUSTOMER-key.
  await ksql(g, "CREATE TABLE by_customer WITH (KEY_FORMAT='AVRO', VALUE_FORMAT='AVRO') AS SELECT customer->name AS who, SUM(qty) AS qty FROM orders GROUP BY customer->name EMIT CHANGES;", { 'auto.offset.reset': 'earliest' });
  const keyed = await until('both customers summed', async () => {
    const rs = await waitForRecords(g, 'BY_CUSTOMER', 1);
    const last = new Map<string, unknown>();
    for (const r of rs) last.set(String(await registry.decode(r.key!)), await registry.decode(r.value!));
    return JSON.stringify(Object.fromEntries(last)) === JSON.stringify({ ann: { QTY: 6 }, bob: { QTY: 1 } }) ? last : undefined;
  }, 60_000);
  assert.equal(keyed.size, 2);
  assert.equal((await http(g.url, 'GET', '/subjects/BY_CUSTOMER-key/versions/latest')).status, 200);

  // JSON_SR: a sink written as JSON Schema, then read back as a source inferred from its schema.
  await ksql(g, "CREATE STREAM orders_json WITH (VALUE_FORMAT='JSON_SR') AS SELECT order_key, id, qty, price, placed FROM orders EMIT CHANGES;", { 'auto.offset.reset': 'earliest' });
  const jsonSink = await waitForRecords(g, 'ORDERS_JSON', 3);
  assert.deepEqual(await registry.decode(jsonSink[1]!.value!), { ID: 'o2', QTY: 1, PRICE: 10, PLACED: 1_700_000_001_000 });
  await ksql(g, "CREATE STREAM orders_back (k STRING KEY) WITH (KAFKA_TOPIC='ORDERS_JSON', VALUE_FORMAT='JSON_SR');");
  const back = await query(g, 'SELECT k, id, qty, price, placed FROM orders_back EMIT CHANGES LIMIT 3;', { 'auto.offset.reset': 'earliest' });
  assert.deepEqual(back.header.columnTypes, ['STRING', 'STRING', 'INTEGER', 'DOUBLE', 'TIMESTAMP']);
  assert.deepEqual(back.rows[2], ['o3', 'o3', 4, 1.25, 1_700_000_002_000]);

  // INSERT VALUES into the inferred source writes with the producer's own schema (VALUE_SCHEMA_ID).
  await ksql(g, "INSERT INTO orders (order_key, id, qty, price, note, placed, customer) VALUES ('o4', 'o4', 3, 2.0, 'x', FROM_UNIXTIME(1700000003000), STRUCT(name := 'cy', tier := 3));");
  const all = await waitForRecords(g, 'orders', 5);
  const last = all[all.length - 1]!;
  assert.equal(last.value!.readInt32BE(1), id);
  assert.deepEqual(JSON.parse(JSON.stringify(await registry.decode(last.value!))), { id: 'o4', qty: 3, price: 2, note: 'x', placed: 1_700_000_003_000, customer: { name: 'cy', tier: 3 } });

  // Errors: no schema under the subject; a schema id on a format without a registry.
  const missing = await ksqlError(g, "CREATE STREAM nothing WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON_SR');");
  assert.match(String(missing.body.message), /Format JSON_SR needs a JSON schema, but subject orders-value has a AVRO schema/);
  await ksql(g, "CREATE STREAM other (x INT) WITH (KAFKA_TOPIC='other', VALUE_FORMAT='JSON', PARTITIONS=1);");
  const none = await ksqlError(g, "CREATE STREAM other_avro WITH (KAFKA_TOPIC='other', VALUE_FORMAT='AVRO');");
  assert.match(String(none.body.message), /Schema for message values on topic 'other' does not exist in the Schema Registry/);

  // The command topic holds the CREATE with the inferred columns and schema id: a restart replays it
  // without asking the registry again, and the AVRO sink's query resumes.
  g = await g.restart();
  const [again] = await ksql(g, 'DESCRIBE orders;');
  assert.equal((again!.sourceDescription as { fields: unknown[] }).fields.length, 7);
  assert.match(String((again!.sourceDescription as { statement: string }).statement), /VALUE_SCHEMA_ID=\d+/);
  const replayed = await query(g, 'SELECT id, total FROM big_orders EMIT CHANGES LIMIT 2;', { 'auto.offset.reset': 'earliest' });
  assert.deepEqual(replayed.rows, [
    ['o1', 5],
    ['o3', 5],
  ]);
});
