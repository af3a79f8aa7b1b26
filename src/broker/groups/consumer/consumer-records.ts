// The __consumer_offsets records of KIP-848 consumer groups, in Kafka's own format (the group
// coordinator's ConsumerGroup*Key/Value definitions of Kafka 4.4), so a group survives a restart and
// Kafka's tools read a Brook data dir. A record key starts with an int16 "version" that is the record
// type; keys are non-flexible. A value starts with an int16 value version (0 for all of these) and is
// flexible: compact strings/arrays (unsigned varint length + 1) and a tagged-field section per struct.
//
//   type  key                                 value (v0)
//    3    ConsumerGroupMetadata  group         Epoch:int32 [tag 0: MetadataHash:int64 (4.1+, KIP-1101)]
//    4    ConsumerGroupPartitionMetadata group  (replaced by MetadataHash in 4.1; only read and tombstoned)
//    5    ConsumerGroupMemberMetadata group member
//                                              InstanceId:nstr RackId:nstr ClientId:str ClientHost:str
//                                              SubscribedTopicNames:[str] SubscribedTopicRegex:nstr
//                                              RebalanceTimeoutMs:int32 ServerAssignor:nstr
//                                              [tag 0: ClassicMemberMetadata {SessionTimeoutMs:int32
//                                                       SupportedProtocols:[{Name:str Metadata:bytes}]}]
//    6    ConsumerGroupTargetAssignmentMetadata group
//                                              AssignmentEpoch:int32 [tag 0: AssignmentTimestamp:int64 (4.3+)]
//    7    ConsumerGroupTargetAssignmentMember group member
//                                              TopicPartitions:[{TopicId:uuid Partitions:[int32]}]
//    8    ConsumerGroupCurrentMemberAssignment group member
//                                              MemberEpoch:int32 PreviousMemberEpoch:int32 State:int8
//                                              AssignedPartitions:[TP] PartitionsPendingRevocation:[TP]
//                                              TP = {TopicId:uuid Partitions:[int32]
//                                                    [tag 0: AssignmentEpochs:[int32] (KIP-1251)]}
//   16    ConsumerGroupRegularExpression group regex
//                                              Topics:[str] Version:int64 Timestamp:int64
//
// A null value is a tombstone. Unknown tags are skipped, so records written by a newer Kafka read.
import { DecodeError } from '../../../protocol/decode-error.js';
import { ByteReader } from '../../../protocol/primitives/byte-reader.js';
import { assignmentFromList, assignmentToList, type Assignment, type AssignmentWithEpochs } from './assignment.js';
import type { ClassicMemberMetadata } from './consumer-member.js';
import { FlexibleWriter } from './flexible-writer.js';

export const RecordType = {
  GROUP_METADATA: 3,
  PARTITION_METADATA: 4,
  MEMBER_METADATA: 5,
  TARGET_ASSIGNMENT_METADATA: 6,
  TARGET_ASSIGNMENT_MEMBER: 7,
  CURRENT_ASSIGNMENT: 8,
  REGULAR_EXPRESSION: 16,
} as const;

export interface MemberMetadataValue {
  instanceId: string | null;
  rackId: string | null;
  clientId: string;
  clientHost: string;
  subscribedTopicNames: string[];
  subscribedTopicRegex: string | null;
  rebalanceTimeoutMs: number;
  serverAssignor: string | null;
  classicMemberMetadata: ClassicMemberMetadata | null;
}

export interface CurrentAssignmentValue {
  memberEpoch: number;
  previousMemberEpoch: number;
  state: number;
  assignedPartitions: AssignmentWithEpochs;
  partitionsPendingRevocation: AssignmentWithEpochs;
}

export interface ResolvedRegex {
  topics: ReadonlySet<string>;
  /** Kafka's metadata image version it was resolved against; Brook's topic-set version. */
  version: bigint;
  timestamp: number;
}

