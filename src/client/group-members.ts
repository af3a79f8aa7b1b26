// DescribeGroups with member metadata decoded leniently. @platformatic/kafka's Admin.describeGroups
// decodes each member's subscription and assignment itself and trips over bytes other clients send
// legitimately: an empty assignment (a member between JoinGroup and SyncGroup), a null user data
// (Java, KafkaJS: INT32 -1 where the library reads a compact length), newer protocol versions. One
// undecodable member fails the whole call, so `brook group describe` could not show a group whose
// members were not @platformatic/kafka. Here DescribeGroups v5 is sent raw and the consumer
// protocol (ConsumerProtocolSubscription / ConsumerProtocolAssignment, v0-3) decoded by hand.
//
// Leniency: every version starts with the v0 fields (subscription: topics, user data; assignment:
// assigned partitions, user data), which is all describe needs; later fields are not read. So a body
// whose declared version does not match its shape (@platformatic/kafka 1.35 labels its v0 body as
// v1) still decodes, and a member whose bytes do not decode at all is shown without an assignment
// instead of failing the group.
import { Connection, describeGroupsV5, FindCoordinatorKeyTypes, ProtocolError, type Admin } from '@platformatic/kafka';

/** Kafka's GROUP_ID_NOT_FOUND (DescribeGroups v6+; older versions answer state Dead). */
const GROUP_ID_NOT_FOUND = 69;

export interface GroupMemberInfo {
  id: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  /** Subscribed topics; empty when the metadata is absent or not the consumer protocol. */
  topics: string[];
  /** Assigned partitions; empty when the member has none (yet) or the bytes do not decode. */
  assignment: { topic: string; partitions: number[] }[];
}

export interface GroupInfo {
  id: string;
  /** 0, or GROUP_ID_NOT_FOUND (69); other errors are thrown. */
  errorCode: number;
  /** As Kafka spells it: Stable, PreparingRebalance, Empty, Dead, ... */
  state: string;
  protocolType: string;
  protocol: string;
  members: GroupMemberInfo[];
}

/** DescribeGroups for one group on its coordinator. */
export async function describeGroupLeniently(admin: Admin, groupId: string): Promise<GroupInfo> {
  const [coordinator] = await admin.findCoordinator({ keyType: FindCoordinatorKeyTypes.GROUP, keys: [groupId] });
  if (!coordinator) throw new Error(`no coordinator for group ${groupId}`);
  const connection = new Connection(admin.clientId);
  try {
    await connection.connect(coordinator.host, coordinator.port);
    const response = await describeGroupsV5.api.async(connection, [groupId], false);
    const g = response.groups.find((x) => x.groupId === groupId);
    if (!g) throw new Error(`DescribeGroups did not answer for group ${groupId}`);
    // Errors other than "no such group" surface as the library's own errors, as Admin.describeGroups does.
    if (g.errorCode !== 0 && g.errorCode !== GROUP_ID_NOT_FOUND) throw new ProtocolError(g.errorCode);
    const consumer = g.protocolType === 'consumer';
    return {
      id: g.groupId,
      errorCode: g.errorCode,
      state: g.groupState,
      protocolType: g.protocolType,
      protocol: g.protocolData,
      members: g.members.map((m) => ({
        id: m.memberId,
        groupInstanceId: m.groupInstanceId ?? null,
        clientId: m.clientId,
        clientHost: m.clientHost,
        topics: consumer ? (decodeSubscriptionTopics(m.memberMetadata) ?? []) : [],
        assignment: consumer ? (decodeAssignment(m.memberAssignment) ?? []) : [],
      })),
    };
  } finally {
    await connection.close();
  }
}

/** ConsumerProtocolSubscription's topics (the v0 prefix of every version); null when undecodable. */
export function decodeSubscriptionTopics(bytes: Buffer | null | undefined): string[] | null {
  if (!bytes || bytes.length === 0) return null;
  const r = new PlainReader(bytes);
  return r.tryRead(() => {
    r.int16(); // version: every version begins with the v0 fields
    return r.array(() => r.string());
  });
}

/** ConsumerProtocolAssignment's assigned partitions (the v0 prefix of every version); null when undecodable. */
export function decodeAssignment(bytes: Buffer | null | undefined): { topic: string; partitions: number[] }[] | null {
  if (!bytes || bytes.length === 0) return null;
  const r = new PlainReader(bytes);
  return r.tryRead(() => {
    r.int16();
    return r.array(() => ({ topic: r.string(), partitions: r.array(() => r.int32()) }));
  });
}

/** Non-flexible Kafka primitives over a buffer; every read is bounds-checked. */
class PlainReader {
  private pos = 0;
  constructor(private readonly b: Buffer) {}

  tryRead<T>(read: () => T): T | null {
    try {
      return read();
    } catch {
      return null;
    }
  }

  int16(): number {
    this.need(2);
    const v = this.b.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(): number {
    this.need(4);
    const v = this.b.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  string(): string {
    const n = this.int16();
    if (n < 0) throw new Error('null string');
    this.need(n);
    const s = this.b.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  array<T>(item: () => T): T[] {
    const n = this.int32();
    if (n < 0) return [];
    // Each element takes at least 2 bytes: a count past what remains is corrupt, not an allocation.
    if (n * 2 > this.b.length - this.pos) throw new Error('array count past the end');
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(item());
    return out;
  }

  private need(n: number): void {
    if (this.pos + n > this.b.length) throw new Error('truncated');
  }
}
