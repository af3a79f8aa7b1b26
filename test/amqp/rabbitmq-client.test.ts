// rabbitmq-client (npm), unmodified: a confirming publisher, a consumer with prefetch and
// concurrency that acks by returning, an RPC client with direct reply queues (exclusive, auto-delete,
// server-named), and exchange/queue/binding declarations the client re-runs on reconnect.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Connection } from 'rabbitmq-client';
import type { TestBroker } from '../helpers/broker.js';
import { startAmqpBroker, waitFor } from './amqp-helpers.js';

let broker: TestBroker & { amqpUrl: string };
let rabbit: Connection;
before(async () => {
  broker = await startAmqpBroker();
  rabbit = new Connection({ url: broker.amqpUrl, connectionName: 'brook-test', retryLow: 50, retryHigh: 200 });
  rabbit.on('error', () => {});
});
after(async () => {
  await rabbit.close();
  await broker.close();
});

test('publisher with confirms, consumer with prefetch, and RPC over direct reply-to (amq.rabbitmq.reply-to)', async () => {
  const received: string[] = [];
  const consumer = rabbit.createConsumer(
    {
      queue: 'rc-jobs',
      queueOptions: { durable: true },
      qos: { prefetchCount: 4 },
      concurrency: 2,
      exchanges: [{ exchange: 'rc-ex', type: 'topic' }],
      queueBindings: [{ exchange: 'rc-ex', routingKey: 'jobs.#' }],
    },
    async (msg) => {
      received.push(String(msg.body));
    },
  );
  // Publishing before the consumer's binding exists would route nowhere (dropped, as in RabbitMQ).
  await new Promise((resolve) => consumer.once('ready', resolve));
  const publisher = rabbit.createPublisher({ confirm: true, maxAttempts: 2, exchanges: [{ exchange: 'rc-ex', type: 'topic' }] });
  for (let i = 0; i < 200; i++) await publisher.send({ exchange: 'rc-ex', routingKey: `jobs.${i % 3}` }, `job-${i}`);
  await waitFor(() => received.length === 200, '200 jobs');
  assert.equal(new Set(received).size, 200);

  const server = rabbit.createConsumer({ queue: 'rc-rpc', queueOptions: { exclusive: true } }, async (req, reply) => {
    await reply(`echo:${String(req.body)}`);
  });
  const rpc = rabbit.createRPCClient({ confirm: true });
  await waitFor(async () => (await rabbit.queueDeclare({ queue: 'rc-rpc', passive: true }).catch(() => null)) !== null, 'rpc queue');
  const res = await rpc.send('rc-rpc', 'ping');
  assert.equal(String(res.body), 'echo:ping');
  await rpc.close();
  await server.close();
  await publisher.close();
  await consumer.close();
  const left = await rabbit.queueDeclare({ queue: 'rc-jobs', passive: true });
  assert.equal(left.messageCount, 0);
});
