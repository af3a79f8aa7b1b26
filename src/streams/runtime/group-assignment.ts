// The group leader's side of a rebalance: from every member's subscription (runtime/
// assignment-info.ts) and the cluster's partition counts and changelog end offsets, compute each
// member's tasks with the high-availability assignor (runtime/ha-assignor.ts) and encode them as
// consumer-protocol assignments: the input partitions of its active tasks, plus userData naming its
// actives, standbys and warm-ups, every instance's endpoint and tasks (for interactive queries),
// an error code, and when to probe again.

import type { Consumer, JoinedMember, MemberAssignment } from '../../client/index.js';
import type { Topology } from '../engine/topology.js';
import {
  SHUTDOWN_REQUESTED,
  decodeSubscriptionInfo,
  encodeAssignmentInfo,
  type AssignmentInfo,
  type HostTasks,
  type SubscriptionInfo,
} from './assignment-info.js';
import { assignTasks, type AssignorConfig, type MemberState, type TaskInfo } from './ha-assignor.js';

export interface GroupAssignmentOptions extends AssignorConfig {
  readonly probingRebalanceIntervalMs: number;
  readonly now: () => number;
}

const empty = (error: number): AssignmentInfo => ({ active: [], standby: [], warmup: [], hosts: new Map(), error, probeAt: 0 });

export async function computeGroupAssignment(
  consumer: Consumer,
  topology: Topology,
  members: readonly JoinedMember[],
  options: GroupAssignmentOptions,
): Promise<Map<string, MemberAssignment>> {
  const infos = new Map<string, SubscriptionInfo>();
  for (const m of members) {
    const info = decodeSubscriptionInfo(m.userData);
    if (info) infos.set(m.memberId, info);
  }
  const out = new Map<string, MemberAssignment>();
  const reply = (memberId: string, info: AssignmentInfo, partitions: MemberAssignment['partitions'] = []) =>
    out.set(memberId, { partitions, userData: encodeAssignmentInfo(info) });
  // One instance asked the whole application to stop (SHUTDOWN_APPLICATION): tell everyone.
  if ([...infos.values()].some((i) => i.error === SHUTDOWN_REQUESTED)) {
    for (const m of members) reply(m.memberId, empty(SHUTDOWN_REQUESTED));
    return out;
  }
  const subs = topology.subtopologies();
  const sourceTopics = [...new Set(subs.flatMap((s) => s.sourceTopics))];
  const metadata = await consumer.metadata({ topics: sourceTopics, forceUpdate: true });
  const partitionsOf = (topic: string) => metadata.topics.get(topic)?.partitionsCount ?? 0;
  const tasks: TaskInfo[] = [];
  const changelogs = new Map<string, number[]>();
  const taskPartitions = subs.map((s) => Math.max(0, ...s.sourceTopics.map(partitionsOf)));
  subs.forEach((s, i) => {
    for (let p = 0; p < taskPartitions[i]!; p++) {
      for (const store of s.stores) {
        const topic = topology.stores.get(store)!.changelogTopic;
        changelogs.set(topic, [...(changelogs.get(topic) ?? []), p]);
      }
    }
  });
  const ends = await changelogEnds(consumer, changelogs);
  subs.forEach((s, i) => {
    // Partition-major ids within a sub-topology; the assignor sorts nothing else, so this is its order.
    for (let p = 0; p < taskPartitions[i]!; p++) {
      let sum = 0n;
      for (const store of s.stores) sum += ends.get(`${topology.stores.get(store)!.changelogTopic}:${p}`) ?? 0n;
      tasks.push({ id: `${s.id}_${p}`, stateful: s.stores.length > 0, endOffsetSum: sum });
    }
  });
  const states: MemberState[] = [];
  for (const m of members) {
    const info = infos.get(m.memberId);
    if (!info) continue; // not a brook/streams member of this app: it gets nothing
    const previousActive = new Set([...info.tasks].filter(([, sum]) => sum < 0n).map(([id]) => id));
    states.push({ memberId: m.memberId, taskOffsets: info.tasks, previousActive });
  }
  const result = assignTasks(states, tasks, options);
  const hosts = new Map<string, HostTasks>();
  for (const [memberId, t] of result.members) {
    const endpoint = infos.get(memberId)?.endpoint;
    if (endpoint) hosts.set(endpoint, { active: t.active, standby: t.standby });
  }
  const probeAt = result.probingNeeded ? options.now() + options.probingRebalanceIntervalMs : 0;
  for (const m of members) {
    const t = result.members.get(m.memberId);
    if (!t) {
      reply(m.memberId, empty(0));
      continue;
    }
    const partitions = new Map<string, number[]>();
    for (const id of t.active) {
      const [sub, p] = id.split('_').map(Number) as [number, number];
      for (const topic of subs[sub]!.sourceTopics) partitions.set(topic, [...(partitions.get(topic) ?? []), p]);
    }
    reply(m.memberId, { active: t.active, standby: t.standby, warmup: t.warmup, hosts, error: 0, probeAt }, [...partitions].map(([topic, ps]) => ({ topic, partitions: ps })));
  }
  return out;
}

/** `${topic}:${partition}` -> end offset of every changelog partition that exists. */
async function changelogEnds(consumer: Consumer, changelogs: ReadonlyMap<string, number[]>): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  if (changelogs.size === 0) return out;
  const metadata = await consumer.metadata({ topics: [...changelogs.keys()], forceUpdate: true }).catch(() => undefined);
  const present = [...changelogs.keys()].filter((t) => metadata?.topics.has(t));
  if (present.length === 0) return out;
  const offsets = await consumer.listOffsets({ topics: present, partitions: Object.fromEntries(present.map((t) => [t, changelogs.get(t)!])), timestamp: -1n });
  for (const t of present) {
    const ps = offsets.get(t) ?? [];
    for (const p of changelogs.get(t)!) if (ps[p] !== undefined) out.set(`${t}:${p}`, ps[p]!);
  }
  return out;
}
