// Malformed input on raw sockets (docs/ARCHITECTURE.md, principle 3): each case gets a closed
// connection and one log line (or, for ApiVersions, KIP-511's v0 UNSUPPORTED_VERSION answer),
// never a crash, hang or large allocation; and the broker keeps serving other clients.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { apis } from '../../src/protocol/messages/index.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { decodeResponseHeader, encodeRequestFrame } from '../../src/protocol/headers.js';
import { ByteReader } from '../../src/protocol/primitives/byte-reader.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { WireClient } from './admin-wire.js';

// Small, so "oversized" is cheap to send and provably checked before the body arrives.
const MAX_REQUEST = 4096;

let b: TestBroker;
before(async () => {
  b = await startTestBroker({ config: { 'socket.request.max.bytes': String(MAX_REQUEST) } });
});
after(async () => {
  await b.close();
});

/** A fresh client still gets ApiVersions and Metadata answered. */
async function assertStillServing(): Promise<void> {
  const c = await WireClient.connect(b.port);
  try {
    const v = await c.request(apis.ApiVersions, 3, { clientSoftwareName: 'probe', clientSoftwareVersion: '1' });
    assert.equal(v.errorCode, ErrorCode.NONE);
    const md = await c.request(apis.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    assert.equal(md.brokers[0]!.port, b.port);
  } finally {
    c.close();
  }
}

/** Sends `bytes` on a new connection and expects the broker to close it with a log line giving `reason`. */
async function expectClosed(bytes: Buffer, reason: string): Promise<void> {
  const c = await WireClient.connect(b.port);
  const clientAddress = `${c.socket.localAddress}:${c.socket.localPort}`;
  c.writeRaw(bytes);
  assert.equal(await c.nextFrame(), null, 'no response before the close');
  await c.whenClosed();
  const line = b.logs.find((r) => r.msg === 'closing connection' && r.fields.client === clientAddress);
  assert.ok(line, `a log line for ${clientAddress}`);
  assert.equal(line.fields.reason, reason);
  await assertStillServing();
}

function int32(n: number): Buffer {
  const buf = Buffer.alloc(4);
  buf.writeInt32BE(n);
  return buf;
}

/** A request frame with an arbitrary header (apiKey/version) and body bytes, v1 header. */
function rawFrame(apiKey: number, apiVersion: number, body: Buffer): Buffer {
  const header = Buffer.alloc(10);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(apiVersion, 2);
  header.writeInt32BE(7, 4);
  header.writeInt16BE(-1, 8); // null client id
  return Buffer.concat([int32(header.length + body.length), header, body]);
}

test('a negative frame size closes the connection', async () => {
  await expectClosed(int32(-5), 'bad frame');
});

test('a frame over socket.request.max.bytes closes before its body is sent or allocated', async () => {
  // Only the 4-byte size goes out: the close proves the check ran before any body was buffered.
  await expectClosed(int32(MAX_REQUEST + 1), 'bad frame');
  await expectClosed(int32(0x7fffffff), 'bad frame');
  const line = b.logs.findLast((r) => r.msg === 'closing connection');
  assert.match(String(line!.fields.error), /exceeds/);
});

test('a frame too short for a request header closes the connection', async () => {
  await expectClosed(Buffer.concat([int32(3), Buffer.from([0, 3, 0])]), 'undecodable request header');
});

test('an unknown API key closes the connection', async () => {
  await expectClosed(rawFrame(9999, 0, Buffer.alloc(0)), 'unknown API key');
  await expectClosed(rawFrame(-3, 0, Buffer.alloc(0)), 'unknown API key');
});

test('an unsupported version closes the connection', async () => {
  // Versions past the spec use the flexible header: its tagged-fields byte comes first in the body.
  const taggedFields = Buffer.from([0]);
  await expectClosed(rawFrame(apis.Metadata.apiKey, 99, taggedFields), 'unsupported API version');
  await expectClosed(rawFrame(apis.DescribeConfigs.apiKey, apis.DescribeConfigs.maxVersion + 1, taggedFields), 'unsupported API version');
  await expectClosed(rawFrame(apis.DescribeConfigs.apiKey, -1, Buffer.alloc(0)), 'unsupported API version');
});

test('ApiVersions with a too-new version answers v0 UNSUPPORTED_VERSION with the key list (KIP-511)', async () => {
  const c = await WireClient.connect(b.port);
  try {
    c.writeRaw(encodeRequestFrame({ apiKey: 18, apiVersion: 99, correlationId: 41, clientId: 'future' }, apis.ApiVersions.request, {}));
    const frame = await c.nextFrame();
    assert.ok(frame);
    const header = decodeResponseHeader(frame, 0);
    assert.equal(header.correlationId, 41);
    const body = apis.ApiVersions.response.read(new ByteReader(frame, header.bodyOffset), 0);
    assert.equal(body.errorCode, ErrorCode.UNSUPPORTED_VERSION);
    const keys = new Map(body.apiKeys.map((k) => [k.apiKey, k]));
    assert.equal(keys.get(18)!.maxVersion, 4);
    assert.ok(keys.has(apis.DescribeConfigs.apiKey));
    // The connection stays usable: the client now retries with a version it can speak.
    const v = await c.request(apis.ApiVersions, 3, { clientSoftwareName: 'future', clientSoftwareVersion: '1' });
    assert.equal(v.errorCode, ErrorCode.NONE);
  } finally {
    c.close();
  }
  await assertStillServing();
});

test('a truncated request body closes the connection', async () => {
  const full = encodeRequestFrame({ apiKey: apis.DescribeConfigs.apiKey, apiVersion: 4, correlationId: 1, clientId: 't' }, apis.DescribeConfigs.request, {
    resources: [{ resourceType: 2, resourceName: 'some-topic', configurationKeys: ['retention.ms'] }],
    includeSynonyms: true,
    includeDocumentation: false,
  });
  const cut = full.subarray(0, full.length - 6);
  const truncated = Buffer.concat([int32(cut.length - 4), cut.subarray(4)]);
  await expectClosed(truncated, 'undecodable request body');
});

test('array counts larger than the body close the connection without allocating them', async () => {
  // DescribeConfigs v0: resources array (int32 count) claiming two billion entries in 4 bytes.
  await expectClosed(rawFrame(apis.DescribeConfigs.apiKey, 0, int32(0x7fffffff)), 'undecodable request body');
  // CreateTopics v5 (flexible): compact array count as a huge unsigned varint.
  const huge = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x07]);
  const header = Buffer.alloc(11);
  header.writeInt16BE(apis.CreateTopics.apiKey, 0);
  header.writeInt16BE(5, 2);
  header.writeInt32BE(9, 4);
  header.writeInt16BE(-1, 8);
  header.writeUInt8(0, 10); // header tagged fields
  await expectClosed(Buffer.concat([int32(header.length + huge.length), header, huge]), 'undecodable request body');
});

test('the broker kept serving throughout, and no handler failed', async () => {
  await assertStillServing();
  assert.equal(b.logs.filter((r) => r.msg === 'handler failed').length, 0);
});
