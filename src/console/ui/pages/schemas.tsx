export function SchemasPage({ subject }: { subject: string | null }) {
  return <h1>Schema registry {subject}</h1>;
}
