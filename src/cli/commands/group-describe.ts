// `brook group describe`: a group's state and members, and for every partition it owns or has
// committed: the committed offset, the log end offset and the lag between them.
import type { Admin } from '../../client/index.js';
import { ClientFacingError, committedOffsets, describeGroupLeniently, LATEST_TIMESTAMP, listOffsetsAt, partitionKey } from '../../client/index.js';
import type { Style } from '../format/style.js';
import { renderFields, renderTable, type Cell } from '../format/table.js';

export interface GroupSnapshot {
  id: string;
  state: string;
  protocol: string;
  protocolType: string;
  members: { id: string; clientId: string; host: string; instanceId: string | null; partitions: { topic: string; partition: number }[] }[];
}

/**
 * The group as DescribeGroups reports it; an unknown group (state Dead) is an error. Member metadata
 * is decoded leniently (client/group-members.ts), so members of any client (librdkafka, Java,
 * KafkaJS, kafka-python) show with their assignments.
 */
export async function loadGroup(admin: Admin, groupId: string): Promise<GroupSnapshot> {
  const g = await describeGroupLeniently(admin, groupId);
  if (g.errorCode !== 0 || kafkaStateName(g.state) === 'Dead') throw new ClientFacingError(`Unknown group "${groupId}".`);
  return {
    id: g.id,
    state: kafkaStateName(g.state),
    protocol: g.protocol,
    protocolType: g.protocolType,
    members: g.members.map((m) => ({
      id: m.id,
      clientId: m.clientId,
      host: m.clientHost,
      instanceId: m.groupInstanceId,
      partitions: m.assignment.flatMap((a) => a.partitions.map((partition) => ({ topic: a.topic, partition }))),
    })),
  };
}

/** PREPARING_REBALANCE -> PreparingRebalance, the spelling Kafka's own tools print (Kafka's own spelling passes through). */
export function kafkaStateName(state: string): string {
  if (!state.includes('_') && state !== state.toUpperCase()) return state;
  return state
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

export async function describeGroup(admin: Admin, groupId: string, style: Style): Promise<string> {
  const group = await loadGroup(admin, groupId);
  const committed = await committedOffsets(admin, groupId);
  const owner = new Map<string, GroupSnapshot['members'][number]>();
  for (const m of group.members) for (const p of m.partitions) owner.set(partitionKey(p.topic, p.partition), m);
  const partitions = new Map<string, { topic: string; partition: number }>();
  for (const m of group.members) for (const p of m.partitions) partitions.set(partitionKey(p.topic, p.partition), p);
  for (const key of committed.keys()) {
    const at = key.lastIndexOf(':');
    partitions.set(key, { topic: key.slice(0, at), partition: Number(key.slice(at + 1)) });
  }
  const sorted = [...partitions.values()].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  const ends = await listOffsetsAt(admin, sorted, LATEST_TIMESTAMP);
  let totalLag = 0n;
  const rows: Cell[][] = sorted.map(({ topic, partition }) => {
    const key = partitionKey(topic, partition);
    const current = committed.get(key);
    const end = ends.get(key);
    const lag = current !== undefined && end !== undefined ? (end > current ? end - current : 0n) : undefined;
    if (lag !== undefined) totalLag += lag;
    const m = owner.get(key);
    return [topic, partition, current, end, lag, m?.id, m?.clientId, m?.host];
  });
  let out = renderFields(
    [
      ['Group', group.id],
      ['State', group.state],
      ['Protocol', group.protocolType ? `${group.protocol || '-'} (${group.protocolType})` : '-'],
      ['Members', group.members.length],
      ['Total lag', totalLag],
    ],
    style,
  );
  if (group.members.length > 0) {
    out += '\n' + style.bold('MEMBERS') + '\n';
    out += renderTable(
      ['MEMBER-ID', 'CLIENT-ID', 'HOST', 'INSTANCE-ID', 'ASSIGNMENT'],
      group.members.map((m) => [m.id, m.clientId, m.host, m.instanceId, summarizeAssignment(m.partitions)]),
      style,
    );
  }
  out += '\n' + style.bold('PARTITIONS') + '\n';
  out += renderTable(['TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'MEMBER-ID', 'CLIENT-ID', 'HOST'], rows, style);
  return out;
}

/** "orders[0,1] payments[2]" */
function summarizeAssignment(partitions: { topic: string; partition: number }[]): string {
  const byTopic = new Map<string, number[]>();
  for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
  return [...byTopic].map(([t, ps]) => `${t}[${ps.sort((a, b) => a - b).join(',')}]`).join(' ') || '-';
}
