// `brook group describe` for a share group (KIP-932): state and epochs, members with their
// assignments (share-group partitions may be shared by several members), and per partition the
// share-partition start offset, the log end offset, the lag (records not yet done), and -- on
// Brook -- how many records are in flight (locked to a consumer) or waiting for redelivery.
import { describeShareGroup, LATEST_TIMESTAMP, listOffsetsAt, partitionKey, type Admin } from '../../client/index.js';
import type { Style } from '../format/style.js';
import { renderFields, renderTable } from '../format/table.js';

/** The description, or null when `groupId` is not a share group (the caller describes it as a classic one). */
export async function describeShareGroupText(admin: Admin, groupId: string, style: Style): Promise<string | null> {
  const g = await describeShareGroup(admin, groupId);
  if (!g) return null;
  const ends = await listOffsetsAt(admin, g.partitions, LATEST_TIMESTAMP);
  let totalLag = 0n;
  let inFlight = 0;
  for (const p of g.partitions) {
    if (p.lag > 0n) totalLag += p.lag;
    inFlight += p.acquired ?? 0;
  }
  let out = renderFields(
    [
      ['Group', g.groupId],
      ['Type', 'share'],
      ['State', g.state],
      ['Members', g.members.length],
      ['Epoch', `${g.groupEpoch} (assignment ${g.assignmentEpoch}, assignor ${g.assignor || '-'})`],
      ['Total lag', totalLag],
      ['In flight', g.partitions.some((p) => p.acquired !== null) ? inFlight : null],
    ],
    style,
  );
  if (g.members.length > 0) {
    out += '\n' + style.bold('MEMBERS') + '\n';
    out += renderTable(
      ['MEMBER-ID', 'CLIENT-ID', 'HOST', 'EPOCH', 'ASSIGNMENT'],
      g.members.map((m) => [m.memberId, m.clientId, m.clientHost, m.memberEpoch, m.assignment.map((a) => `${a.topic}[${a.partitions.join(',')}]`).join(' ') || '-']),
      style,
    );
  }
  out += '\n' + style.bold('PARTITIONS') + '\n';
  out += renderTable(
    ['TOPIC', 'PARTITION', 'START-OFFSET', 'LOG-END-OFFSET', 'LAG', 'IN-FLIGHT', 'AVAILABLE'],
    g.partitions.map((p) => [p.topic, p.partition, p.startOffset < 0n ? null : p.startOffset, ends.get(partitionKey(p.topic, p.partition)), p.lag < 0n ? null : p.lag, p.acquired, p.available]),
    style,
  );
  return out;
}
