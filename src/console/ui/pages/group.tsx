export function GroupPage({ group }: { group: string }) {
  return <h1>Group {group}</h1>;
}
