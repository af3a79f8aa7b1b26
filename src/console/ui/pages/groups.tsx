export function GroupsPage() {
  return <h1>Consumer groups</h1>;
}
