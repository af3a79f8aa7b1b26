// Interop with franz-go (kgo, kadm), built from the module under interop/go by scripts/interop-setup.sh into
// one binary; each scenario is one run of it against one in-process Brook.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { INTEROP_BROKER_CONFIG, expectPassed, listScenarios, runScenario, skipUnlessBuilt } from './interop-suite.js';

const SCENARIOS = [
  'franz.produce-consume',
  'franz.groups-range',
  'franz.groups-cooperative-sticky',
  'franz.groups-static-membership',
  'franz.transactions',
  'franz.group-transact-session',
  'franz.admin-topics-configs',
  'franz.admin-groups-records',
  'franz.admin-producers-transactions',
];

const skip = skipUnlessBuilt('go');
let b: TestBroker;
before(async () => {
  if (!skip) b = await startTestBroker({ config: INTEROP_BROKER_CONFIG });
});
after(async () => {
  if (b) await b.close();
});

test('go: every scenario of interop/go has a test here', { skip }, async () => {
  assert.deepEqual(await listScenarios('go'), [...SCENARIOS].sort());
});

for (const scenario of SCENARIOS) {
  test(`go: ${scenario}`, { skip }, async () => {
    expectPassed(await runScenario('go', scenario, b.bootstrap), scenario);
  });
}
