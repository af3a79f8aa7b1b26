// Differential test: the same client call sequences against Brook and a real RabbitMQ (Debian's
// rabbitmq-server, started on free ports in a temp dir), outcomes compared -- reply codes and
// texts, message counts, redelivered flags, x-death headers, returns and confirms. Where RabbitMQ
// decides behaviour the 0-9-1 specification leaves open, Brook must answer the same.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestBroker } from '../helpers/broker.js';
import { startAmqpBroker } from './amqp-helpers.js';
import { runScenarios } from './differential-scenarios.js';
import { hasRabbitMq, startRabbitMq, type RabbitMq } from './rabbitmq-server.js';
import { requireOrSkip } from './real-amqp-clients.js';

const skip = requireOrSkip(hasRabbitMq(), 'rabbitmq-server');
let brook: (TestBroker & { amqpUrl: string }) | null = null;
let rabbit: RabbitMq | null = null;

before(async () => {
  if (skip) return;
  [brook, rabbit] = await Promise.all([startAmqpBroker(), startRabbitMq()]);
});
after(async () => {
  await rabbit?.stop();
  await brook?.close();
});

test('Brook answers as RabbitMQ does', { skip }, async () => {
  const theirs = await runScenarios(rabbit!.port, rabbit!.url);
  const ours = await runScenarios(brook!.broker.amqpPort!, brook!.amqpUrl);
  const differences = Object.keys(theirs).filter((k) => theirs[k] !== ours[k]).map((k) => `${k}:\n  RabbitMQ: ${theirs[k]}\n  Brook:    ${ours[k]}`);
  assert.deepEqual(differences, [], differences.join('\n'));
});
