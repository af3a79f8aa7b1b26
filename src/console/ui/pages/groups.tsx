// Consumer groups: classic and KIP-848 consumer groups (protocol, state, members, total lag) from the
// REST v3 routes, and share
// groups (KIP-932: members, and per partition the start offset, lag and records in flight).
import { api, enc, v3 } from '../api.ts';
import { href } from '../router.ts';
import { MembersTable } from '../parts/members-table.tsx';
import { ErrorNote, Loading } from '../parts/status.tsx';
import { useData } from '../parts/use-data.ts';

interface GroupRow {
  id: string;
  state: string;
  type: string;
  members: number;
  totalLag: number;
}

interface ShareGroup {
  groupId: string;
  state: string;
  members: { memberId: string; clientId: string; clientHost: string; assignment: { topic: string; partitions: number[] }[] }[];
  partitions: { topic: string; partition: number; startOffset: number; lag: number; acquired: number | null; available: number | null }[];
}

async function loadGroups(): Promise<GroupRow[]> {
  const list = await api.get<{ data: { consumer_group_id: string; state: string; type: string }[] }>(await v3('/consumer-groups'));
  return Promise.all(
    list.data.map(async (g) => {
      const base = await v3(`/consumer-groups/${enc(g.consumer_group_id)}`);
      const [members, lag] = await Promise.all([api.get<{ data: unknown[] }>(`${base}/consumers`), api.get<{ total_lag: number }>(`${base}/lag-summary`)]);
      return { id: g.consumer_group_id, state: g.state, type: g.type === 'CONSUMER' ? 'consumer' : 'classic', members: members.data.length, totalLag: lag.total_lag };
    }),
  );
}

export function GroupsPage() {
  const classic = useData(loadGroups, [], 5000);
  const share = useData(() => api.get<{ groups: ShareGroup[] }>('/console/api/share-groups'), [], 5000);
  return (
    <section aria-labelledby="groups-title">
      <h1 id="groups-title">Consumer groups</h1>
      <ErrorNote error={classic.error} />
      {!classic.data && !classic.error && <Loading what="consumer groups" />}
      {classic.data && (
        <table aria-label="Consumer groups" data-testid="groups-table">
          <thead>
            <tr>
              <th scope="col">Group</th>
              <th scope="col">Protocol</th>
              <th scope="col">State</th>
              <th scope="col" class="num">Members</th>
              <th scope="col" class="num">Total lag</th>
            </tr>
          </thead>
          <tbody>
            {classic.data.map((g) => (
              <tr key={g.id} data-group={g.id}>
                <td>
                  <a href={href('groups', g.id)}>{g.id}</a>
                </td>
                <td>{g.type}</td>
                <td>
                  <span class="tag">{g.state}</span>
                </td>
                <td class="num">{g.members}</td>
                <td class="num">{g.totalLag}</td>
              </tr>
            ))}
            {classic.data.length === 0 && (
              <tr>
                <td colSpan={5} class="muted">
                  No consumer groups yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      <h2>Share groups</h2>
      <ErrorNote error={share.error} />
      {share.data && share.data.groups.length === 0 && <p class="muted">No share groups.</p>}
      {share.data?.groups.map((g) => (
        <article key={g.groupId} aria-label={`Share group ${g.groupId}`} data-share-group={g.groupId}>
          <h3>
            {g.groupId} <span class="tag">{g.state}</span>
          </h3>
          <MembersTable
            label={`Members of ${g.groupId}`}
            members={g.members.map((m) => ({
              id: m.memberId,
              client: `${m.clientId} (${m.clientHost})`,
              assigned: m.assignment.map((a) => `${a.topic} [${a.partitions.join(', ')}]`).join('; '),
            }))}
          />
          <table aria-label={`Partitions of ${g.groupId}`}>
            <thead>
              <tr>
                <th scope="col">Topic</th>
                <th scope="col" class="num">Partition</th>
                <th scope="col" class="num">Start offset</th>
                <th scope="col" class="num">Lag</th>
                <th scope="col" class="num">In flight</th>
                <th scope="col" class="num">Waiting redelivery</th>
              </tr>
            </thead>
            <tbody>
              {g.partitions.map((p) => (
                <tr key={`${p.topic}:${p.partition}`}>
                  <td>{p.topic}</td>
                  <td class="num">{p.partition}</td>
                  <td class="num">{p.startOffset}</td>
                  <td class="num">{p.lag < 0 ? '–' : p.lag}</td>
                  <td class="num">{p.acquired ?? '–'}</td>
                  <td class="num">{p.available ?? '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </article>
      ))}
    </section>
  );
}
