// Interop with the Apache Kafka Java clients (kafka-clients and kafka-streams, the release named in
// scripts/kafka-release.json), built from interop/java by scripts/interop-setup.sh. Each scenario is a class
// method under interop/java (one class per area) run as its own JVM against one in-process Brook.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { INTEROP_BROKER_CONFIG, expectPassed, listScenarios, runScenario, skipUnlessBuilt } from './interop-suite.js';

const SCENARIOS = [
  'producer.idempotent-codecs',
  'producer.acks',
  'producer.rejections',
  'groups.classic-eager-range',
  'groups.classic-eager-roundrobin',
  'groups.classic-cooperative-sticky',
  'groups.classic-static-membership',
  'admin.topics-configs',
  'admin.group-offsets',
  'admin.records-offsets',
  'admin.producers-transactions',
  'txn.commit-abort-read-committed',
  'txn.consume-transform-produce',
  'txn.fencing',
  'streams.eos-windowed-count-join',
];

const skip = skipUnlessBuilt('java');
let b: TestBroker;
before(async () => {
  if (!skip) b = await startTestBroker({ config: INTEROP_BROKER_CONFIG });
});
after(async () => {
  if (b) await b.close();
});

test('java: every scenario of interop/java has a test here', { skip }, async () => {
  assert.deepEqual(await listScenarios('java'), [...SCENARIOS].sort());
});

for (const scenario of SCENARIOS) {
  test(`java: ${scenario}`, { skip }, async () => {
    expectPassed(await runScenario('java', scenario, b.bootstrap), scenario);
  });
}
