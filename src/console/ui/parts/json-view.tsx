// A JSON value as a collapsible tree: objects and arrays are <details> (keyboard-operable, open
// to two levels by default); scalars are shown as JSON.
export function JsonView({ value, depth = 0 }: { value: unknown; depth?: number }) {
  if (value === null || typeof value !== 'object') return <span class={`json-${typeof value}`}>{JSON.stringify(value)}</span>;
  const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) return <span>{open + close}</span>;
  return (
    <details open={depth < 2} class="json">
      <summary>
        {open}
        <span class="muted"> {entries.length} {Array.isArray(value) ? 'items' : 'keys'} </span>
      </summary>
      <div style="padding-left: 1.2em">
        {entries.map(([k, v]) => (
          <div key={k}>
            <span class="json-key">{Array.isArray(value) ? k : JSON.stringify(k)}</span>: <JsonView value={v} depth={depth + 1} />
          </div>
        ))}
      </div>
      {close}
    </details>
  );
}
