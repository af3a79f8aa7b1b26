// The producer-id allocator's file: ids never repeat across reopen, the pre-rename file
// (`meta/producer-ids.json`) is taken over and removed, and a topic named `producer-ids` (whose
// metadata is `meta/producer-ids.json`) is neither read as allocator state nor overwritten.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFileSystem } from '../../../src/storage/index.js';
import { writeFileAtomic } from '../../../src/storage/atomic-file.js';
import { crc32c } from '../../../src/protocol/records/crc32c.js';
import { PRODUCER_ID_BLOCK, PRODUCER_ID_FILE, ProducerIdAllocator } from '../../../src/broker/producers/producer-id-allocator.js';

const META = '/data/meta';

async function metaDir(): Promise<MemoryFileSystem> {
  const fs = new MemoryFileSystem();
  await fs.mkdir('/data');
  await fs.mkdir(META);
  return fs;
}

test('ids continue past the persisted block after reopening', async () => {
  const fs = await metaDir();
  const a = await ProducerIdAllocator.open(fs, META);
  assert.equal(await a.allocate(), 0);
  assert.equal(await a.allocate(), 1);
  const b = await ProducerIdAllocator.open(fs, META);
  assert.equal(await b.allocate(), PRODUCER_ID_BLOCK);
  assert.deepEqual((await fs.readdir(META)).sort(), [PRODUCER_ID_FILE]);
});

test('a legacy producer-ids.json is taken over, then removed once the new file is durable', async () => {
  const fs = await metaDir();
  const body = { version: 1, nextBlockStart: 5000 };
  const legacy = JSON.stringify({ ...body, crc: crc32c(Buffer.from(JSON.stringify(body))) });
  await writeFileAtomic(fs, META, 'producer-ids.json', Buffer.from(legacy));
  const a = await ProducerIdAllocator.open(fs, META);
  assert.equal(await a.allocate(), 5000);
  assert.deepEqual((await fs.readdir(META)).sort(), [PRODUCER_ID_FILE]);
  const b = await ProducerIdAllocator.open(fs, META);
  assert.equal(await b.allocate(), 6000);
});

test("a topic named producer-ids keeps its metadata file", async () => {
  const fs = await metaDir();
  const topicMeta = Buffer.from('{"name":"producer-ids","partitions":1}');
  await writeFileAtomic(fs, META, 'producer-ids.json', topicMeta);
  const a = await ProducerIdAllocator.open(fs, META);
  assert.equal(await a.allocate(), 0);
  assert.deepEqual(await fs.readFile(`${META}/producer-ids.json`), topicMeta);
});
