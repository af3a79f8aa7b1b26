// A Kafka topic as the source of an AMQP exchange: records produced by a Kafka client (kafkajs,
// unmodified) reach the bound AMQP queues by key, with amqp.* headers as properties and the other
// headers as AMQP headers; a message published to the exchange by an AMQP client (amqplib) is
// appended to the topic -- key from the routing key, properties as headers, partition by Kafka's
// default partitioner -- confirmed once written, and routed to the queues like every record.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import type { ChannelModel } from 'amqplib';
import { kafkaPartitionFor } from '../../src/broker/amqp/kafka-mapping.js';
import type { TestBroker } from '../helpers/broker.js';
import { confirmChannel, connect, rejection, startAmqpBroker, waitFor } from './amqp-helpers.js';

const { Kafka, logLevel } = kafkajs;
let broker: TestBroker & { amqpUrl: string };
let conn: ChannelModel;
let kafka: InstanceType<typeof Kafka>;

before(async () => {
  broker = await startAmqpBroker({ 'brook.amqp.topic.exchanges': 'payments-x=payments' });
  kafka = new Kafka({ clientId: 'amqp-bridge-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 3 }], waitForLeaders: true });
  await admin.disconnect();
  conn = await connect(broker.amqpUrl);
});
after(async () => {
  await conn.close().catch(() => {});
  await broker.close();
});

test('Kafka records are routed by key to bound AMQP queues; AMQP publishes become Kafka records', async () => {
  const ch = await confirmChannel(conn);
  await ch.assertExchange('orders-x', 'topic', { durable: true, arguments: { 'x-kafka-topic': 'orders' } });
  await ch.assertQueue('eu-orders', { durable: true });
  await ch.assertQueue('all-orders', { durable: true });
  await ch.bindQueue('eu-orders', 'orders-x', 'eu.*');
  await ch.bindQueue('all-orders', 'orders-x', '#');

  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: 'orders',
    acks: -1,
    messages: [
      { key: 'eu.17', value: 'order 17', headers: { 'amqp.content-type': 'text/plain', 'amqp.delivery-mode': '2', trace: 'abc' } },
      { key: 'us.4', value: 'order 4' },
    ],
  });
  await producer.disconnect();
  const eu = await waitFor(() => ch.get('eu-orders', { noAck: true }), 'Kafka record in eu-orders');
  assert.equal(eu.content.toString(), 'order 17');
  assert.equal(eu.fields.exchange, 'orders-x');
  assert.equal(eu.fields.routingKey, 'eu.17');
  assert.equal(eu.properties.contentType, 'text/plain');
  assert.equal(eu.properties.deliveryMode, 2);
  assert.equal(String(eu.properties.headers?.trace), 'abc');
  const all: string[] = [];
  await waitFor(async () => {
    const m = await ch.get('all-orders', { noAck: true });
    if (m) all.push(m.content.toString());
    return all.length === 2;
  }, 'both records in all-orders');
  assert.deepEqual(all.sort(), ['order 17', 'order 4']);

  // AMQP -> Kafka.
  ch.publish('orders-x', 'eu.99', Buffer.from('order 99'), { persistent: true, contentType: 'application/json', headers: { n: 5, who: 'amqp' } });
  await ch.waitForConfirms();
  const consumer = kafka.consumer({ groupId: 'bridge-reader' });
  await consumer.connect();
  await consumer.subscribe({ topic: 'orders', fromBeginning: true });
  const seen: { partition: number; key: string; value: string; headers: Record<string, string> }[] = [];
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
      seen.push({ partition, key: String(message.key), value: String(message.value), headers });
    },
  });
  await waitFor(() => seen.some((s) => s.key === 'eu.99'), 'the AMQP message on the topic');
  await consumer.disconnect();
  const rec = seen.find((s) => s.key === 'eu.99')!;
  assert.equal(rec.value, 'order 99');
  assert.equal(rec.partition, kafkaPartitionFor(Buffer.from('eu.99'), 3));
  assert.equal(rec.headers['amqp.content-type'], 'application/json');
  assert.equal(rec.headers['amqp.delivery-mode'], '2');
  assert.equal(rec.headers.n, '5');
  assert.equal(rec.headers.who, 'amqp');
  const back = await waitFor(() => ch.get('eu-orders', { noAck: true }), 'the AMQP message routed back into eu-orders');
  assert.equal(back.content.toString(), 'order 99');
});

test('brook.amqp.topic.exchanges declares an exchange for an existing topic; a missing topic is 406', async () => {
  const ch = await confirmChannel(conn);
  // payments did not exist at start: the configured exchange was skipped (logged).
  await assert.rejects(ch.checkExchange('payments-x'), /404/);
  const ch2 = await confirmChannel(conn);
  const e = await rejection(ch2.assertExchange('ghost-x', 'direct', { arguments: { 'x-kafka-topic': 'no-such-topic' } }));
  assert.match(e.message, /406/);
});
