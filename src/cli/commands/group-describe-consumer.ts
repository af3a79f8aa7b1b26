// `brook group describe` for a KIP-848 consumer group: its state, epochs and assignor; per member its
// protocol (consumer, or classic while a group migrates), member epoch, current assignment and target
// assignment (they differ while the group reconciles); and per partition the committed offset, the log
// end offset and the lag, with the member that owns it.
import { committedOffsets, describeConsumerGroup, type Admin } from '../../client/index.js';
import type { Style } from '../format/style.js';
import { renderFields, renderTable } from '../format/table.js';
import { PARTITION_LAG_HEADER, partitionLagRows } from './partition-lag.js';

/** "orders[0,1] payments[2]" */
function summarize(list: readonly { topic: string; partitions: number[] }[]): string {
  return list.map((t) => `${t.topic}[${t.partitions.join(',')}]`).join(' ') || '-';
}

/** The description, or null when `groupId` is not a consumer group (the caller describes it as another kind). */
export async function describeConsumerGroupText(admin: Admin, groupId: string, style: Style): Promise<string | null> {
  const g = await describeConsumerGroup(admin, groupId);
  if (!g) return null;
  const committed = await committedOffsets(admin, groupId);
  const owned = g.members.flatMap((m) => m.assignment.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition, owner: { memberId: m.memberId, clientId: m.clientId, host: m.clientHost } }))));
  const { rows, totalLag } = await partitionLagRows(admin, owned, committed);
  const classic = g.members.filter((m) => m.protocol === 'classic').length;
  let out = renderFields(
    [
      ['Group', g.groupId],
      ['State', g.state],
      ['Protocol', `consumer (KIP-848)${classic > 0 ? `, ${classic} member${classic === 1 ? '' : 's'} still on the classic protocol` : ''}`],
      ['Epoch', `${g.groupEpoch} (assignment ${g.assignmentEpoch}, assignor ${g.assignor || '-'})`],
      ['Members', g.members.length],
      ['Total lag', totalLag],
    ],
    style,
  );
  if (g.members.length > 0) {
    out += '\n' + style.bold('MEMBERS') + '\n';
    out += renderTable(
      ['MEMBER-ID', 'CLIENT-ID', 'HOST', 'INSTANCE-ID', 'PROTOCOL', 'EPOCH', 'ASSIGNMENT', 'TARGET'],
      g.members.map((m) => [m.memberId, m.clientId, m.clientHost, m.instanceId, m.protocol, m.memberEpoch, summarize(m.assignment), summarize(m.targetAssignment)]),
      style,
    );
  }
  out += '\n' + style.bold('PARTITIONS') + '\n';
  out += renderTable(PARTITION_LAG_HEADER, rows, style);
  return out;
}
