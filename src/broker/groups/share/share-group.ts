// A share group and its members (KIP-932, Kafka's ShareGroup/ShareGroupMember): the group epoch
// counts changes of membership, subscriptions and subscribed topics' partitions; the assignment
// epoch is the group epoch the target assignment was computed at. Share groups have no revocation
// phase (a partition may be shared), so a member takes its target assignment -- and the assignment
// epoch as its member epoch -- on its next heartbeat.
import { assignShareGroup, type TopicPartitionCounts } from './simple-assignor.js';

export type ShareGroupState = 'Empty' | 'Stable' | 'Dead';

export class ShareGroupMember {
  memberEpoch = 0;
  previousMemberEpoch = -1;
  rackId: string | null = null;
  clientId = '';
  clientHost = '';
  subscribedTopicNames: string[] = [];
  /** topic name -> partitions: what the member was last told (its current assignment). */
  assignment = new Map<string, number[]>();
  /** topic name -> partitions: the target computed at the group's assignment epoch. */
  target = new Map<string, number[]>();
  /** Session deadline timer, owned by the coordinator. */
  sessionTimer: NodeJS.Timeout | null = null;

  constructor(readonly memberId: string) {}
}

export class ShareGroup {
  readonly members = new Map<string, ShareGroupMember>();
  groupEpoch = 0;
  assignmentEpoch = 0;
  /** Partition counts of the subscribed topics when the assignment was computed. */
  private topicsSeen = '';
  state: ShareGroupState = 'Empty';

  constructor(readonly groupId: string) {}

  /** Every topic some member subscribes to. */
  subscribedTopics(): Set<string> {
    const out = new Set<string>();
    for (const m of this.members.values()) for (const t of m.subscribedTopicNames) out.add(t);
    return out;
  }

  /** Bumps the group epoch when the subscribed topics' partitions changed since the last assignment. */
  noteTopicMetadata(counts: TopicPartitionCounts): void {
    const seen = [...this.subscribedTopics()].sort().map((t) => `${t}:${counts.get(t) ?? -1}`).join(',');
    if (seen !== this.topicsSeen) {
      this.topicsSeen = seen;
      this.groupEpoch++;
    }
  }

  /** Recomputes every member's target assignment when the group epoch moved past it. */
  maybeReassign(counts: TopicPartitionCounts): void {
    if (this.assignmentEpoch >= this.groupEpoch) return;
    const target = assignShareGroup(
      [...this.members.values()].map((m) => ({ memberId: m.memberId, topics: m.subscribedTopicNames, current: m.target })),
      counts,
    );
    for (const m of this.members.values()) m.target = target.get(m.memberId) ?? new Map();
    this.assignmentEpoch = this.groupEpoch;
  }

  updateState(): void {
    if (this.state === 'Dead') return;
    this.state = this.members.size === 0 ? 'Empty' : 'Stable';
  }
}

export function sameAssignment(a: ReadonlyMap<string, readonly number[]>, b: ReadonlyMap<string, readonly number[]>): boolean {
  if (a.size !== b.size) return false;
  for (const [t, parts] of a) {
    const other = b.get(t);
    if (!other || other.length !== parts.length || other.some((p, i) => p !== parts[i])) return false;
  }
  return true;
}