export type ConsumerGroupRecord =
  | { type: 'group-epoch'; groupId: string; value: { epoch: number; metadataHash: bigint } | null }
  | { type: 'partition-metadata'; groupId: string; present: boolean }
  | { type: 'member-metadata'; groupId: string; memberId: string; value: MemberMetadataValue | null }
  | { type: 'target-metadata'; groupId: string; value: { assignmentEpoch: number; assignmentTimestamp: number } | null }
  | { type: 'target-member'; groupId: string; memberId: string; value: Assignment | null }
  | { type: 'current-assignment'; groupId: string; memberId: string; value: CurrentAssignmentValue | null }
  | { type: 'regex'; groupId: string; regex: string; value: ResolvedRegex | null };

function key(type: number, ...strings: string[]): Buffer {
  const w = new FlexibleWriter().int16(type);
  for (const s of strings) w.string(s);
  return w.toBuffer();
}

function topicPartitionsWithEpochs(w: FlexibleWriter, a: AssignmentWithEpochs): void {
  const topics = [...a.keys()].sort();
  w.compactArray(topics, (w2, topicId) => {
    const byPartition = a.get(topicId)!;
    const partitions = [...byPartition.keys()].sort((x, y) => x - y);
    w2.uuid(topicId).compactInt32Array(partitions);
    const epochs = new FlexibleWriter().compactInt32Array(partitions.map((p) => byPartition.get(p)!)).toBuffer();
    w2.taggedFields([{ tag: 0, bytes: epochs }]);
  });
}

/** Encodes one record as the key and value (null: tombstone) written to __consumer_offsets. */
export function encodeConsumerGroupRecord(r: ConsumerGroupRecord): { key: Buffer; value: Buffer | null } {
  switch (r.type) {
    case 'group-epoch': {
      const k = key(RecordType.GROUP_METADATA, r.groupId);
      if (!r.value) return { key: k, value: null };
      const w = new FlexibleWriter().int16(0).int32(r.value.epoch);
      w.taggedFields(r.value.metadataHash === 0n ? [] : [{ tag: 0, bytes: new FlexibleWriter().int64(r.value.metadataHash).toBuffer() }]);
      return { key: k, value: w.toBuffer() };
    }
    case 'partition-metadata':
      // Brook never writes the 4.0 subscription metadata; it only deletes one left by Kafka.
      return { key: key(RecordType.PARTITION_METADATA, r.groupId), value: null };
    case 'member-metadata': {
      const k = key(RecordType.MEMBER_METADATA, r.groupId, r.memberId);
      const v = r.value;
      if (!v) return { key: k, value: null };
      const w = new FlexibleWriter().int16(0);
      w.compactNullableString(v.instanceId).compactNullableString(v.rackId).compactString(v.clientId).compactString(v.clientHost);
      w.compactArray(v.subscribedTopicNames, (w2, t) => w2.compactString(t));
      w.compactNullableString(v.subscribedTopicRegex).int32(v.rebalanceTimeoutMs).compactNullableString(v.serverAssignor);
      const tagged: { tag: number; bytes: Buffer }[] = [];
      if (v.classicMemberMetadata) {
        const c = new FlexibleWriter().int32(v.classicMemberMetadata.sessionTimeoutMs);
        c.compactArray(v.classicMemberMetadata.supportedProtocols, (w2, p) => w2.compactString(p.name).compactBytes(p.metadata).taggedFields([]));
        tagged.push({ tag: 0, bytes: c.taggedFields([]).toBuffer() });
      }
      return { key: k, value: w.taggedFields(tagged).toBuffer() };
    }
    case 'target-metadata': {
      const k = key(RecordType.TARGET_ASSIGNMENT_METADATA, r.groupId);
      if (!r.value) return { key: k, value: null };
      const w = new FlexibleWriter().int16(0).int32(r.value.assignmentEpoch);
      const ts = r.value.assignmentTimestamp;
      w.taggedFields(ts === 0 ? [] : [{ tag: 0, bytes: new FlexibleWriter().int64(BigInt(ts)).toBuffer() }]);
      return { key: k, value: w.toBuffer() };
    }
    case 'target-member': {
      const k = key(RecordType.TARGET_ASSIGNMENT_MEMBER, r.groupId, r.memberId);
      if (!r.value) return { key: k, value: null };
      const w = new FlexibleWriter().int16(0);
      w.compactArray(assignmentToList(r.value), (w2, t) => w2.uuid(t.topicId).compactInt32Array(t.partitions).taggedFields([]));
      return { key: k, value: w.taggedFields([]).toBuffer() };
    }
    case 'current-assignment': {
      const k = key(RecordType.CURRENT_ASSIGNMENT, r.groupId, r.memberId);
      const v = r.value;
      if (!v) return { key: k, value: null };
      const w = new FlexibleWriter().int16(0).int32(v.memberEpoch).int32(v.previousMemberEpoch).int8(v.state);
      topicPartitionsWithEpochs(w, v.assignedPartitions);
      topicPartitionsWithEpochs(w, v.partitionsPendingRevocation);
      return { key: k, value: w.taggedFields([]).toBuffer() };
    }
    case 'regex': {
      const k = key(RecordType.REGULAR_EXPRESSION, r.groupId, r.regex);
      if (!r.value) return { key: k, value: null };
      const w = new FlexibleWriter().int16(0);
      w.compactArray([...r.value.topics].sort(), (w2, t) => w2.compactString(t));
      w.int64(r.value.version).int64(BigInt(r.value.timestamp));
      return { key: k, value: w.taggedFields([]).toBuffer() };
    }
  }
}

