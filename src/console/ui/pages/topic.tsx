// One topic: its partitions (log start and end offsets, size, leader) with "delete records
// before an offset", its configs (edit, reset to default), adding partitions, and deleting the
// topic after typing its name.
import { useState } from 'preact/hooks';
import { api, enc, v3 } from '../api.ts';
import { bytes } from '../format.ts';
import { go, href } from '../router.ts';
import { ConfirmDialog } from '../parts/confirm.tsx';
import { ErrorNote, Loading, Notice } from '../parts/status.tsx';
import { useData } from '../parts/use-data.ts';

interface PartitionInfo {
  partition: number;
  leader: number;
  replicas: number[];
  startOffset: number;
  endOffset: number;
  sizeBytes: number;
}

interface ConfigEntry {
  name: string;
  value: string | null;
  is_default: boolean;
  is_read_only: boolean;
  is_sensitive: boolean;
  source: string;
}

function Partitions({ topic }: { topic: string }) {
  const { data, error, reload } = useData(() => api.get<{ partitions: PartitionInfo[] }>(`/console/api/topics/${enc(topic)}/partitions`), [topic]);
  const [count, setCount] = useState('');
  const [deleteAt, setDeleteAt] = useState<Record<number, string>>({});
  const [note, setNote] = useState<string | null>(null);
  const [fail, setFail] = useState<unknown>(null);
  const act = async (what: () => Promise<string>): Promise<void> => {
    setFail(null);
    setNote(null);
    try {
      setNote(await what());
      reload();
    } catch (e) {
      setFail(e);
    }
  };
  const addPartitions = (e: Event): void => {
    e.preventDefault();
    void act(async () => {
      const n = Number(count);
      if (!Number.isInteger(n) || n <= (data?.partitions.length ?? 0)) throw new Error(`The new count must be a whole number above ${data?.partitions.length ?? 0}.`);
      await api.patch(await v3(`/topics/${enc(topic)}`), { partitions_count: n });
      return `${topic} now has ${n} partitions.`;
    });
  };
  const deleteRecords = (p: PartitionInfo): void =>
    void act(async () => {
      const text = (deleteAt[p.partition] ?? '').trim();
      const offset = text === '' ? -1 : Number(text);
      if (!Number.isInteger(offset) || offset < -1) throw new Error('The offset must be a whole number (empty: everything).');
      const r = await api.post<{ partitions: { partition: number; lowWatermark: number }[] }>(`/console/api/topics/${enc(topic)}/delete-records`, { partitions: [{ partition: p.partition, offset }] });
      return `Partition ${p.partition} now starts at offset ${r.partitions[0]?.lowWatermark ?? '?'}.`;
    });
  return (
    <>
      <h2>Partitions</h2>
      <ErrorNote error={error ?? fail} />
      {note && <Notice>{note}</Notice>}
      {!data && !error && <Loading what="partitions" />}
      {data && (
        <table aria-label="Partitions" data-testid="partitions-table">
          <thead>
            <tr>
              <th scope="col" class="num">Partition</th>
              <th scope="col" class="num">Leader</th>
              <th scope="col" class="num">Start offset</th>
              <th scope="col" class="num">End offset</th>
              <th scope="col" class="num">Records</th>
              <th scope="col" class="num">Size</th>
              <th scope="col">Delete records before</th>
            </tr>
          </thead>
          <tbody>
            {data.partitions.map((p) => (
              <tr key={p.partition}>
                <td class="num">{p.partition}</td>
                <td class="num">{p.leader}</td>
                <td class="num" data-testid={`start-${p.partition}`}>
                  {p.startOffset}
                </td>
                <td class="num" data-testid={`end-${p.partition}`}>
                  {p.endOffset}
                </td>
                <td class="num">{p.endOffset - p.startOffset}</td>
                <td class="num">{bytes(p.sizeBytes)}</td>
                <td>
                  <div class="row" style="margin: 0">
                    <input
                      aria-label={`Delete records of partition ${p.partition} before offset (empty: all)`}
                      size={8}
                      placeholder="all"
                      value={deleteAt[p.partition] ?? ''}
                      onInput={(e) => setDeleteAt({ ...deleteAt, [p.partition]: e.currentTarget.value })}
                    />
                    <button type="button" onClick={() => deleteRecords(p)} aria-label={`Delete records of partition ${p.partition}`}>
                      Delete records
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form class="row" onSubmit={addPartitions}>
        <label>
          New partition count
          <input inputMode="numeric" value={count} onInput={(e) => setCount(e.currentTarget.value)} size={6} />
        </label>
        <button type="submit">Add partitions</button>
      </form>
    </>
  );
}

function Configs({ topic }: { topic: string }) {
  const { data, error, reload } = useData(async () => (await api.get<{ data: ConfigEntry[] }>(await v3(`/topics/${enc(topic)}/configs`))).data, [topic]);
  const [editing, setEditing] = useState<{ name: string; value: string } | null>(null);
  const [fail, setFail] = useState<unknown>(null);
  const [note, setNote] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const save = async (name: string, value: string | null): Promise<void> => {
    setFail(null);
    setNote(null);
    try {
      const path = await v3(`/topics/${enc(topic)}/configs:alter`);
      await api.post(path, { data: [value === null ? { name, operation: 'DELETE' } : { name, value }] });
      setEditing(null);
      setNote(value === null ? `${name} reset to its default.` : `${name} set to ${value}.`);
      reload();
    } catch (e) {
      setFail(e);
    }
  };
  const shown = (data ?? []).filter((c) => c.name.includes(filter.trim()));
  return (
    <>
      <h2>Configs</h2>
      <label>
        Filter configs
        <input type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
      </label>
      <ErrorNote error={error ?? fail} />
      {note && <Notice>{note}</Notice>}
      {!data && !error && <Loading what="configs" />}
      {data && (
        <table aria-label="Configs" data-testid="configs-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Value</th>
              <th scope="col">Source</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((c) => (
              <tr key={c.name} data-config={c.name}>
                <td>
                  <code>{c.name}</code>
                </td>
                <td>
                  {editing?.name === c.name ? (
                    <form
                      class="row"
                      style="margin: 0"
                      onSubmit={(e) => {
                        e.preventDefault();
                        void save(c.name, editing.value);
                      }}
                    >
                      <input aria-label={`New value of ${c.name}`} value={editing.value} onInput={(e) => setEditing({ name: c.name, value: e.currentTarget.value })} autoFocus />
                      <button type="submit" class="primary">
                        Save
                      </button>
                      <button type="button" onClick={() => setEditing(null)}>
                        Cancel
                      </button>
                    </form>
                  ) : (
                    <span data-testid={`config-${c.name}`}>{c.is_sensitive ? '(hidden)' : (c.value ?? '–')}</span>
                  )}
                </td>
                <td>
                  <span class="tag">{c.source}</span>
                </td>
                <td>
                  {!c.is_read_only && editing?.name !== c.name && (
                    <>
                      <button type="button" onClick={() => setEditing({ name: c.name, value: c.value ?? '' })} aria-label={`Edit ${c.name}`}>
                        Edit
                      </button>{' '}
                      {!c.is_default && (
                        <button type="button" onClick={() => void save(c.name, null)} aria-label={`Reset ${c.name} to default`}>
                          Reset
                        </button>
                      )}
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export function TopicPage({ topic }: { topic: string }) {
  const [confirming, setConfirming] = useState(false);
  const [fail, setFail] = useState<unknown>(null);
  const remove = async (): Promise<void> => {
    setConfirming(false);
    try {
      await api.del(await v3(`/topics/${enc(topic)}`));
      go('topics');
    } catch (e) {
      setFail(e);
    }
  };
  return (
    <section aria-labelledby="topic-title">
      <p>
        <a href={href('topics')}>Topics</a> /
      </p>
      <h1 id="topic-title">{topic}</h1>
      <div class="row">
        <a href={href('topics', topic, 'messages')}>Browse messages</a>
        <button type="button" class="danger" onClick={() => setConfirming(true)}>
          Delete topic
        </button>
      </div>
      <ErrorNote error={fail} />
      <ConfirmDialog
        open={confirming}
        title={`Delete topic ${topic}?`}
        what="Its partitions and every record in them are removed for good. Consumers of the topic will see it disappear."
        name={topic}
        action="Delete topic"
        onConfirm={() => void remove()}
        onClose={() => setConfirming(false)}
      />
      <Partitions topic={topic} />
      <Configs topic={topic} />
    </section>
  );
}
