// Unknown tagged fields (from a newer peer) are skipped, not fatal; known ones still decode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apis } from '../../src/protocol/messages/index.js';
import { decodeMessage, encodeMessage } from '../../src/protocol/primitives/codec.js';

test('ApiVersionsRequest v3 with an unknown tag in its tagged section', () => {
  const body = Buffer.from([
    0x04, 0x6b, 0x61, 0x66, // compact string "kaf"
    0x02, 0x31, // compact string "1"
    0x01, // one tagged field
    0x07, 0x03, 0xaa, 0xbb, 0xcc, // tag 7, 3 bytes of data we do not know
  ]);
  const decoded = decodeMessage(apis.ApiVersions.request, body, 3);
  // Fields of later versions (ClusterId, NodeId: v5+) decode to their defaults.
  assert.deepEqual(decoded, { clientSoftwareName: 'kaf', clientSoftwareVersion: '1', clusterId: null, nodeId: -1 });
});

test('unknown tags around a known one, also inside a nested struct', () => {
  const response = apis.ApiVersions.response;
  const body = Buffer.from([
    0x00, 0x00, // error code
    0x02, // compact array, 1 element
    0x00, 0x12, 0x00, 0x00, 0x00, 0x04, // ApiVersions 0..4
    0x01, 0x09, 0x01, 0xff, // element tagged section: unknown tag 9, 1 byte
    0x00, 0x00, 0x00, 0x00, // throttle time
    0x03, // three tagged fields
    0x01, 0x08, 0, 0, 0, 0, 0, 0, 0, 0x2a, // tag 1: finalizedFeaturesEpoch = 42
    0x05, 0x00, // tag 5: empty unknown field
    0x7f, 0x02, 0x01, 0x02, // tag 127: unknown
  ]);
  const decoded = decodeMessage(response, body, 3);
  assert.equal(decoded.finalizedFeaturesEpoch, 42n);
  assert.deepEqual(decoded.apiKeys, [{ apiKey: 18, minVersion: 0, maxVersion: 4 }]);
  assert.equal(decoded.zkMigrationReady, false);
});

test('tagged fields are written only when they differ from their default', () => {
  const response = apis.ApiVersions.response;
  const plain = encodeMessage(response, { apiKeys: [] }, 3);
  assert.equal(plain[plain.length - 1], 0, 'no tagged fields');
  const withEpoch = encodeMessage(response, { apiKeys: [], finalizedFeaturesEpoch: 7n }, 3);
  assert.equal(withEpoch.length, plain.length + 10); // tag, size, int64
  // In v0-v2 there is no tagged section at all.
  assert.equal(encodeMessage(response, { finalizedFeaturesEpoch: 7n }, 2).length, 2 + 4 + 4);
});

test('a tagged field whose declared size runs past the input is a DecodeError', async () => {
  const { DecodeError } = await import('../../src/protocol/decode-error.js');
  const body = Buffer.from([0x01, 0x01, 0x01, 0x01, 0x07, 0x09, 0x00]);
  assert.throws(() => decodeMessage(apis.ApiVersions.request, body, 3), DecodeError);
});