function readTagged(r: ByteReader, onTag: (tag: number) => void): void {
  for (let n = r.uvarint(); n > 0; n--) {
    const tag = r.uvarint();
    const outer = r.beginTagged();
    onTag(tag);
    r.endTagged(outer);
  }
}

function readCompactStrings(r: ByteReader): string[] {
  const n = r.arrayLength(true);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(r.string(true));
  return out;
}

function readInt32s(r: ByteReader): number[] {
  const n = r.arrayLength(true);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(r.int32());
  return out;
}

/** TopicPartitions with their tagged assignment epochs; records without epochs take `defaultEpoch` (Kafka's rule). */
function readPartitionsWithEpochs(r: ByteReader, defaultEpoch: number): Map<string, Map<number, number>> {
  const out = new Map<string, Map<number, number>>();
  const n = r.arrayLength(true);
  for (let i = 0; i < n; i++) {
    const topicId = r.uuid();
    const partitions = readInt32s(r);
    let epochs: number[] | null = null;
    readTagged(r, (tag) => {
      if (tag !== 0) return;
      const count = r.arrayLength(true);
      if (count < 0) return;
      epochs = [];
      for (let j = 0; j < count; j++) epochs.push(r.int32());
    });
    const byPartition = new Map<number, number>();
    const e = epochs as number[] | null;
    partitions.forEach((p, j) => byPartition.set(p, e !== null && e.length === partitions.length ? e[j]! : Math.max(defaultEpoch, 0)));
    out.set(topicId, byPartition);
  }
  return out;
}

function readMemberMetadata(r: ByteReader): MemberMetadataValue {
  const v: MemberMetadataValue = {
    instanceId: r.nullableString(true),
    rackId: r.nullableString(true),
    clientId: r.string(true),
    clientHost: r.string(true),
    subscribedTopicNames: readCompactStrings(r),
    subscribedTopicRegex: r.nullableString(true),
    rebalanceTimeoutMs: r.int32(),
    serverAssignor: r.nullableString(true),
    classicMemberMetadata: null,
  };
  readTagged(r, (tag) => {
    if (tag !== 0) return;
    const sessionTimeoutMs = r.int32();
    const protocols: { name: string; metadata: Buffer }[] = [];
    for (let n = r.arrayLength(true), i = 0; i < n; i++) {
      protocols.push({ name: r.string(true), metadata: Buffer.from(r.bytes(true)) });
      r.skipTaggedFields();
    }
    r.skipTaggedFields();
    v.classicMemberMetadata = { sessionTimeoutMs, supportedProtocols: protocols };
  });
  return v;
}

