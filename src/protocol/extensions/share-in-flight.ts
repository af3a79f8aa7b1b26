// Brook's extension of DescribeShareGroupOffsets (key 90): the in-flight state of each
// share-partition described -- how many records are locked to consumers right now, and how many
// wait in the window to be delivered again -- which KIP-932's response does not carry. It travels
// as a top-level tagged field (KIP-482), so Kafka's clients skip it and Brook's tools read it.
//
// Tag 17010 (0x4272, "Br": far from the low tags Kafka assigns), payload:
//   compact array of { compact string groupId | uuid topicId | int32 partition
//                      | int32 acquired | int32 available | int64 endOffset | tagged fields (0) }
// endOffset is one past the last offset ever delivered (Kafka's share-partition end offset + 1).
import { DecodeError } from '../decode-error.js';
import type { ByteReader } from '../primitives/byte-reader.js';
import { arraySize, stringSize, unsignedVarintSize, type ByteWriter } from '../primitives/byte-writer.js';
import type { ApiDefinition, MessageCodec, MessageInput } from '../primitives/codec.js';
import {
  describeShareGroupOffsetsApi,
  readDescribeShareGroupOffsetsResponseGroup,
  sizeDescribeShareGroupOffsetsResponseGroup,
  writeDescribeShareGroupOffsetsResponseGroup,
  type DescribeShareGroupOffsetsRequest,
  type DescribeShareGroupOffsetsResponse,
} from '../messages/describe-share-group-offsets.js';

export const SHARE_IN_FLIGHT_TAG = 0x4272;

export interface ShareInFlight {
  groupId: string;
  topicId: string;
  partition: number;
  acquired: number;
  available: number;
  endOffset: bigint;
}

export type DescribeShareGroupOffsetsWithInFlight = DescribeShareGroupOffsetsResponse & { inFlight?: ShareInFlight[] };

function payloadSize(entries: readonly ShareInFlight[]): number {
  let n = unsignedVarintSize(entries.length + 1);
  for (const e of entries) n += stringSize(e.groupId, true) + 16 + 4 + 4 + 4 + 8 + 1;
  return n;
}

function tagsSize(entries: readonly ShareInFlight[] | undefined): number {
  if (!entries || entries.length === 0) return 1;
  const p = payloadSize(entries);
  return 1 + unsignedVarintSize(SHARE_IN_FLIGHT_TAG) + unsignedVarintSize(p) + p;
}

const codec: MessageCodec<DescribeShareGroupOffsetsWithInFlight> = {
  size(x: MessageInput<DescribeShareGroupOffsetsWithInFlight>, v: number): number {
    return 4 + arraySize(x.groups ?? [], true, sizeDescribeShareGroupOffsetsResponseGroup, v) + tagsSize(x.inFlight as ShareInFlight[] | undefined);
  },
  write(w: ByteWriter, x: MessageInput<DescribeShareGroupOffsetsWithInFlight>, v: number): void {
    w.int32(x.throttleTimeMs ?? 0);
    w.array(x.groups ?? [], true, writeDescribeShareGroupOffsetsResponseGroup, v);
    const entries = (x.inFlight ?? []) as ShareInFlight[];
    if (entries.length === 0) {
      w.uvarint(0);
      return;
    }
    w.uvarint(1);
    w.uvarint(SHARE_IN_FLIGHT_TAG);
    w.uvarint(payloadSize(entries));
    w.uvarint(entries.length + 1);
    for (const e of entries) {
      w.string(e.groupId, true);
      w.uuid(e.topicId);
      w.int32(e.partition);
      w.int32(e.acquired);
      w.int32(e.available);
      w.int64(e.endOffset);
      w.uvarint(0);
    }
  },
  read(r: ByteReader, v: number): DescribeShareGroupOffsetsWithInFlight {
    const throttleTimeMs = r.int32();
    const groups = r.array(true, readDescribeShareGroupOffsetsResponseGroup, v);
    const out: DescribeShareGroupOffsetsWithInFlight = { throttleTimeMs, groups };
    for (let n = r.uvarint(); n > 0; n--) {
      const tag = r.uvarint();
      const end = r.beginTagged();
      if (tag === SHARE_IN_FLIGHT_TAG) {
        const count = r.arrayLength(true);
        if (count < 0) throw new DecodeError('bad-length', 'null in-flight array');
        out.inFlight = [];
        for (let i = 0; i < count; i++) {
          const e: ShareInFlight = { groupId: r.string(true), topicId: r.uuid(), partition: r.int32(), acquired: r.int32(), available: r.int32(), endOffset: r.int64() };
          r.skipTaggedFields();
          out.inFlight.push(e);
        }
      }
      r.endTagged(end);
    }
    return out;
  },
};

/** DescribeShareGroupOffsets whose response carries the in-flight extension (requests unchanged). */
export const describeShareGroupOffsetsWithInFlight: ApiDefinition<DescribeShareGroupOffsetsRequest, DescribeShareGroupOffsetsWithInFlight> = {
  ...describeShareGroupOffsetsApi,
  response: codec,
};

