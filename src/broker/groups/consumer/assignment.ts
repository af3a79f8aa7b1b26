// Partition assignments of KIP-848 consumer groups, keyed by topic id (the wire's base64url form) as
// Kafka keys them, so a topic deleted and re-created under the same name is a different topic.
//
//   Assignment             topic id -> partitions               (target assignments, assignor output)
//   AssignmentWithEpochs   topic id -> partition -> epoch       (a member's current assignment: the
//                          member epoch at which each partition was handed to it, KIP-1251)
//
// Values are treated as immutable: every change builds new maps, so a member record can be kept as
// the "before" of a transition while the "after" is computed.

export type Assignment = ReadonlyMap<string, ReadonlySet<number>>;
export type AssignmentWithEpochs = ReadonlyMap<string, ReadonlyMap<number, number>>;

export const EMPTY_ASSIGNMENT: Assignment = new Map();
export const EMPTY_EPOCHS: AssignmentWithEpochs = new Map();

/** A topic id with its partitions, as the wire and the records list them. */
export interface TopicPartitionsById {
  topicId: string;
  partitions: number[];
}

export function assignmentFromList(list: readonly TopicPartitionsById[]): Assignment {
  const out = new Map<string, Set<number>>();
  for (const t of list) {
    if (t.partitions.length === 0) continue;
    let s = out.get(t.topicId);
    if (!s) out.set(t.topicId, (s = new Set()));
    for (const p of t.partitions) s.add(p);
  }
  return out;
}

/** Topic ids in sorted order, partitions ascending: a stable listing for records and responses. */
export function assignmentToList(a: Assignment | AssignmentWithEpochs): TopicPartitionsById[] {
  return [...a.keys()].sort().map((topicId) => ({ topicId, partitions: [...a.get(topicId)!.keys()].sort((x, y) => x - y) }));
}

export function withoutEpochs(a: AssignmentWithEpochs): Assignment {
  const out = new Map<string, Set<number>>();
  for (const [t, ps] of a) out.set(t, new Set(ps.keys()));
  return out;
}

/** Every partition of `a` at the same epoch (a classic group's members keep their generation). */
export function withEpoch(a: Assignment, epoch: number): AssignmentWithEpochs {
  const out = new Map<string, Map<number, number>>();
  for (const [t, ps] of a) {
    if (ps.size === 0) continue;
    out.set(t, new Map([...ps].map((p) => [p, epoch])));
  }
  return out;
}

export function partitionCount(a: Assignment | AssignmentWithEpochs): number {
  let n = 0;
  for (const ps of a.values()) n += ps.size;
  return n;
}

export function sameAssignment(a: Assignment, b: Assignment): boolean {
  if (a.size !== b.size) return false;
  for (const [t, ps] of a) {
    const other = b.get(t);
    if (!other || other.size !== ps.size) return false;
    for (const p of ps) if (!other.has(p)) return false;
  }
  return true;
}

/** Same partitions at the same epochs. */
export function sameEpochs(a: AssignmentWithEpochs, b: AssignmentWithEpochs): boolean {
  if (a.size !== b.size) return false;
  for (const [t, ps] of a) {
    const other = b.get(t);
    if (!other || other.size !== ps.size) return false;
    for (const [p, e] of ps) if (other.get(p) !== e) return false;
  }
  return true;
}

/** Same partitions, whatever their epochs (what a member is told it owns). */
export function samePartitions(a: AssignmentWithEpochs, b: AssignmentWithEpochs): boolean {
  if (a.size !== b.size) return false;
  for (const [t, ps] of a) {
    const other = b.get(t);
    if (!other || other.size !== ps.size) return false;
    for (const p of ps.keys()) if (!other.has(p)) return false;
  }
  return true;
}

/** True when every partition the member says it owns is in `target` (null: the member did not say). */
export function ownedIsSubsetOf(owned: readonly TopicPartitionsById[] | null, target: AssignmentWithEpochs): boolean {
  if (owned === null) return false;
  for (const t of owned) {
    const ps = target.get(t.topicId);
    if (!ps) {
      if (t.partitions.length === 0) continue;
      return false;
    }
    for (const p of t.partitions) if (!ps.has(p)) return false;
  }
  return true;
}

/** True when the member still owns (per its request) any partition of `revoking`; null owned means "assume yes". */
export function ownsAnyOf(owned: readonly TopicPartitionsById[] | null, revoking: AssignmentWithEpochs): boolean {
  if (owned === null) return true;
  for (const t of owned) {
    const ps = revoking.get(t.topicId);
    if (!ps) continue;
    for (const p of t.partitions) if (ps.has(p)) return true;
  }
  return false;
}
