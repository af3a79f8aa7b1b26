// Golden request frames from real clients (test/fixtures/golden/, captured by
// scripts/capture-golden.ts): every frame decodes with the generated codecs to the values the
// capture run sent, and re-encodes to the identical bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { apis } from '../../src/protocol/messages/index.js';
import { apiByKey, ApiKey, dataStructures } from '../../src/protocol/messages/index.js';
import { decodeRequestHeader, encodeRequestFrame } from '../../src/protocol/headers.js';
import { ByteReader } from '../../src/protocol/primitives/byte-reader.js';
import { DecodeError } from '../../src/protocol/decode-error.js';
import { batchCompression, batchTotalSize } from '../../src/protocol/records/batch-header.js';
import { readRecords } from '../../src/protocol/records/record-reader.js';
import { COMPRESSION_NAMES } from '../../src/protocol/records/compression/index.js';
import type { Record as KafkaRecord } from '../../src/protocol/records/record.js';
import type { MessageInput } from '../../src/protocol/primitives/codec.js';
import { goldenClients, goldenDir, loadGoldenFixtures, type GoldenFixture } from './golden-fixtures.js';

// ---- what the capture run did (scripts/capture-golden-clients.ts) ----
const TOPIC = 'golden';
const GROUP = 'golden-group';
const VALUE_PAD = '.'.repeat(64);
const MEMBER_ID = /^member-\d+$/; // handed out by the capture responder

interface ClientFacts {
  clientId: string;
  /** ApiVersions v3+ client_software_name (KIP-511); null when the client sends v0-v2 only. */
  softwareName: string | null;
  acks: number;
  codecs: string[];
}
const CLIENTS: Readonly<Record<string, ClientFacts>> = {
  kcat: { clientId: 'kcat-golden', softwareName: 'librdkafka', acks: -1, codecs: ['none', 'gzip', 'snappy', 'lz4', 'zstd'] },
  'confluent-kafka': {
    clientId: 'confluent-kafka-golden',
    softwareName: 'confluent-kafka-python',
    acks: -1,
    codecs: ['none', 'gzip', 'snappy', 'lz4', 'zstd'],
  },
  // kafka-python 2.0.2 defaults to acks=1; without python-snappy/lz4/zstandard it can only gzip.
  'kafka-python': { clientId: 'kafka-python-golden', softwareName: null, acks: 1, codecs: ['none', 'gzip'] },
  // KafkaJS has only gzip built in; it sends ApiVersions v2 (no software name).
  kafkajs: { clientId: 'kafkajs-golden', softwareName: null, acks: -1, codecs: ['none', 'gzip'] },
  // @platformatic/kafka defaults to acks=1; its zstd needs node:zlib zstd (Node 22+), absent on Node 20.
  platformatic: { clientId: 'platformatic-golden', softwareName: 'platformatic-kafka', acks: 1, codecs: ['none', 'gzip', 'snappy', 'lz4'] },
};

const fixtures = loadGoldenFixtures();

function facts(fx: GoldenFixture): ClientFacts {
  const f = CLIENTS[fx.client];
  assert.ok(f, `no expectations written down for client ${fx.client}`);
  return f;
}

