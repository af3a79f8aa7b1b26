// Header versions per API and the request/response header codecs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ApiKey,
  apiByKey,
  apis,
  requestHeaderVersion,
  responseHeaderVersion,
} from '../../src/protocol/messages/index.js';
import {
  decodeRequestBody,
  decodeRequestHeader,
  decodeResponseHeader,
  encodeRequestFrame,
  encodeResponseFrame,
} from '../../src/protocol/headers.js';
import { FrameDecoder } from '../../src/protocol/framing.js';
import { DecodeError } from '../../src/protocol/decode-error.js';
import { ErrorCode, errorByCode, errorName, isRetriable, kafkaErrors } from '../../src/protocol/errors.js';

test('header versions follow flexibility, with the two historical exceptions', () => {
  assert.equal(requestHeaderVersion(ApiKey.Produce, 8), 1);
  assert.equal(requestHeaderVersion(ApiKey.Produce, 9), 2);
  assert.equal(requestHeaderVersion(ApiKey.ControlledShutdown, 0), 0);
  assert.equal(requestHeaderVersion(ApiKey.ControlledShutdown, 1), 1);
  assert.equal(responseHeaderVersion(ApiKey.Fetch, 11), 0);
  assert.equal(responseHeaderVersion(ApiKey.Fetch, 12), 1);
  assert.equal(responseHeaderVersion(ApiKey.ApiVersions, 3), 0);
  assert.equal(responseHeaderVersion(ApiKey.ApiVersions, 4), 0);
  assert.equal(requestHeaderVersion(ApiKey.ApiVersions, 3), 2);
  assert.equal(requestHeaderVersion(9999, 0), 1); // unknown key: still decodable
  assert.equal(apiByKey(ApiKey.Metadata)?.name, 'Metadata');
  assert.equal(apiByKey(9999), undefined);
});

test('request frames decode back: header fields and body', () => {
  for (const version of [0, 3, 9, 11]) {
    const frame = encodeRequestFrame(
      { apiKey: ApiKey.Produce, apiVersion: version, correlationId: 42, clientId: 'brook-test' },
      apis.Produce.request,
      { acks: 1, timeoutMs: 30_000, topicData: [{ name: 't', partitionData: [{ index: 2, records: Buffer.from([1, 2, 3]) }] }] },
    );
    const d = new FrameDecoder();
    d.push(frame);
    const payload = d.next()!;
    const header = decodeRequestHeader(payload);
    assert.equal(header.apiKey, 0);
    assert.equal(header.apiVersion, version);
    assert.equal(header.correlationId, 42);
    assert.equal(header.clientId, 'brook-test');
    assert.equal(header.headerVersion, version >= 9 ? 2 : 1);
    const body = decodeRequestBody(payload, header, apis.Produce.request);
    assert.deepEqual([...body.topicData[0]!.partitionData[0]!.records!], [1, 2, 3]);
  }
});

test('ControlledShutdown v0 has no client id; truncated headers are DecodeErrors', () => {
  const payload = Buffer.from([0, 7, 0, 0, 0, 0, 0, 5, 0, 0, 0, 1]);
  const h = decodeRequestHeader(payload);
  assert.deepEqual(h, { apiKey: 7, apiVersion: 0, correlationId: 5, clientId: null, headerVersion: 0, bodyOffset: 8 });
  for (let n = 0; n < 10; n++) {
    assert.throws(() => decodeRequestHeader(Buffer.from([0, 3, 0, 1, 0, 0, 0, 9, 0, 4]).subarray(0, n)), DecodeError);
  }
});

test('response frames: ApiVersions keeps header v0 in flexible versions', () => {
  const body = { errorCode: 0, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }] };
  const frame = encodeResponseFrame(ApiKey.ApiVersions, 3, 77, apis.ApiVersions.response, body);
  assert.equal(frame.readInt32BE(0), frame.length - 4);
  const { correlationId, bodyOffset } = decodeResponseHeader(frame.subarray(4), 0);
  assert.equal(correlationId, 77);
  assert.equal(bodyOffset, 4);
  const metadata = encodeResponseFrame(ApiKey.Metadata, 12, 78, apis.Metadata.response, {});
  assert.equal(decodeResponseHeader(metadata.subarray(4), 1).bodyOffset, 5);
});

test('error catalog: every code from -1 to 134, unique names, lookups', () => {
  const codes = kafkaErrors.map((e) => e.code);
  assert.deepEqual(codes, Array.from({ length: 136 }, (_, i) => i - 1));
  assert.equal(new Set(kafkaErrors.map((e) => e.name)).size, kafkaErrors.length);
  assert.equal(ErrorCode.CORRUPT_MESSAGE, 2);
  assert.equal(ErrorCode.UNKNOWN_SERVER_ERROR, -1);
  assert.equal(errorByCode(6)?.name, 'NOT_LEADER_OR_FOLLOWER');
  assert.equal(isRetriable(ErrorCode.NOT_LEADER_OR_FOLLOWER), true);
  assert.equal(isRetriable(ErrorCode.TOPIC_AUTHORIZATION_FAILED), false);
  assert.equal(errorName(4242), 'UNKNOWN_ERROR_4242');
  for (const e of kafkaErrors) assert.ok(e.message.length > 5, e.name);
});
