// One record's key or value as the user chose to see it: JSON (pretty and collapsible, falling
// back to text when the bytes are not JSON), text, or hex; values the schema registry decoded
// (Avro, JSON Schema) are shown decoded with their schema id.
import { fromBase64, hex, json, text } from '../format.ts';
import { JsonView } from './json-view.tsx';

export type ViewFormat = 'json' | 'text' | 'hex';

export interface ShownRecord {
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
  headers: { key: string; value: string | null }[];
  schema: { id: number; type: string; value: unknown } | null;
}

export function Bytes({ b64, format, decoded }: { b64: string | null; format: ViewFormat; decoded?: ShownRecord['schema'] }) {
  if (b64 === null) return <span class="muted">null</span>;
  const bytes = fromBase64(b64);
  if (format === 'hex') return <pre>{hex(bytes)}</pre>;
  if (decoded && format === 'json')
    return (
      <div>
        <span class="tag">
          {decoded.type} schema {decoded.id}
        </span>
        <JsonView value={decoded.value} />
      </div>
    );
  const t = text(bytes);
  if (format === 'json') {
    const parsed = json(t);
    if (parsed !== undefined && typeof parsed === 'object' && parsed !== null) return <JsonView value={parsed} />;
  }
  return <pre>{t}</pre>;
}

/** A record as one line of JSON Lines: key, value and headers as text, the decoded value if any. */
export function jsonLine(topic: string, r: ShownRecord): string {
  const t = (b: string | null): string | null => (b === null ? null : text(fromBase64(b)));
  return JSON.stringify({
    topic,
    partition: r.partition,
    offset: r.offset,
    timestamp: r.timestamp,
    key: t(r.key),
    value: r.schema ? r.schema.value : t(r.value),
    headers: Object.fromEntries(r.headers.map((h) => [h.key, t(h.value)])),
    ...(r.schema ? { schemaId: r.schema.id } : {}),
  });
}
