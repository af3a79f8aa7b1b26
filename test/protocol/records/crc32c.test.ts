import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32c, crc32cRange } from '../../../src/protocol/records/crc32c.js';

test('CRC-32C check value of "123456789"', () => {
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
});

test('CRC-32C RFC 3720 (iSCSI) appendix B.4 vectors', () => {
  assert.equal(crc32c(Buffer.alloc(32, 0)), 0x8a9136aa);
  assert.equal(crc32c(Buffer.alloc(32, 0xff)), 0x62a8ab43);
  assert.equal(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => i))), 0x46dd794e);
  assert.equal(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i))), 0x113fdb5c);
});

test('CRC-32C of nothing is 0, and the incremental form equals the one-shot form', () => {
  assert.equal(crc32c(Buffer.alloc(0)), 0);
  const data = Buffer.from('the quick brown fox jumps over the lazy dog');
  for (const cut of [0, 1, 10, data.length]) {
    assert.equal(crc32c(data.subarray(cut), crc32c(data.subarray(0, cut))), crc32c(data));
  }
  assert.equal(crc32cRange(data, 4, 9), crc32c(data.subarray(4, 9)));
});
