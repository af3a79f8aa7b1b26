// The records of __consumer_offsets, in Kafka's own format (group-coordinator's OffsetCommitKey/Value
// and GroupMetadataKey/Value record definitions) so Kafka's tools can read a Brook data dir.
//
// Every record key and value starts with an int16 version. Strings are int16 length + UTF-8, nullable
// strings use length -1, bytes are int32 length + data (non-flexible versions; we write no flexible
// version, and read v4 values with compact encodings as Kafka defines them).
//
//   key v0/v1  OffsetCommitKey    group:string topic:string partition:int32
//   key v2     GroupMetadataKey   group:string
//
//   OffsetCommitValue v3 (what we write; Kafka writes v3 too unless an expire timestamp is set):
//     offset:int64 leaderEpoch:int32 metadata:string commitTimestamp:int64
//   (v0: no leaderEpoch; v1: + expireTimestamp:int64 after commitTimestamp; v2: as v0; v4: flexible v3)
//
//   GroupMetadataValue v3 (what we write):
//     protocolType:string generation:int32 protocol:nullable-string leader:nullable-string
//     currentStateTimestamp:int64 (v2+) members:[MemberMetadata] (int32 count)
//   MemberMetadata: memberId:string groupInstanceId:nullable-string (v3+) clientId:string clientHost:string
//     rebalanceTimeout:int32 (v1+) sessionTimeout:int32 subscription:bytes assignment:bytes
//
// A null value is a tombstone: the offset (or the whole group) is deleted, and compaction may drop
// every earlier record with the same key.
import { DecodeError } from '../../protocol/decode-error.js';
import { ByteReader } from '../../protocol/primitives/byte-reader.js';
import { ByteWriter, bytesSize, nullableStringSize, stringSize } from '../../protocol/primitives/byte-writer.js';

export interface OffsetKey {
  kind: 'offset';
  group: string;
  topic: string;
  partition: number;
}

export interface GroupKey {
  kind: 'group';
  group: string;
}

export type OffsetsRecordKey = OffsetKey | GroupKey;

export interface OffsetValue {
  offset: bigint;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
  /** v1 only; -1 otherwise. */
  expireTimestamp: number;
}

export interface StoredMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  subscription: Buffer;
  assignment: Buffer;
}

export interface GroupValue {
  protocolType: string;
  generation: number;
  protocol: string | null;
  leader: string | null;
  currentStateTimestamp: number;
  members: StoredMember[];
}

const OFFSET_VALUE_VERSION = 3;
const GROUP_VALUE_VERSION = 3;

export function encodeOffsetKey(group: string, topic: string, partition: number): Buffer {
  const w = new ByteWriter(Buffer.alloc(2 + stringSize(group, false) + stringSize(topic, false) + 4));
  w.int16(1);
  w.string(group, false);
  w.string(topic, false);
  w.int32(partition);
  return w.buf;
}

export function encodeGroupKey(group: string): Buffer {
  const w = new ByteWriter(Buffer.alloc(2 + stringSize(group, false)));
  w.int16(2);
  w.string(group, false);
  return w.buf;
}

export function encodeOffsetValue(v: OffsetValue): Buffer {
  const w = new ByteWriter(Buffer.alloc(2 + 8 + 4 + stringSize(v.metadata, false) + 8));
  w.int16(OFFSET_VALUE_VERSION);
  w.int64(v.offset);
  w.int32(v.leaderEpoch);
  w.string(v.metadata, false);
  w.int64(BigInt(v.commitTimestamp));
  return w.buf;
}

export function encodeGroupValue(v: GroupValue): Buffer {
  let size = 2 + stringSize(v.protocolType, false) + 4 + nullableStringSize(v.protocol, false) + nullableStringSize(v.leader, false) + 8 + 4;
  for (const m of v.members) {
    size += stringSize(m.memberId, false) + nullableStringSize(m.groupInstanceId, false) + stringSize(m.clientId, false);
    size += stringSize(m.clientHost, false) + 8 + bytesSize(m.subscription, false) + bytesSize(m.assignment, false);
  }
  const w = new ByteWriter(Buffer.alloc(size));
  w.int16(GROUP_VALUE_VERSION);
  w.string(v.protocolType, false);
  w.int32(v.generation);
  w.nullableString(v.protocol, false);
  w.nullableString(v.leader, false);
  w.int64(BigInt(v.currentStateTimestamp));
  w.int32(v.members.length);
  for (const m of v.members) {
    w.string(m.memberId, false);
    w.nullableString(m.groupInstanceId, false);
    w.string(m.clientId, false);
    w.string(m.clientHost, false);
    w.int32(m.rebalanceTimeoutMs);
    w.int32(m.sessionTimeoutMs);
    w.bytes(m.subscription, false);
    w.bytes(m.assignment, false);
  }
  return w.buf;
}

/** Decodes a record key; null for key versions this broker does not know (other coordinators' records). */
export function decodeKey(buf: Buffer): OffsetsRecordKey | null {
  const r = new ByteReader(buf);
  const version = r.int16();
  if (version === 0 || version === 1) {
    return { kind: 'offset', group: r.string(false), topic: r.string(false), partition: r.int32() };
  }
  if (version === 2) return { kind: 'group', group: r.string(false) };
  return null;
}

export function decodeOffsetValue(buf: Buffer): OffsetValue {
  const r = new ByteReader(buf);
  const version = r.int16();
  if (version < 0 || version > 4) throw new DecodeError('unsupported', `OffsetCommitValue version ${version}`);
  const flex = version >= 4;
  const offset = r.int64();
  const leaderEpoch = version >= 3 ? r.int32() : -1;
  const metadata = r.string(flex);
  const commitTimestamp = Number(r.int64());
  const expireTimestamp = version === 1 ? Number(r.int64()) : -1;
  return { offset, leaderEpoch, metadata, commitTimestamp, expireTimestamp };
}

export function decodeGroupValue(buf: Buffer): GroupValue {
  const r = new ByteReader(buf);
  const version = r.int16();
  if (version < 0 || version > 4) throw new DecodeError('unsupported', `GroupMetadataValue version ${version}`);
  const flex = version >= 4;
  const protocolType = r.string(flex);
  const generation = r.int32();
  const protocol = r.nullableString(flex);
  const leader = r.nullableString(flex);
  const currentStateTimestamp = version >= 2 ? Number(r.int64()) : -1;
  const count = r.arrayLength(flex);
  const members: StoredMember[] = [];
  for (let i = 0; i < count; i++) {
    const memberId = r.string(flex);
    const groupInstanceId = version >= 3 ? r.nullableString(flex) : null;
    const clientId = r.string(flex);
    const clientHost = r.string(flex);
    const rebalanceTimeoutMs = version >= 1 ? r.int32() : -1;
    const sessionTimeoutMs = r.int32();
    const subscription = r.bytes(flex);
    const assignment = r.bytes(flex);
    if (flex) r.skipTaggedFields();
    members.push({ memberId, groupInstanceId, clientId, clientHost, rebalanceTimeoutMs: rebalanceTimeoutMs < 0 ? sessionTimeoutMs : rebalanceTimeoutMs, sessionTimeoutMs, subscription, assignment });
  }
  if (flex) r.skipTaggedFields();
  return { protocolType, generation, protocol, leader, currentStateTimestamp, members };
}
