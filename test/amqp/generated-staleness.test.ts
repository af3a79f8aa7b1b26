// The committed src/amqp/generated/spec.ts must equal what scripts/generate-amqp.ts produces from
// RabbitMQ's amqp-rabbitmq-0.9.1.json. The JSON is not part of the repository: the test skips when
// it is absent beside the checkout (the committed code is what the build uses).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { DEFAULT_OUT, DEFAULT_SPEC, generateText } from '../../scripts/generate-amqp.js';

test('generated AMQP codec is up to date', { skip: !existsSync(DEFAULT_SPEC) && 'amqp-rabbitmq-0.9.1.json not present' }, () => {
  const fresh = generateText(JSON.parse(readFileSync(DEFAULT_SPEC, 'utf8')) as Parameters<typeof generateText>[0]);
  assert.ok(fresh === readFileSync(DEFAULT_OUT, 'utf8'), 'src/amqp/generated/spec.ts is stale: run `node dist/scripts/generate-amqp.js`');
});
