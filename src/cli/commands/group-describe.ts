// `brook group describe`: a group's state and members, and for every partition it owns or has
// committed: the committed offset, the log end offset and the lag between them.
import type { Admin } from '../../client/index.js';
import { ClientFacingError, committedOffsets, describeGroupLeniently } from '../../client/index.js';
import type { Style } from '../format/style.js';
import { renderFields, renderTable } from '../format/table.js';
import { PARTITION_LAG_HEADER, partitionLagRows } from './partition-lag.js';

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
  const owned = group.members.flatMap((m) => m.partitions.map((p) => ({ ...p, owner: { memberId: m.id, clientId: m.clientId, host: m.host } })));
  const { rows, totalLag } = await partitionLagRows(admin, owned, committed);
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
  out += renderTable(PARTITION_LAG_HEADER, rows, style);
  return out;
}

/** "orders[0,1] payments[2]" */
function summarizeAssignment(partitions: { topic: string; partition: number }[]): string {
  const byTopic = new Map<string, number[]>();
  for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
  return [...byTopic].map(([t, ps]) => `${t}[${ps.sort((a, b) => a - b).join(',')}]`).join(' ') || '-';
}
