// The committed src/amqp/generated/spec.ts must equal what scripts/generate-amqp.ts produces from
// RabbitMQ's amqp-rabbitmq-0.9.1.json, the copy the amqplib dev dependency ships (under CI its absence fails;
// elsewhere the test skips: the committed code is what the build uses).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { DEFAULT_OUT, DEFAULT_SPEC, generateText } from '../../scripts/generate-amqp.js';

test('generated AMQP codec is up to date', { skip: process.env.CI !== 'true' && !existsSync(DEFAULT_SPEC) && 'amqp-rabbitmq-0.9.1.json not present (npm install brings it with amqplib)' }, () => {
  const fresh = generateText(JSON.parse(readFileSync(DEFAULT_SPEC, 'utf8')) as Parameters<typeof generateText>[0]);
  assert.ok(fresh === readFileSync(DEFAULT_OUT, 'utf8'), 'src/amqp/generated/spec.ts is stale: run `node dist/scripts/generate-amqp.js`');
});
