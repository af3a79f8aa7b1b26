// `brook group describe` and `brook group list` for a KIP-848 consumer group, in the middle of a rebalance:
// the protocol, the group and assignment epochs, each member's epoch, and its current assignment beside its
// target (they differ while a partition waits to be revoked). Members are driven in raw frames, so the
// rebalance stays exactly where the test leaves it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { expectSuccess } from '../helpers/processes.js';
import { RawClient } from '../broker/data-path-helpers.js';
import { createTopic } from '../broker/groups/fixtures.js';
import { heartbeat, wireMember } from '../broker/groups/consumer-wire.js';
import { brook, tableRows } from './cli-harness.js';

let tb: TestBroker;
let raw: RawClient;
before(async () => {
  tb = await startTestBroker({ config: { 'group.consumer.assignment.interval.ms': '0' } });
  raw = await RawClient.open(tb.port);
});
after(async () => {
  raw.close();
  await tb.close();
});

test('describe shows the consumer protocol, epochs, and current against target assignment', async () => {
  await createTopic(tb.bootstrap, 'events', 4);
  const a = wireMember('analytics');
  const b = wireMember('analytics');
  await heartbeat(raw, a, { topics: ['events'] });
  await heartbeat(raw, b, { topics: ['events'] });
  await heartbeat(raw, a); // told to revoke two partitions; has not acknowledged yet

  const described = await brook(tb.bootstrap, ['group', 'describe', 'analytics']);
  expectSuccess(described, 'group describe');
  assert.match(described.stdout, /^State\s+Reconciling$/m);
  assert.match(described.stdout, /^Protocol\s+consumer \(KIP-848\)$/m);
  assert.match(described.stdout, /^Epoch\s+3 \(assignment 3, assignor uniform\)$/m);
  const rows = tableRows(described.stdout);
  const header = rows.findIndex((r) => r[0] === 'MEMBER-ID');
  assert.deepEqual(rows[header], ['MEMBER-ID', 'CLIENT-ID', 'HOST', 'INSTANCE-ID', 'PROTOCOL', 'EPOCH', 'ASSIGNMENT', 'TARGET']);
  const byId = new Map(rows.slice(header + 1, header + 3).map((r) => [r[0], r]));
  const rowA = byId.get(a.memberId)!;
  const rowB = byId.get(b.memberId)!;
  assert.deepEqual([rowA[4], rowA[5], rowA[6]], ['consumer', '2', 'events[0,1,2,3]'], 'a still owns what it must revoke, at its old epoch');
  assert.equal(rowA[7]!.split('[')[1]!.split(',').length, 2, 'a keeps two partitions in its target');
  assert.deepEqual([rowB[5], rowB[6]], ['3', '-'], 'b is at the new epoch and waits for its partitions');
  assert.notEqual(rowB[7], '-');

  const list = await brook(tb.bootstrap, ['group', 'list']);
  expectSuccess(list, 'group list');
  assert.deepEqual(tableRows(list.stdout).find((r) => r[0] === 'analytics'), ['analytics', 'consumer', 'Reconciling', 'consumer']);
});
