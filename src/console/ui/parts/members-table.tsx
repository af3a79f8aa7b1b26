// The members of a group, one row each: who, which client, what it is assigned. Consumer groups and
// share groups describe members differently; each page turns its own shape into these rows.
export interface MemberRow {
  id: string;
  /** A short tag after the id (a static member's instance id). */
  tag?: string;
  client: string;
  assigned: string;
}

export function MembersTable({ label, members, empty }: { label: string; members: readonly MemberRow[]; empty?: string }) {
  return (
    <table aria-label={label}>
      <thead>
        <tr>
          <th scope="col">Member</th>
          <th scope="col">Client</th>
          <th scope="col">Assigned partitions</th>
        </tr>
      </thead>
      <tbody>
        {members.map((m) => (
          <tr key={m.id}>
            <td>
              <code>{m.id}</code>
              {m.tag && <span class="tag">{m.tag}</span>}
            </td>
            <td>{m.client}</td>
            <td>{m.assigned || '–'}</td>
          </tr>
        ))}
        {members.length === 0 && empty && (
          <tr>
            <td colSpan={3} class="muted">
              {empty}
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}
