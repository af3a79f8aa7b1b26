// The "uniform" server-side assignor (KIP-848's default): balanced and sticky. Every member ends with
// as many partitions as any other member with the same subscription, give or take one, and keeps as
// much of its current target as that allows, so a rebalance moves as few partitions as possible.
//
// Homogeneous subscriptions (everyone subscribes to the same topics) take the quota path: with P
// partitions and M members each member keeps up to floor(P/M) of its partitions, the P mod M extra
// slots go first to members that already hold one more than that; the surplus joins the unassigned
// partitions, which fill members below their quota. Heterogeneous subscriptions take the general
// path: keep what is still subscribed, give each free partition to the eligible member holding the
// fewest (partitions with the fewest candidates first), then move partitions from a member to an
// eligible one holding two fewer until no such move exists; every move lowers the sum of squared
// counts, so this ends.
import type { Assignment } from '../assignment.js';
import { partitionsOf, rackMatches, toAssignment, type AssignmentMember, type PartitionAssignor, type TopicDescriber, type TopicPartition } from './assignor.js';

const key = (tp: TopicPartition): string => `${tp.topicId}:${tp.partition}`;

export class UniformAssignor implements PartitionAssignor {
  readonly name = 'uniform';

  assign(members: readonly AssignmentMember[], topics: TopicDescriber): Map<string, Assignment> {
    if (members.length === 0) return new Map();
    const first = members[0]!.topicIds;
    const homogeneous = members.every((m) => m.topicIds.size === first.size && [...m.topicIds].every((t) => first.has(t)));
    return homogeneous ? assignHomogeneous(members, topics) : assignHeterogeneous(members, topics);
  }
}

/** Each member's still-valid current partitions, a partition kept by the first member listing it. */
function retained(members: readonly AssignmentMember[], topics: TopicDescriber): Map<string, TopicPartition[]> {
  const claimed = new Set<string>();
  const out = new Map<string, TopicPartition[]>();
  for (const m of members) {
    const keep: TopicPartition[] = [];
    for (const topicId of [...m.current.keys()].sort()) {
      if (!m.topicIds.has(topicId)) continue;
      const n = topics.numPartitions(topicId);
      for (const partition of [...m.current.get(topicId)!].sort((a, b) => a - b)) {
        const tp = { topicId, partition };
        if (partition >= n || claimed.has(key(tp))) continue;
        claimed.add(key(tp));
        keep.push(tp);
      }
    }
    out.set(m.memberId, keep);
  }
  return out;
}

/** Takes `n` partitions from the pool for a member, those in its rack first. */
function take(pool: TopicPartition[], n: number, m: AssignmentMember, topics: TopicDescriber): TopicPartition[] {
  if (n <= 0) return [];
  const picked: TopicPartition[] = [];
  if (m.rackId !== null) {
    for (let i = 0; i < pool.length && picked.length < n; ) {
      if (rackMatches(m.rackId, topics, pool[i]!)) picked.push(...pool.splice(i, 1));
      else i++;
    }
  }
  picked.push(...pool.splice(0, n - picked.length));
  return picked;
}

function assignHomogeneous(members: readonly AssignmentMember[], topics: TopicDescriber): Map<string, Assignment> {
  const all = partitionsOf(members[0]!.topicIds, topics);
  const minQuota = Math.floor(all.length / members.length);
  let extras = all.length % members.length;
  const kept = retained(members, topics);
  const owned = new Set<string>();
  const pool: TopicPartition[] = [];
  const hasExtra = new Set<string>();
  const result = new Map<string, TopicPartition[]>();
  for (const m of members) {
    const mine = kept.get(m.memberId)!;
    let quota = minQuota;
    if (mine.length > minQuota && extras > 0) {
      quota++;
      extras--;
      hasExtra.add(m.memberId);
    }
    // Rack-aware: a member outside a partition's rack gives that one up first.
    const ordered = m.rackId === null ? mine : [...mine.filter((tp) => rackMatches(m.rackId, topics, tp)), ...mine.filter((tp) => !rackMatches(m.rackId, topics, tp))];
    const keep = ordered.slice(0, quota);
    pool.push(...ordered.slice(quota));
    for (const tp of keep) owned.add(key(tp));
    result.set(m.memberId, keep);
  }
  const pooled = new Set(pool.map(key));
  const free = all.filter((tp) => !owned.has(key(tp)) && !pooled.has(key(tp)));
  const unassigned = [...free, ...pool].sort((a, b) => (a.topicId === b.topicId ? a.partition - b.partition : a.topicId < b.topicId ? -1 : 1));
  for (const m of members) result.get(m.memberId)!.push(...take(unassigned, minQuota - result.get(m.memberId)!.length, m, topics));
  for (const m of members) {
    if (extras === 0 || unassigned.length === 0) break;
    if (hasExtra.has(m.memberId)) continue;
    result.get(m.memberId)!.push(...take(unassigned, 1, m, topics));
    extras--;
  }
  return new Map([...result].map(([id, list]) => [id, toAssignment(list)]));
}