function kebab(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** Header and body of a fixture, checking the file name and that the body is consumed exactly. */
function decodeFixture(fx: GoldenFixture): { clientId: string | null; correlationId: number; body: unknown } {
  assert.equal(fx.frame.readInt32BE(0), fx.frame.length - 4, `${fx.path}: size prefix`);
  const frame = fx.frame.subarray(4);
  const header = decodeRequestHeader(frame);
  assert.equal(header.apiKey, fx.apiKey, `${fx.path}: api key`);
  assert.equal(header.apiVersion, fx.version, `${fx.path}: api version`);
  const api = apiByKey(header.apiKey);
  assert.ok(api, `${fx.path}: unknown API`);
  assert.equal(kebab(api.name), fx.apiName, `${fx.path}: API name in the file name`);
  const r = new ByteReader(frame, header.bodyOffset);
  const body = api.request.read(r, header.apiVersion);
  assert.equal(r.remaining(), 0, `${fx.path}: bytes left after the body`);
  return { clientId: header.clientId, correlationId: header.correlationId, body };
}

/** Every batch of a records field, each with its records. */
function batchesOf(records: Buffer): { codec: string; records: KafkaRecord[] }[] {
  const out: { codec: string; records: KafkaRecord[] }[] = [];
  for (let pos = 0; pos < records.length; pos += batchTotalSize(records, pos)) {
    out.push({ codec: COMPRESSION_NAMES[batchCompression(records, pos)] ?? '?', records: readRecords(records, pos) });
  }
  return out;
}

/** The records a client produced in the run for `codec`: key-i -> `<client>-<codec>-<i>` + pad, header trace=golden. */
function checkProducedRecords(where: string, client: string, codec: string, records: readonly KafkaRecord[]): void {
  assert.ok(records.length >= 1, `${where}: no records`);
  const seen = new Set<string>();
  for (const r of records) {
    const key = r.key?.toString() ?? '';
    const i = /^key-(\d)$/.exec(key)?.[1];
    assert.ok(i !== undefined, `${where}: unexpected key ${key}`);
    assert.ok(!seen.has(i), `${where}: key ${key} twice`);
    seen.add(i);
    assert.equal(r.value?.toString(), `${client}-${codec}-${i}${VALUE_PAD}`, `${where}: value of ${key}`);
    assert.deepEqual(
      r.headers.map((h) => [h.key, h.value?.toString()]),
      [['trace', 'golden']],
      `${where}: headers of ${key}`,
    );
  }
}

/** A consumer protocol blob: int16 version, then the versioned body. */
function readConsumerProtocol<T>(blob: Buffer, codec: { read(r: ByteReader, v: number): T }, version?: number): T {
  const r = new ByteReader(blob);
  const declared = r.int16();
  const value = codec.read(r, version ?? declared);
  assert.equal(r.remaining(), 0, 'bytes left after a consumer protocol body');
  return value;
}

// ---- expectations per API ----
/** The topic id the capture responder gave a topic: 0x42, the name's bytes, zeros (16 bytes). */
function responderTopicId(name: string): string {
  const b = Buffer.alloc(16);
  b[0] = 0x42;
  b.write(name, 1, 'utf8');
  return b.toString('base64url');
}

function checkBody(fx: GoldenFixture, body: unknown): void {
  const where = fx.path;
  switch (fx.apiKey) {
    case ApiKey.Produce: {
      const req = body as ReturnType<typeof apis.Produce.request.read>;
      assert.equal(req.acks, facts(fx).acks, `${where}: acks`);
      assert.equal(req.transactionalId, null);
      assert.deepEqual(req.topicData.map((t) => [t.name, t.partitionData.map((p) => p.index)]), [[TOPIC, [0]]]);
      const records = req.topicData[0]!.partitionData[0]!.records;
      assert.ok(records, `${where}: null records`);
      const batches = batchesOf(records);
      assert.ok(batches.length >= 1);
      for (const b of batches) {
        assert.equal(b.codec, fx.variant, `${where}: compression attribute of the batch`);
        checkProducedRecords(where, fx.client, b.codec, b.records);
      }
      break;
    }
    case ApiKey.Fetch: {
      const req = body as ReturnType<typeof apis.Fetch.request.read>;
      assert.equal(req.replicaId, -1, `${where}: a consumer fetch`);
      assert.equal(req.topics.length, 1);
      const t = req.topics[0]!;
      // v13+ names topics by id (KIP-516); the responder derived it from the name.
      if (fx.version >= 13) assert.equal(t.topicId, responderTopicId(TOPIC));
      else assert.equal(t.topic, TOPIC);
      assert.deepEqual(t.partitions.map((p) => p.partition), [0]);
      assert.equal(t.partitions[0]!.fetchOffset, 0n);
      break;
    }
    case ApiKey.ListOffsets: {
      const req = body as ReturnType<typeof apis.ListOffsets.request.read>;
      assert.deepEqual(
        req.topics.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.timestamp])]),
        [[TOPIC, [[0, -2n]]]], // -2: earliest
      );
      break;
    }
    case ApiKey.Metadata: {
      const req = body as ReturnType<typeof apis.Metadata.request.read>;
      // kafka-python asks for all topics: an empty list in v0, null in v1+.
      if (fx.client === 'kafka-python') assert.deepEqual(req.topics, fx.version === 0 ? [] : null);
      else assert.deepEqual(req.topics?.map((t) => t.name), [TOPIC]);
      break;
    }
    case ApiKey.OffsetCommit: {
      const req = body as ReturnType<typeof apis.OffsetCommit.request.read>;
      assert.equal(req.groupId, GROUP);
      assert.match(req.memberId, MEMBER_ID);
      assert.equal(req.generationIdOrMemberEpoch, 1);
      assert.deepEqual(
        req.topics.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.committedOffset])]),
        [[TOPIC, [[0, 1n]]]], // consumed offset 0, committed the next one
      );
      break;
    }
    case ApiKey.OffsetFetch: {
      const req = body as ReturnType<typeof apis.OffsetFetch.request.read>;
      assert.equal(req.groupId, GROUP);
      assert.deepEqual(req.topics, [{ name: TOPIC, partitionIndexes: [0] }]);
      break;
    }
    case ApiKey.FindCoordinator: {
      const req = body as ReturnType<typeof apis.FindCoordinator.request.read>;
      assert.equal(req.keyType, 0, `${where}: group coordinator`);
      // v4+ batches keys (KIP-699).
      if (fx.version >= 4) assert.deepEqual(req.coordinatorKeys, [GROUP]);
      else assert.equal(req.key, GROUP);
      break;
    }
    case ApiKey.JoinGroup: {
      const req = body as ReturnType<typeof apis.JoinGroup.request.read>;
      assert.equal(req.groupId, GROUP);
      assert.equal(req.protocolType, 'consumer');
      if (fx.variant === 'member-id') assert.match(req.memberId, MEMBER_ID);
      else assert.equal(req.memberId, '');
      assert.ok(req.protocols.length >= 1);
      const sub = dataStructures.ConsumerProtocolSubscription.codec;
      for (const p of req.protocols) {
        if (fx.client === 'platformatic') {
          // @platformatic/kafka 1.35 declares subscription v1 but sends the v0 body, without
          // OwnedPartitions: the declared version does not decode; v0 does.
          assert.equal(p.metadata.readInt16BE(0), 1);
          assert.throws(() => readConsumerProtocol(p.metadata, sub), DecodeError);
          assert.deepEqual(readConsumerProtocol(p.metadata, sub, 0).topics, [TOPIC]);
        } else {
          assert.deepEqual(readConsumerProtocol(p.metadata, sub).topics, [TOPIC], `${where}: subscription of ${p.name}`);
        }
      }
      break;
    }
    case ApiKey.SyncGroup: {
      const req = body as ReturnType<typeof apis.SyncGroup.request.read>;
      assert.equal(req.groupId, GROUP);
      assert.match(req.memberId, MEMBER_ID);
      // The member leads a group of one, so it sends its own assignment.
      assert.deepEqual(req.assignments.map((a) => a.memberId), [req.memberId]);
      const assignment = readConsumerProtocol(req.assignments[0]!.assignment, dataStructures.ConsumerProtocolAssignment.codec);
      // kafka-python's first SyncGroup comes before it has the topic's metadata: an empty assignment.
      const expected = fx.client === 'kafka-python' ? [] : [{ topic: TOPIC, partitions: [0] }];
      assert.deepEqual(assignment.assignedPartitions, expected, `${where}: assignment`);
      break;
    }
    case ApiKey.Heartbeat:
    case ApiKey.LeaveGroup: {
      const req = body as { groupId: string };
      assert.equal(req.groupId, GROUP);
      break;
    }
    case ApiKey.ApiVersions: {
      const req = body as ReturnType<typeof apis.ApiVersions.request.read>;
      const name = facts(fx).softwareName;
      if (fx.version >= 3) assert.equal(req.clientSoftwareName, name, `${where}: client software name`);
      else assert.equal(name, null, `${where}: expected ApiVersions v3+ from this client`);
      break;
    }
    default:
      assert.fail(`${where}: no expectations written down for API ${fx.apiKey}`);
  }
}

