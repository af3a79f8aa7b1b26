// Groups and committed offsets survive a clean restart and a SIGKILL of the broker: both are read
// back from __consumer_offsets at start (Kafka's record format), metadata and leader epoch included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apis } from '../../src/protocol/messages/index.js';
import { startTestBroker } from '../helpers/broker.js';
import { RawClient } from './data-path-helpers.js';
import { createTopic, produceRange, until } from './groups/fixtures.js';
import { LiveProcess } from './groups/live-process.js';
import { KafkaJsMember } from './groups/node-members.js';
import { rawJoin, rawSync } from './groups/raw-members.js';

const CONFIG = { 'group.initial.rebalance.delay.ms': '0' };

async function commitWithMetadata(port: number, group: string, topic: string): Promise<void> {
  const raw = await RawClient.open(port);
  try {
    const res = await raw.request(apis.OffsetCommit, 8, {
      groupId: group,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: 5n, committedLeaderEpoch: 7, committedMetadata: 'checkpoint-a' }] }],
    });
    assert.equal(res.topics[0]!.partitions[0]!.errorCode, 0);
  } finally {
    raw.close();
  }
}

async function fetchOffsets(port: number, group: string) {
  const raw = await RawClient.open(port);
  try {
    const res = await raw.request(apis.OffsetFetch, 8, { groups: [{ groupId: group, memberId: null, memberEpoch: -1, topics: null }], requireStable: true });
    return res.groups[0]!.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.metadata })));
  } finally {
    raw.close();
  }
}

test('groups and committed offsets survive a broker restart; a Stable group comes back Stable', async () => {
  let b = await startTestBroker({ config: CONFIG });
  try {
    await createTopic(b.bootstrap, 'persist', 2);
    await produceRange(b.bootstrap, 'persist', 2, 0, 20);
    const m = await KafkaJsMember.start(b.bootstrap, 'persist-group', 'persist', 'p1');
    await until([m], () => m.records().length >= 20, 'consume everything');
    await m.stop();
    // A Stable group with a member, made in raw frames so no client lingers across the restart.
    const raw = await RawClient.open(b.port);
    const join = await rawJoin(raw, 'stable-group');
    const sync = await rawSync(raw, 'stable-group', join, [{ memberId: join.memberId, assignment: Buffer.from('assignment-bytes') }]);
    assert.equal(sync.errorCode, 0);
    raw.close();
    const g = b.broker.state.groups.groups.get('stable-group')!;
    const before = { generation: g.generationId, members: [...g.members.keys()], protocol: g.protocolName };
    await commitWithMetadata(b.port, 'simple-group', 'persist');
    await b.stop();
    b = await b.restart();
    const again = b.broker.state.groups.groups.get('stable-group')!;
    assert.equal(again.state, 'Stable');
    assert.equal(again.generationId, before.generation);
    assert.deepEqual([...again.members.keys()], before.members);
    assert.equal(again.protocolName, before.protocol);
    // The member carries on where it was: same generation, same assignment, no rejoin.
    const raw2 = await RawClient.open(b.port);
    try {
      const hb = await raw2.request(apis.Heartbeat, 4, { groupId: 'stable-group', generationId: join.generationId, memberId: join.memberId, groupInstanceId: null });
      assert.equal(hb.errorCode, 0);
      const resync = await rawSync(raw2, 'stable-group', join);
      assert.equal(resync.assignment.toString(), 'assignment-bytes');
    } finally {
      raw2.close();
    }
    assert.equal(b.broker.state.groups.groups.get('persist-group')!.state, 'Empty');
    const offsets = await fetchOffsets(b.port, 'persist-group');
    assert.deepEqual(offsets.map((o) => [o.partition, o.offset]), [[0, 10n], [1, 10n]]);
    assert.deepEqual(await fetchOffsets(b.port, 'simple-group'), [{ topic: 'persist', partition: 0, offset: 5n, leaderEpoch: 7, metadata: 'checkpoint-a' }]);
  } finally {
    await b.close();
  }
});

function startChild(dataDir: string): LiveProcess {
  const script = join(fileURLToPath(new URL('.', import.meta.url)), 'groups', 'broker-child.js');
  return new LiveProcess(process.execPath, [script, dataDir], 'broker-child');
}

test('groups and committed offsets survive a SIGKILL of the broker process', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'brook-groups-kill-'));
  let child = startChild(dataDir);
  try {
    let port = (await child.waitFor((e) => typeof e.port === 'number', 30_000)).port as number;
    const bootstrap = `127.0.0.1:${port}`;
    await createTopic(bootstrap, 'crash', 2);
    await produceRange(bootstrap, 'crash', 2, 0, 20);
    const m = await KafkaJsMember.start(bootstrap, 'crash-group', 'crash', 'c1');
    await until([m], () => m.records().length >= 20, 'consume everything');
    await m.stop();
    await commitWithMetadata(port, 'crash-simple', 'crash');
    child.kill();
    await child.exited;
    child = startChild(dataDir);
    port = (await child.waitFor((e) => typeof e.port === 'number', 30_000)).port as number;
    const offsets = await fetchOffsets(port, 'crash-group');
    assert.deepEqual(offsets.map((o) => [o.partition, o.offset]), [[0, 10n], [1, 10n]]);
    assert.deepEqual(await fetchOffsets(port, 'crash-simple'), [{ topic: 'crash', partition: 0, offset: 5n, leaderEpoch: 7, metadata: 'checkpoint-a' }]);
    const raw = await RawClient.open(port);
    try {
      const listed = await raw.request(apis.ListGroups, 4, { statesFilter: [], typesFilter: [] });
      const byId = new Map(listed.groups.map((g) => [g.groupId, g]));
      assert.equal(byId.get('crash-group')?.groupState, 'Empty');
      assert.equal(byId.get('crash-group')?.protocolType, 'consumer');
      assert.ok(byId.has('crash-simple'));
    } finally {
      raw.close();
    }
  } finally {
    child.kill();
    await child.exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
});
