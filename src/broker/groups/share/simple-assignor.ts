// Server-side assignment of partitions to share-group members (KIP-932's SimpleAssignor, Kafka
// 4.x behaviour). Unlike a consumer group, several members may share one partition -- the broker
// hands each record to one of them -- so with more members than partitions every partition is
// shared by ceil(members / partitions) members, and with fewer members each gets its share of the
// partitions. Assignment is sticky: a member keeps what it had while that stays within its quota
// and the partition's sharing count, so adding a member moves as little as possible.
//
// When every member subscribes to the same topics, their partitions are assigned as one pool (two
// members, two single-partition topics: one topic each); otherwise each topic is assigned among its
// own subscribers.

export interface AssignorMember {
  memberId: string;
  topics: readonly string[];
  /** The current assignment: topic name -> partitions. */
  current: ReadonlyMap<string, readonly number[]>;
}

/** topic name -> partition count (topics that do not exist are absent). */
export type TopicPartitionCounts = ReadonlyMap<string, number>;

/** memberId -> topic name -> partitions (sorted). */
export type Assignment = Map<string, Map<string, number[]>>;

interface Slot {
  topic: string;
  partition: number;
}

export function assignShareGroup(members: readonly AssignorMember[], topics: TopicPartitionCounts): Assignment {
  const out: Assignment = new Map(members.map((m) => [m.memberId, new Map<string, number[]>()]));
  if (members.length === 0) return out;
  const subscription = (m: AssignorMember): string => [...new Set(m.topics)].filter((t) => topics.has(t)).sort().join('\u0000');
  const homogeneous = members.every((m) => subscription(m) === subscription(members[0]!));
  if (homogeneous) {
    const pool = slotsOf([...new Set(members[0]!.topics)].filter((t) => topics.has(t)).sort(), topics);
    assignPool(members, pool, out);
  } else {
    const allTopics = [...new Set(members.flatMap((m) => m.topics))].filter((t) => topics.has(t)).sort();
    for (const t of allTopics) assignPool(members.filter((m) => m.topics.includes(t)), slotsOf([t], topics), out);
  }
  for (const byTopic of out.values()) for (const parts of byTopic.values()) parts.sort((a, b) => a - b);
  return out;
}

function slotsOf(topicNames: readonly string[], topics: TopicPartitionCounts): Slot[] {
  const slots: Slot[] = [];
  for (const t of topicNames) for (let p = 0; p < topics.get(t)!; p++) slots.push({ topic: t, partition: p });
  return slots;
}

function assignPool(members: readonly AssignorMember[], pool: readonly Slot[], out: Assignment): void {
  if (members.length === 0 || pool.length === 0) return;
  const sharing = Math.ceil(members.length / pool.length);
  const total = sharing * pool.length;
  // Member i's quota: its part of `total`, spread as evenly as integers allow.
  const quota = members.map((_, i) => Math.ceil((total * (i + 1)) / members.length) - Math.ceil((total * i) / members.length));
  const key = (s: Slot): string => `${s.topic}\u0000${s.partition}`;
  const inPool = new Set(pool.map(key));
  const sharedBy = new Map<string, Set<number>>(pool.map((s) => [key(s), new Set<number>()]));
  const held = members.map(() => 0);
  const give = (i: number, s: Slot): void => {
    const byTopic = out.get(members[i]!.memberId)!;
    let parts = byTopic.get(s.topic);
    if (!parts) byTopic.set(s.topic, (parts = []));
    parts.push(s.partition);
    sharedBy.get(key(s))!.add(i);
    held[i]!++;
  };
  // Keep what members had, within quotas.
  members.forEach((m, i) => {
    for (const [topic, parts] of m.current) {
      for (const partition of parts) {
        const s = { topic, partition };
        if (!inPool.has(key(s)) || held[i]! >= quota[i]!) continue;
        const holders = sharedBy.get(key(s))!;
        if (holders.size >= sharing || holders.has(i)) continue;
        give(i, s);
      }
    }
  });
  // Fill the remaining slots round-robin among members with quota left.
  let next = 0;
  for (const s of pool) {
    const holders = sharedBy.get(key(s))!;
    let tries = 0;
    while (holders.size < sharing && tries < members.length) {
      const i = next;
      next = (next + 1) % members.length;
      tries++;
      if (held[i]! >= quota[i]! || holders.has(i)) continue;
      give(i, s);
      tries = 0;
    }
  }
}
