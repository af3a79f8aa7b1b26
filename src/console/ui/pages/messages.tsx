// The message browser: read a topic (one partition or all) from the newest records, the
// earliest, an offset or a time; filter by key, value or header substrings (matched by the
// gateway on bytes: nothing typed here is run as code); follow new records live over the
// gateway's Server-Sent Events; show values as JSON, text or hex (schema-registry values
// decoded); download what is shown as JSON Lines; and produce a record.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, enc, v3 } from '../api.ts';
import { fromBase64, text, time } from '../format.ts';
import { href } from '../router.ts';
import { Bytes, jsonLine, type ShownRecord, type ViewFormat } from '../parts/record-view.tsx';
import { ErrorNote, Notice } from '../parts/status.tsx';
import { useData } from '../parts/use-data.ts';

interface Filter {
  key: string;
  value: string;
  header: string;
  /** A filter expression, applied by the gateway to reads (not to the live tail). */
  expr: string;
}

const LIVE_LIMIT = 1000;

/** The same substring filters the gateway applies, for records arriving live. */
function matches(r: ShownRecord, f: Filter): boolean {
  const t = (b: string | null): string => (b === null ? '' : text(fromBase64(b)));
  if (f.key && !t(r.key).includes(f.key)) return false;
  if (f.value && !t(r.value).includes(f.value)) return false;
  if (f.header) {
    const eq = f.header.indexOf('=');
    const name = eq < 0 ? f.header : f.header.slice(0, eq);
    if (!r.headers.some((h) => h.key === name && (eq < 0 || t(h.value).includes(f.header.slice(eq + 1))))) return false;
  }
  return true;
}

function Produce({ topic, partitions, onProduced }: { topic: string; partitions: number; onProduced: (where: string) => void }) {
  const [partition, setPartition] = useState('any');
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [headers, setHeaders] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setError(null);
    try {
      const hs = headers
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '')
        .map((l) => {
          const eq = l.indexOf('=');
          if (eq <= 0) throw new Error(`Header "${l}" is not name=value.`);
          return { name: l.slice(0, eq), value: btoa(String.fromCharCode(...new TextEncoder().encode(l.slice(eq + 1)))) };
        });
      const body: Record<string, unknown> = { value: { type: 'STRING', data: value }, headers: hs };
      if (key !== '') body.key = { type: 'STRING', data: key };
      if (partition !== 'any') body.partition_id = Number(partition);
      const r = await api.post<{ partition_id: number; offset: number }>(await v3(`/topics/${enc(topic)}/records`), body);
      onProduced(`Produced to partition ${r.partition_id} at offset ${r.offset}.`);
      setValue('');
    } catch (x) {
      setError(x);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby="produce-title">
      <fieldset>
        <legend id="produce-title">Produce a record</legend>
        <div class="row">
          <label>
            Partition
            <select aria-label="Partition" value={partition} onChange={(e) => setPartition(e.currentTarget.value)}>
              <option value="any">by key (or any)</option>
              {Array.from({ length: partitions }, (_, p) => (
                <option value={String(p)}>{p}</option>
              ))}
            </select>
          </label>
          <label>
            Key
            <input value={key} onInput={(e) => setKey(e.currentTarget.value)} />
          </label>
        </div>
        <div class="row">
          <label style="flex: 1">
            Value
            <textarea rows={3} value={value} onInput={(e) => setValue(e.currentTarget.value)} />
          </label>
          <label>
            Headers (name=value per line)
            <textarea rows={3} value={headers} onInput={(e) => setHeaders(e.currentTarget.value)} />
          </label>
        </div>
        <button type="submit" class="primary">
          Produce
        </button>
        <ErrorNote error={error} />
      </fieldset>
    </form>
  );
}

