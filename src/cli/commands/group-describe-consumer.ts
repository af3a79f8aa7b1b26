// `brook group describe` for a KIP-848 consumer group: its state, epochs and assignor; per member its
// protocol (consumer, or classic while a group migrates), member epoch, current assignment and target
// assignment (they differ while the group reconciles); and per partition the committed offset, the log
// end offset and the lag, with the member that owns it.
import { committedOffsets, describeConsumerGroup, LATEST_TIMESTAMP, listOffsetsAt, partitionKey, type Admin } from '../../client/index.js';
import type { Style } from '../format/style.js';
import { renderFields, renderTable, type Cell } from '../format/table.js';

/** "orders[0,1] payments[2]" */
function summarize(list: readonly { topic: string; partitions: number[] }[]): string {
  return list.map((t) => `${t.topic}[${t.partitions.join(',')}]`).join(' ') || '-';
}

/** The description, or null when `groupId` is not a consumer group (the caller describes it as another kind). */
export async function describeConsumerGroupText(admin: Admin, groupId: string, style: Style): Promise<string | null> {
  const g = await describeConsumerGroup(admin, groupId);
  if (!g) return null;
  const committed = await committedOffsets(admin, groupId);
  const owner = new Map<string, (typeof g.members)[number]>();
  const partitions = new Map<string, { topic: string; partition: number }>();
  for (const m of g.members) {
    for (const t of m.assignment) {
      for (const p of t.partitions) {
        owner.set(partitionKey(t.topic, p), m);
        partitions.set(partitionKey(t.topic, p), { topic: t.topic, partition: p });
      }
    }
  }
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
    return [topic, partition, current, end, lag, m?.memberId, m?.clientId, m?.clientHost];
  });
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
  out += renderTable(['TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'MEMBER-ID', 'CLIENT-ID', 'HOST'], rows, style);
  return out;
}
