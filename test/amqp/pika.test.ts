// pika (Debian python3-pika), unmodified: every basic property including cluster-id and header
// values of every type pika encodes round-trip exactly; requeue sets redelivered; mandatory returns
// raise UnroutableError under confirms; a prefetching consumer gets everything in order; channel
// errors carry RabbitMQ's code and text; tx.select/commit/rollback hold publishes and acks. Heartbeats are negotiated at 5 s.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { TestBroker } from '../helpers/broker.js';
import { repoRoot } from '../helpers/paths.js';
import { expectSuccess, jsonLines, run } from '../helpers/processes.js';
import { SYSTEM_PYTHON } from '../helpers/real-clients.js';
import { startAmqpBroker } from './amqp-helpers.js';
import { hasPika, requireOrSkip } from './real-amqp-clients.js';

const skip = requireOrSkip(hasPika, 'python3-pika');
let broker: TestBroker & { amqpUrl: string };
before(async () => {
  if (!skip) broker = await startAmqpBroker();
});
after(async () => {
  if (!skip) await broker.close();
});

interface Line {
  check: string;
  [k: string]: unknown;
}

test('pika round-trips every property and header type, requeues, consumes and reports errors', { skip }, async () => {
  const r = await run(SYSTEM_PYTHON, [join(repoRoot, 'test', 'amqp', 'fixtures', 'pika_roundtrip.py'), String(broker.broker.amqpPort)], { limitMs: 60_000 });
  expectSuccess(r, 'pika_roundtrip.py');
  const lines = new Map(jsonLines<Line>(r.stdout).map((l) => [l.check, l]));
  const props = lines.get('properties')!;
  assert.equal(props.body, 'hello pika');
  assert.equal(props.redelivered, false);
  const same = props.same as Record<string, boolean>;
  assert.deepEqual(Object.entries(same).filter(([, ok]) => !ok).map(([k]) => k), [], 'properties that changed');
  assert.equal(Object.keys(same).length, 14);
  assert.deepEqual(lines.get('requeue'), { check: 'requeue', body: 'hello pika', redelivered: true });
  assert.deepEqual(lines.get('unroutable'), { check: 'unroutable', raised: true });
  assert.deepEqual(lines.get('consume'), { check: 'consume', count: 50, ordered: true });
  assert.deepEqual(lines.get('tx'), { check: 'tx', before_commit_empty: true, body: 'committed', left: 0 });
  const err = lines.get('inequivalent')!;
  assert.equal(err.code, 406);
  assert.match(String(err.text), /^PRECONDITION_FAILED - inequivalent arg 'durable' for queue 'pika-q'/);
});
