export function MessagesPage({ topic }: { topic: string; query: URLSearchParams }) {
  return <h1>Messages in {topic}</h1>;
}
