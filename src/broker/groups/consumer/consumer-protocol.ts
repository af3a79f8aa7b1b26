// The embedded consumer protocol of classic groups (ConsumerProtocolSubscription in JoinGroup metadata,
// ConsumerProtocolAssignment in SyncGroup), read and written by the broker only where KIP-848 needs it:
// converting a classic group to a consumer group and back, and serving classic members of a consumer
// group. Each is an int16 version then the body; newer versions than we know are read with the newest
// layout (the protocol only appends fields), and an assignment is written in the version the member's
// subscription used, as Kafka does.
import { dataStructures } from '../../../protocol/messages/index.js';
import type { ConsumerProtocolSubscription } from '../../../protocol/messages/consumer-protocol-subscription.js';
import { ByteReader } from '../../../protocol/primitives/byte-reader.js';
import { ByteWriter } from '../../../protocol/primitives/byte-writer.js';
import { assignmentFromList, type Assignment } from './assignment.js';
import type { TopicsView } from './topic-metadata.js';

const SUBSCRIPTION = dataStructures.ConsumerProtocolSubscription;
const ASSIGNMENT = dataStructures.ConsumerProtocolAssignment;

export class MalformedProtocolError extends Error {}

export function protocolVersion(metadata: Buffer): number {
  if (metadata.length < 2) throw new MalformedProtocolError('consumer protocol metadata shorter than its version');
  return metadata.readInt16BE(0);
}

export function decodeSubscription(metadata: Buffer): ConsumerProtocolSubscription {
  try {
    const r = new ByteReader(metadata);
    const version = Math.min(r.int16(), SUBSCRIPTION.maxVersion);
    if (version < 0) throw new MalformedProtocolError(`subscription version ${version}`);
    return SUBSCRIPTION.codec.read(r, version);
  } catch (e) {
    throw new MalformedProtocolError(`malformed consumer protocol subscription: ${String(e)}`);
  }
}

/** Assigned partitions by topic id (unknown topics dropped) and whether user data came with them. */
export function decodeAssignment(bytes: Buffer, topics: TopicsView): { assignment: Assignment; hasUserData: boolean } {
  if (bytes.length === 0) return { assignment: new Map(), hasUserData: false };
  let decoded;
  try {
    const r = new ByteReader(bytes);
    const version = Math.min(r.int16(), ASSIGNMENT.maxVersion);
    decoded = ASSIGNMENT.codec.read(r, Math.max(version, 0));
  } catch (e) {
    throw new MalformedProtocolError(`malformed consumer protocol assignment: ${String(e)}`);
  }
  const list: { topicId: string; partitions: number[] }[] = [];
  for (const t of decoded.assignedPartitions) {
    const meta = topics.byName(t.topic);
    if (meta) list.push({ topicId: meta.id, partitions: t.partitions });
  }
  return { assignment: assignmentFromList(list), hasUserData: decoded.userData !== null && decoded.userData.length > 0 };
}

/** ConsumerProtocolAssignment of `a` (by topic name), in `version` (the member's subscription version). */
export function encodeAssignment(a: Assignment, topics: TopicsView, version: number): Buffer {
  const v = Math.max(0, Math.min(version, ASSIGNMENT.maxVersion));
  const assignedPartitions: { topic: string; partitions: number[] }[] = [];
  for (const [topicId, ps] of a) {
    const meta = topics.byId(topicId);
    if (meta) assignedPartitions.push({ topic: meta.name, partitions: [...ps].sort((x, y) => x - y) });
  }
  assignedPartitions.sort((x, y) => (x.topic < y.topic ? -1 : x.topic > y.topic ? 1 : 0));
  const body = { assignedPartitions, userData: null };
  const buf = Buffer.allocUnsafe(2 + ASSIGNMENT.codec.size(body, v));
  const w = new ByteWriter(buf);
  w.int16(v);
  ASSIGNMENT.codec.write(w, body, v);
  return buf;
}

/** The owned partitions a cooperative classic member lists in its subscription, by topic id. */
export function ownedPartitions(sub: ConsumerProtocolSubscription, topics: TopicsView): { topicId: string; partitions: number[] }[] {
  const out: { topicId: string; partitions: number[] }[] = [];
  for (const t of sub.ownedPartitions) {
    const meta = topics.byName(t.topic);
    if (meta) out.push({ topicId: meta.id, partitions: t.partitions });
  }
  return out;
}