export function MessagesPage({ topic, query }: { topic: string; query: URLSearchParams }) {
  const meta = useData(() => api.get<{ partitions: { partition: number }[] }>(`/console/api/topics/${enc(topic)}/partitions`), [topic]);
  const partitions = meta.data?.partitions.length ?? 0;
  const [partition, setPartition] = useState(query.get('partition') ?? 'all');
  const [from, setFrom] = useState(query.get('from') ?? 'newest');
  const [offset, setOffset] = useState('0');
  const [at, setAt] = useState('');
  const [limit, setLimit] = useState('100');
  const [filter, setFilter] = useState<Filter>({ key: '', value: '', header: '', expr: '' });
  const [format, setFormat] = useState<ViewFormat>('json');
  const [records, setRecords] = useState<ShownRecord[]>([]);
  const [summary, setSummary] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [live, setLive] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const source = useRef<EventSource | null>(null);

  const read = async (): Promise<void> => {
    setError(null);
    const q = new URLSearchParams({ partition, from, limit });
    if (from === 'offset') q.set('offset', offset);
    if (from === 'timestamp') q.set('timestamp', String(new Date(at).getTime()));
    for (const [k, v] of Object.entries(filter)) if (v) q.set(k, v);
    try {
      const r = await api.get<{ records: ShownRecord[]; scanned: number }>(`/console/api/topics/${enc(topic)}/records?${q}`);
      setRecords(r.records);
      setSummary(`${r.records.length} records shown, ${r.scanned} scanned`);
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => {
    void read();
  }, [topic]);

  // Live tail: the gateway's SSE stream from the end of the log; new records go on top.
  useEffect(() => {
    if (!live) return;
    const q = new URLSearchParams({ offset: 'latest', format: 'base64' });
    if (partition !== 'all') q.set('partition', partition);
    const es = new EventSource(`/sse/topics/${enc(topic)}?${q}`);
    source.current = es;
    es.addEventListener('record', (e) => {
      const d = JSON.parse((e as MessageEvent<string>).data) as { partition: number; offset: number; timestamp: number; key: string | null; value: string | null; headers: Record<string, string | null> };
      const r: ShownRecord = { ...d, headers: Object.entries(d.headers).map(([key, value]) => ({ key, value })), schema: null };
      if (matches(r, filter)) setRecords((rs) => [r, ...rs].slice(0, LIVE_LIMIT));
    });
    es.onerror = () => setError(new Error('The live stream was interrupted; the browser is reconnecting.'));
    es.onopen = () => setError(null);
    return () => {
      es.close();
      source.current = null;
    };
  }, [live, partition, topic, filter.key, filter.value, filter.header]);

  const download = useMemo(() => {
    const blob = new Blob([records.map((r) => jsonLine(topic, r)).join('\n') + (records.length ? '\n' : '')], { type: 'application/x-ndjson' });
    return URL.createObjectURL(blob);
  }, [records, topic]);
  useEffect(() => () => URL.revokeObjectURL(download), [download]);

  return (
    <section aria-labelledby="messages-title">
      <p>
        <a href={href('topics')}>Topics</a> / <a href={href('topics', topic)}>{topic}</a> /
      </p>
      <h1 id="messages-title">Messages in {topic}</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void read();
        }}
        aria-label="Read records"
      >
        <div class="row">
          <label>
            Partition
            <select aria-label="Partition" value={partition} onChange={(e) => setPartition(e.currentTarget.value)}>
              <option value="all">all</option>
              {Array.from({ length: partitions }, (_, p) => (
                <option value={String(p)}>{p}</option>
              ))}
            </select>
          </label>
          <label>
            Start from
            <select aria-label="Start from" value={from} onChange={(e) => setFrom(e.currentTarget.value)}>
              <option value="newest">newest</option>
              <option value="earliest">earliest</option>
              <option value="offset">offset</option>
              <option value="timestamp">time</option>
            </select>
          </label>
          {from === 'offset' && (
            <label>
              Offset
              <input inputMode="numeric" size={8} value={offset} onInput={(e) => setOffset(e.currentTarget.value)} />
            </label>
          )}
          {from === 'timestamp' && (
            <label>
              Time
              <input type="datetime-local" step="1" value={at} onInput={(e) => setAt(e.currentTarget.value)} />
            </label>
          )}
          <label>
            Limit
            <input inputMode="numeric" size={5} value={limit} onInput={(e) => setLimit(e.currentTarget.value)} />
          </label>
        </div>
        <div class="row">
          <label>
            Key contains
            <input value={filter.key} onInput={(e) => setFilter({ ...filter, key: e.currentTarget.value })} />
          </label>
          <label>
            Value contains
            <input value={filter.value} onInput={(e) => setFilter({ ...filter, value: e.currentTarget.value })} />
          </label>
          <label>
            Header (name or name=value)
            <input value={filter.header} onInput={(e) => setFilter({ ...filter, header: e.currentTarget.value })} />
          </label>
        </div>
        <div class="row">
          <label style="flex: 1">
            Filter expression
            <input
              value={filter.expr}
              placeholder={'value.amount >= 100 && header.source == "web"'}
              aria-describedby="expr-help"
              onInput={(e) => setFilter({ ...filter, expr: e.currentTarget.value })}
            />
          </label>
          <button type="submit" class="primary">
            Read
          </button>
          <button type="button" aria-pressed={live} onClick={() => setLive(!live)}>
            {live ? 'Stop live tail' : 'Live tail'}
          </button>
        </div>
      </form>
      <p id="expr-help" class="muted">
        Expressions compare key, value, partition, offset, timestamp, header.NAME or value.PATH (JSON) with ==, !=, contains, startsWith, endsWith, &lt;, &gt;, combined with &amp;&amp;, || and !; the gateway reads them, nothing is run as code. The live tail applies the substring filters only.
      </p>
      <div class="row">
        <div class="tabs" role="radiogroup" aria-label="Show values as">
          {(['json', 'text', 'hex'] as const).map((f) => (
            <button type="button" role="radio" aria-checked={format === f} aria-selected={format === f} onClick={() => setFormat(f)}>
              {f === 'json' ? 'JSON' : f === 'text' ? 'Text' : 'Hex'}
            </button>
          ))}
        </div>
        <a href={download} download={`${topic}.jsonl`}>
          Download JSON lines
        </a>
        {live && <span class="tag" role="status">live</span>}
      </div>
      <ErrorNote error={error} />
      {summary && (
        <p class="muted" role="status">
          {summary}
        </p>
      )}
      <table aria-label="Records" data-testid="records-table">
        <thead>
          <tr>
            <th scope="col" class="num">Partition</th>
            <th scope="col" class="num">Offset</th>
            <th scope="col">Time</th>
            <th scope="col">Key</th>
            <th scope="col">Value</th>
            <th scope="col">Headers</th>
          </tr>
        </thead>
        <tbody>
          {records.map((r) => (
            <tr key={`${r.partition}:${r.offset}`} data-offset={`${r.partition}:${r.offset}`}>
              <td class="num">{r.partition}</td>
              <td class="num">{r.offset}</td>
              <td>{time(r.timestamp)}</td>
              <td>
                <Bytes b64={r.key} format={format === 'hex' ? 'hex' : 'text'} />
              </td>
              <td class="value">
                <Bytes b64={r.value} format={format} decoded={r.schema} />
              </td>
              <td>
                {r.headers.map((h) => (
                  <div key={h.key}>
                    <code>{h.key}</code>: {h.value === null ? 'null' : text(fromBase64(h.value))}
                  </div>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {note && <Notice>{note}</Notice>}
      <Produce topic={topic} partitions={partitions} onProduced={(n) => (setNote(n), live || void read())} />
    </section>
  );
}
