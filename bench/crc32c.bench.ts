// CRC-32C throughput over 1 MiB buffers, beside Buffer.copy of the same bytes in the same run: the CRC is
// on the produce path (every batch is checked), so it should cost a memory copy, not much more.
import { randomBytes } from 'node:crypto';
import { crc32c } from '../src/protocol/records/crc32c.js';
import { rate, report } from './harness.js';

const SIZE = 1024 * 1024;
const src = randomBytes(SIZE);
const dst = Buffer.allocUnsafe(SIZE);
let sink = 0;

const crcPerSec = await rate(() => {
  sink = (sink + crc32c(src)) >>> 0;
});
const copyPerSec = await rate(() => {
  src.copy(dst);
});
const gbps = (callsPerSec: number) => (callsPerSec * SIZE) / 1e9;

report(
  'crc32c',
  [
    {
      name: 'CRC-32C 1 MiB',
      value: gbps(crcPerSec),
      unit: 'GB/s',
      baseline: { name: 'Buffer.copy 1 MiB', value: gbps(copyPerSec) },
    },
  ],
  [`@node-rs/crc32 (native, hardware CRC instructions); checksum sink ${sink}`],
);
