// Share-group state across a clean restart of the broker, and with its topic deleted: positions,
// acquisitions and group configs survive a restart (acquired records come back with their delivery
// count); a deleted topic takes its share-partition state with it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ShareConsumer } from '../../src/client/index.js';
import { apis } from '../../src/protocol/messages/index.js';
import { WireClient } from '../broker/admin-wire.js';
import { seedTopic, setGroupConfig, startShareBroker, until } from './share-helpers.js';

describe('share-group state across restarts', () => {
  it('a restart keeps acceptances, releases acquisitions with their counts, keeps group configs', async () => {
    let b = await startShareBroker();
    try {
      await seedTopic(b, 'persist', 10, { batch: 5 });
      await setGroupConfig(b.port, 'g-persist', { 'share.auto.offset.reset': 'earliest', 'share.record.lock.duration.ms': '60000' });
      const c = new ShareConsumer({ brokers: [b.bootstrap], clientId: 'persist', groupId: 'g-persist', acknowledgementMode: 'explicit', maxRecords: 5, maxWaitMs: 200 });
      await c.subscribe(['persist']);
      const first = await until('records', async () => {
        const r = await c.poll();
        return r.length > 0 ? r : false;
      });
      assert.deepEqual(first.map((r) => Number(r.offset)), [0, 1, 2, 3, 4]);
      for (const r of first.slice(0, 3)) c.acknowledge(r, 'accept');
      assert.ok((await c.commit()).every((x) => x.errorCode === 0));
      // 3 and 4 stay acquired when the broker stops.
      await (c as unknown as { client: { close(): Promise<void> } }).client.close();
      b = await b.restart();

      const wire = await WireClient.connect(b.port);
      try {
        const listed = await wire.request(apis.ListGroups, 5, { statesFilter: [], typesFilter: ['share'] });
        assert.deepEqual(listed.groups.map((g) => [g.groupId, g.groupState]), [['g-persist', 'Empty']]);
        const offsets = await wire.request(apis.DescribeShareGroupOffsets, 1, { groups: [{ groupId: 'g-persist', topics: null }] });
        assert.equal(Number(offsets.groups[0]!.topics[0]!.partitions[0]!.startOffset), 3);
        const configs = await wire.request(apis.DescribeConfigs, 4, { resources: [{ resourceType: 32, resourceName: 'g-persist', configurationKeys: ['share.record.lock.duration.ms'] }], includeSynonyms: false, includeDocumentation: false });
        assert.equal(configs.results[0]!.configs[0]!.value, '60000');
      } finally {
        wire.close();
      }
      const again = new ShareConsumer({ brokers: [b.bootstrap], clientId: 'persist-2', groupId: 'g-persist', acknowledgementMode: 'explicit', maxRecords: 10, maxWaitMs: 200 });
      await again.subscribe(['persist']);
      const seen: [number, number][] = [];
      await until('the rest', async () => {
        for (const r of await again.poll()) {
          seen.push([Number(r.offset), r.deliveryCount]);
          again.acknowledge(r, 'accept');
        }
        await again.commit();
        return seen.length >= 7;
      });
      await again.close();
      assert.deepEqual(seen, [
        [3, 2],
        [4, 2],
        [5, 1],
        [6, 1],
        [7, 1],
        [8, 1],
        [9, 1],
      ]);
    } finally {
      await b.close();
    }
  });

  it('deleting a topic deletes its share-partition state', async () => {
    const b = await startShareBroker();
    try {
      await seedTopic(b, 'doomed', 4, { batch: 4 });
      await setGroupConfig(b.port, 'g-doomed', { 'share.auto.offset.reset': 'earliest' });
      const c = new ShareConsumer({ brokers: [b.bootstrap], clientId: 'doomed', groupId: 'g-doomed', maxWaitMs: 200 });
      await c.subscribe(['doomed']);
      await until('records', async () => (await c.poll()).length > 0);
      await c.close();
      const engine = b.broker.state.shareGroups.engine;
      assert.equal(engine.keys('g-doomed').length, 1);
      const r = await b.broker.state.topics.delete('doomed');
      assert.equal(r.errorCode, 0);
      await engine.runMaintenance();
      assert.equal(engine.keys('g-doomed').length, 0);
    } finally {
      await b.close();
    }
  });
});