test('golden fixtures are present for every client', () => {
  assert.deepEqual(goldenClients(), Object.keys(CLIENTS).sort());
  assert.ok(fixtures.length >= 60, `only ${fixtures.length} fixtures`);
});

test('golden fixtures: header, expected values, and identical bytes when re-encoded', () => {
  for (const fx of fixtures) {
    const { clientId, correlationId, body } = decodeFixture(fx);
    assert.equal(clientId, facts(fx).clientId, `${fx.path}: client id`);
    checkBody(fx, body);
    // No client sent a non-canonical encoding or unknown tagged fields: the decoded value encodes
    // back to the very same bytes (header included) for every fixture.
    const api = apiByKey(fx.apiKey)!;
    const again = encodeRequestFrame({ apiKey: fx.apiKey, apiVersion: fx.version, correlationId, clientId }, api.request, body as MessageInput<unknown>);
    assert.ok(again.equals(fx.frame), `${fx.path}: re-encoding differs`);
  }
});

test('golden fixtures cover the core APIs per client, and every codec each client supports', () => {
  const core: Partial<Record<string, number[]>> = {};
  const always = [ApiKey.ApiVersions, ApiKey.Metadata, ApiKey.Produce, ApiKey.Fetch, ApiKey.ListOffsets, ApiKey.FindCoordinator];
  const group = [ApiKey.JoinGroup, ApiKey.SyncGroup, ApiKey.OffsetCommit, ApiKey.LeaveGroup];
  for (const client of Object.keys(CLIENTS)) core[client] = [...always, ...group];
  // @platformatic/kafka consumed with mode 'earliest', so it never asked for committed offsets.
  for (const client of ['kcat', 'confluent-kafka', 'kafka-python', 'kafkajs']) core[client]!.push(ApiKey.OffsetFetch);
  for (const [client, keys] of Object.entries(core)) {
    const have = new Set(fixtures.filter((f) => f.client === client).map((f) => f.apiKey));
    for (const k of keys!) assert.ok(have.has(k), `${client}: no fixture for API ${k}`);
    const codecs = fixtures.filter((f) => f.client === client && f.apiKey === ApiKey.Produce).map((f) => f.variant);
    assert.deepEqual(codecs.sort(), [...CLIENTS[client]!.codecs].sort(), `${client}: produce codecs`);
  }
});

test('kcat record batches per codec decompress to the produced records', () => {
  for (const codec of CLIENTS.kcat!.codecs) {
    const records = readFileSync(join(goldenDir, 'kcat', `records-${codec}.bin`));
    const batches = batchesOf(records);
    assert.ok(batches.length >= 1);
    const all: KafkaRecord[] = [];
    for (const b of batches) {
      assert.equal(b.codec, codec);
      all.push(...b.records);
    }
    checkProducedRecords(`kcat/records-${codec}.bin`, 'kcat', codec, all);
    assert.equal(all.length, 3, `kcat/records-${codec}.bin: all three records in the stored batches`);
  }
});
