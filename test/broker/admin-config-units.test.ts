// Pure parts of config administration: the incremental-ops truth table, and the persisted
// dynamic broker config (round trip, corruption refused) on the in-memory filesystem.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFileSystem } from '../../src/storage/index.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { BrokerConfig } from '../../src/broker/config/broker-config.js';
import { topicConfigByName } from '../../src/broker/config/definitions.js';
import { DynamicConfigStore } from '../../src/broker/config/dynamic-config-store.js';
import { AlterConfigOp, applyIncrementalOps } from '../../src/broker/config/incremental-ops.js';
import { isResourceError } from '../../src/broker/config/resource-types.js';

const topicDef = (name: string) => topicConfigByName.get(name);

test('incremental ops: SET, DELETE, APPEND and SUBTRACT give the new complete set', () => {
  const current = { 'retention.ms': '1000', 'cleanup.policy': 'compact' };
  assert.deepEqual(
    applyIncrementalOps(current, [
      { name: 'retention.ms', configOperation: AlterConfigOp.DELETE, value: null },
      { name: 'cleanup.policy', configOperation: AlterConfigOp.APPEND, value: 'delete,compact' },
      { name: 'segment.bytes', configOperation: AlterConfigOp.SET, value: '2048' },
    ], topicDef),
    { 'cleanup.policy': 'compact,delete', 'segment.bytes': '2048' },
  );
  // APPEND/SUBTRACT start from the default when the key has no value yet.
  assert.deepEqual(applyIncrementalOps({}, [{ name: 'cleanup.policy', configOperation: AlterConfigOp.APPEND, value: 'compact' }], topicDef), { 'cleanup.policy': 'delete,compact' });
  assert.deepEqual(applyIncrementalOps(current, [{ name: 'cleanup.policy', configOperation: AlterConfigOp.SUBTRACT, value: 'compact' }], topicDef), { 'retention.ms': '1000', 'cleanup.policy': '' });
  const codeOf = (r: ReturnType<typeof applyIncrementalOps>) => (isResourceError(r) ? r.errorCode : ErrorCode.NONE);
  assert.equal(codeOf(applyIncrementalOps({}, [{ name: 'retention.ms', configOperation: AlterConfigOp.APPEND, value: '5' }], topicDef)), ErrorCode.INVALID_CONFIG);
  assert.equal(codeOf(applyIncrementalOps({}, [{ name: 'retention.ms', configOperation: AlterConfigOp.SET, value: null }], topicDef)), ErrorCode.INVALID_REQUEST);
  assert.equal(codeOf(applyIncrementalOps({}, [{ name: 'nope', configOperation: AlterConfigOp.SET, value: '1' }], topicDef)), ErrorCode.INVALID_CONFIG);
  assert.equal(codeOf(applyIncrementalOps({}, [{ name: 'retention.ms', configOperation: 4, value: '1' }], topicDef)), ErrorCode.INVALID_REQUEST);
});

test('broker config layers: node dynamic > cluster-default dynamic > static > default, all as synonyms', () => {
  const c = new BrokerConfig({ 'message.max.bytes': '2000' });
  assert.equal(c.setDynamic('message.max.bytes', '4000', 'cluster-default'), null);
  assert.equal(c.resolveBroker('message.max.bytes').source, 'DYNAMIC_DEFAULT_BROKER_CONFIG');
  assert.equal(c.setDynamic('message.max.bytes', '5000'), null);
  const r = c.resolveBroker('message.max.bytes');
  assert.equal(r.value, '5000');
  assert.deepEqual(r.synonyms.map((s) => [s.value, s.source]), [
    ['5000', 'DYNAMIC_BROKER_CONFIG'],
    ['4000', 'DYNAMIC_DEFAULT_BROKER_CONFIG'],
    ['2000', 'STATIC_BROKER_CONFIG'],
    ['1048588', 'DEFAULT_CONFIG'],
  ]);
  assert.match(c.checkDynamic('node.id', '3') ?? '', /cannot be changed/);
});

test('the dynamic config file round-trips and a corrupt one stops the start with a clear error', async () => {
  const fs = new MemoryFileSystem();
  const store = new DynamicConfigStore(fs, '/data');
  assert.deepEqual(await store.load(), { node: {}, 'cluster-default': {} });
  const snapshot = { node: { 'log.retention.ms': '60000' }, 'cluster-default': { 'num.partitions': '3' } };
  await store.save(snapshot);
  assert.deepEqual(await new DynamicConfigStore(fs, '/data').load(), snapshot);
  const text = (await fs.readFile(store.path)).toString('utf8').replace('60000', '60001');
  const f = await fs.open(store.path, 'readwrite');
  await f.writev([Buffer.from(text)], 0);
  await f.close();
  await assert.rejects(new DynamicConfigStore(fs, '/data').load(), /CRC-32C mismatch/);
});