function assignHeterogeneous(members: readonly AssignmentMember[], topics: TopicDescriber): Map<string, Assignment> {
  const allTopics = new Set<string>();
  for (const m of members) for (const t of m.topicIds) allTopics.add(t);
  const owner = new Map<string, string>();
  const counts = new Map<string, number>(members.map((m) => [m.memberId, 0]));
  const byId = new Map(members.map((m, i) => [m.memberId, { m, order: i }]));
  for (const [memberId, list] of retained(members, topics)) {
    for (const tp of list) owner.set(key(tp), memberId);
    counts.set(memberId, list.length);
  }
  const eligible = (topicId: string): AssignmentMember[] => members.filter((m) => m.topicIds.has(topicId));
  const all = partitionsOf(allTopics, topics);
  const free = all.filter((tp) => !owner.has(key(tp)));
  // Partitions with the fewest candidates first: they have the least freedom.
  const candidates = new Map<string, number>([...allTopics].map((t) => [t, eligible(t).length]));
  free.sort((a, b) => candidates.get(a.topicId)! - candidates.get(b.topicId)!);
  const better = (tp: TopicPartition, a: AssignmentMember, b: AssignmentMember): boolean => {
    const ca = counts.get(a.memberId)!;
    const cb = counts.get(b.memberId)!;
    if (ca !== cb) return ca < cb;
    const ra = rackMatches(a.rackId, topics, tp);
    if (ra !== rackMatches(b.rackId, topics, tp)) return ra;
    return byId.get(a.memberId)!.order < byId.get(b.memberId)!.order;
  };
  for (const tp of free) {
    let best: AssignmentMember | undefined;
    for (const m of eligible(tp.topicId)) if (!best || better(tp, m, best)) best = m;
    if (!best) continue;
    owner.set(key(tp), best.memberId);
    counts.set(best.memberId, counts.get(best.memberId)! + 1);
  }
  // Balance: move a partition from a member to an eligible one holding at least two fewer.
  const limit = all.length * members.length + 1;
  for (let moves = 0; moves < limit; moves++) {
    let move: { tp: TopicPartition; to: string; gain: number } | undefined;
    for (const tp of all) {
      const from = owner.get(key(tp));
      if (from === undefined) continue;
      for (const m of eligible(tp.topicId)) {
        const gain = counts.get(from)! - counts.get(m.memberId)!;
        if (gain < 2) continue;
        const rackGain = (rackMatches(m.rackId, topics, tp) ? 1 : 0) - (rackMatches(byId.get(from)!.m.rackId, topics, tp) ? 1 : 0);
        const score = gain * 2 + rackGain;
        if (!move || score > move.gain) move = { tp, to: m.memberId, gain: score };
      }
    }
    if (!move) break;
    const from = owner.get(key(move.tp))!;
    owner.set(key(move.tp), move.to);
    counts.set(from, counts.get(from)! - 1);
    counts.set(move.to, counts.get(move.to)! + 1);
  }
  const result = new Map<string, TopicPartition[]>(members.map((m) => [m.memberId, []]));
  for (const tp of all) {
    const o = owner.get(key(tp));
    if (o !== undefined) result.get(o)!.push(tp);
  }
  return new Map([...result].map(([id, list]) => [id, toAssignment(list)]));
}