/**
 * Decodes a record of a consumer group; null for other record types (classic groups, offsets,
 * share and streams groups), which other readers handle or skip. Throws DecodeError on bad bytes.
 */
export function decodeConsumerGroupRecord(keyBytes: Buffer, valueBytes: Buffer | null): ConsumerGroupRecord | null {
  const k = new ByteReader(keyBytes);
  const type = k.int16();
  const known = Object.values(RecordType) as number[];
  if (!known.includes(type)) return null;
  const groupId = k.string(false);
  const second = type === RecordType.MEMBER_METADATA || type === RecordType.TARGET_ASSIGNMENT_MEMBER || type === RecordType.CURRENT_ASSIGNMENT || type === RecordType.REGULAR_EXPRESSION ? k.string(false) : '';
  let r: ByteReader | null = null;
  if (valueBytes !== null) {
    r = new ByteReader(valueBytes);
    const version = r.int16();
    if (version !== 0) throw new DecodeError('unsupported', `consumer group record type ${type} value version ${version}`);
  }
  switch (type) {
    case RecordType.GROUP_METADATA: {
      if (!r) return { type: 'group-epoch', groupId, value: null };
      const epoch = r.int32();
      let metadataHash = 0n;
      readTagged(r, (tag) => {
        if (tag === 0) metadataHash = r.int64();
      });
      return { type: 'group-epoch', groupId, value: { epoch, metadataHash } };
    }
    case RecordType.PARTITION_METADATA:
      // Kafka 4.0's subscription metadata: superseded by the metadata hash; only its presence matters.
      return { type: 'partition-metadata', groupId, present: r !== null };
    case RecordType.MEMBER_METADATA:
      return { type: 'member-metadata', groupId, memberId: second, value: r ? readMemberMetadata(r) : null };
    case RecordType.TARGET_ASSIGNMENT_METADATA: {
      if (!r) return { type: 'target-metadata', groupId, value: null };
      const assignmentEpoch = r.int32();
      let assignmentTimestamp = 0;
      readTagged(r, (tag) => {
        if (tag === 0) assignmentTimestamp = Number(r.int64());
      });
      return { type: 'target-metadata', groupId, value: { assignmentEpoch, assignmentTimestamp } };
    }
    case RecordType.TARGET_ASSIGNMENT_MEMBER: {
      if (!r) return { type: 'target-member', groupId, memberId: second, value: null };
      const list: { topicId: string; partitions: number[] }[] = [];
      for (let n = r.arrayLength(true), i = 0; i < n; i++) {
        list.push({ topicId: r.uuid(), partitions: readInt32s(r) });
        r.skipTaggedFields();
      }
      return { type: 'target-member', groupId, memberId: second, value: assignmentFromList(list) };
    }
    case RecordType.CURRENT_ASSIGNMENT: {
      if (!r) return { type: 'current-assignment', groupId, memberId: second, value: null };
      const memberEpoch = r.int32();
      const previousMemberEpoch = r.int32();
      const state = r.int8();
      const assignedPartitions = readPartitionsWithEpochs(r, memberEpoch);
      const partitionsPendingRevocation = readPartitionsWithEpochs(r, memberEpoch);
      return { type: 'current-assignment', groupId, memberId: second, value: { memberEpoch, previousMemberEpoch, state, assignedPartitions, partitionsPendingRevocation } };
    }
    default: {
      if (!r) return { type: 'regex', groupId, regex: second, value: null };
      const topics = new Set(readCompactStrings(r));
      const version = r.int64();
      const timestamp = Number(r.int64());
      return { type: 'regex', groupId, regex: second, value: { topics, version, timestamp } };
    }
  }
}

/** Whether a __consumer_offsets key is one of a consumer group's records (without decoding the rest). */
export function isConsumerGroupRecordKey(keyBytes: Buffer): boolean {
  if (keyBytes.length < 2) return false;
  return (Object.values(RecordType) as number[]).includes(keyBytes.readInt16BE(0));
}
