// Interop with the Python clients from PyPI: confluent-kafka (its bundled librdkafka) and aiokafka, in the
// virtualenv scripts/interop-setup.sh creates (interop/python/requirements.txt). Each scenario is one process
// (interop/python/run.py) against one in-process Brook.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { INTEROP_BROKER_CONFIG, expectPassed, listScenarios, runScenario, skipUnlessBuilt } from './interop-suite.js';

const SCENARIOS = [
  'confluent.produce-consume',
  'confluent.groups-range',
  'confluent.groups-cooperative-sticky',
  'confluent.groups-static-membership',
  'confluent.transactions',
  'confluent.consume-transform-produce',
  'confluent.admin-topics-configs',
  'confluent.admin-groups-records',
  'aiokafka.produce-consume',
  'aiokafka.groups',
  'aiokafka.transactions',
  'aiokafka.consume-transform-produce',
  'aiokafka.admin',
];

const skip = skipUnlessBuilt('python');
let b: TestBroker;
before(async () => {
  if (!skip) b = await startTestBroker({ config: INTEROP_BROKER_CONFIG });
});
after(async () => {
  if (b) await b.close();
});

test('python: every scenario of interop/python has a test here', { skip }, async () => {
  assert.deepEqual(await listScenarios('python'), [...SCENARIOS].sort());
});

for (const scenario of SCENARIOS) {
  test(`python: ${scenario}`, { skip }, async () => {
    expectPassed(await runScenario('python', scenario, b.bootstrap), scenario);
  });
}
