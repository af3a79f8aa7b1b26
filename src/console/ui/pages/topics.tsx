// Topics: every topic with its partitions, size, records and retention, a search box, and the
// form that creates a topic (name, partitions, replication, configs), validated before sending
// and then by the broker (its error is shown as it comes).
import { useMemo, useState } from 'preact/hooks';
import { api, v3 } from '../api.ts';
import { bytes, duration } from '../format.ts';
import { go, href } from '../router.ts';
import { ErrorNote, Loading } from '../parts/status.tsx';
import { useData } from '../parts/use-data.ts';

export interface TopicSummary {
  name: string;
  internal: boolean;
  partitions: number;
  replicationFactor: number;
  sizeBytes: number;
  records: number;
  retentionMs: string | null;
  retentionBytes: string | null;
  cleanupPolicy: string | null;
}

const NAME = /^[a-zA-Z0-9._-]{1,249}$/;
// Rows per page: a thousand topics are searched in full but drawn a page at a time.
const PAGE = 100;

/** Problems with a create form, by field (empty when it may be sent). */
export function validateTopic(name: string, partitions: string, replication: string, configs: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!NAME.test(name) || name === '.' || name === '..') out.name = 'Use 1 to 249 letters, digits, dots, underscores or hyphens.';
  if (!/^\d+$/.test(partitions) || Number(partitions) < 1) out.partitions = 'A whole number of at least 1.';
  if (!/^\d+$/.test(replication) || Number(replication) < 1) out.replication = 'A whole number of at least 1.';
  for (const line of configs.split('\n').map((l) => l.trim()).filter((l) => l !== '')) {
    if (!/^[a-z0-9.]+=.*$/.test(line)) {
      out.configs = `"${line}" is not name=value.`;
      break;
    }
  }
  return out;
}

function CreateTopic({ onCreated }: { onCreated: (name: string) => void }) {
  const [name, setName] = useState('');
  const [partitions, setPartitions] = useState('1');
  const [replication, setReplication] = useState('1');
  const [retention, setRetention] = useState('');
  const [configs, setConfigs] = useState('');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const all = configs + (retention.trim() ? `\nretention.ms=${retention.trim()}` : '');
    const found = validateTopic(name, partitions, replication, all);
    if (retention.trim() && !/^-?\d+$/.test(retention.trim())) found.retention = 'Milliseconds, or -1 to keep forever.';
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    setError(null);
    try {
      const list = all
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '')
        .map((l) => ({ name: l.slice(0, l.indexOf('=')), value: l.slice(l.indexOf('=') + 1) }));
      await api.post(await v3('/topics'), { topic_name: name, partitions_count: Number(partitions), replication_factor: Number(replication), configs: list });
      onCreated(name);
    } catch (x) {
      setError(x);
    } finally {
      setBusy(false);
    }
  };
  const field = (id: string) => (problems[id] ? { 'aria-invalid': true, 'aria-describedby': `create-${id}-problem` } : {});
  const problem = (id: string) =>
    problems[id] && (
      <span id={`create-${id}-problem`} class="error">
        {problems[id]}
      </span>
    );
  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby="create-title" noValidate>
      <fieldset>
        <legend id="create-title">Create a topic</legend>
        <div class="row">
          <div class="field">
            <label>
            Name
            <input name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} {...field('name')} />
          </label>
            {problem('name')}
          </div>
          <div class="field">
            <label>
            Partitions
            <input name="partitions" inputMode="numeric" value={partitions} onInput={(e) => setPartitions(e.currentTarget.value)} size={6} {...field('partitions')} />
          </label>
            {problem('partitions')}
          </div>
          <div class="field">
            <label>
            Replication factor
            <input name="replication" inputMode="numeric" value={replication} onInput={(e) => setReplication(e.currentTarget.value)} size={6} {...field('replication')} />
          </label>
            {problem('replication')}
          </div>
          <div class="field">
            <label>
            Retention (ms)
            <input name="retention" inputMode="numeric" placeholder="broker default" value={retention} onInput={(e) => setRetention(e.currentTarget.value)} {...field('retention')} />
          </label>
            {problem('retention')}
          </div>
        </div>
        <div class="field">
          <label>
          Other configs (one name=value per line)
          <textarea name="configs" rows={2} cols={50} placeholder="cleanup.policy=compact" value={configs} onInput={(e) => setConfigs(e.currentTarget.value)} {...field('configs')} />
        </label>
          {problem('configs')}
        </div>
        <div class="row">
          <button type="submit" class="primary" disabled={busy}>
            Create topic
          </button>
        </div>
        <ErrorNote error={error} />
      </fieldset>
    </form>
  );
}

export function TopicsPage({ query }: { query: URLSearchParams }) {
  const { data, error } = useData(() => api.get<{ topics: TopicSummary[] }>('/console/api/topics'), []);
  const [search, setSearch] = useState(query.get('q') ?? '');
  const [internal, setInternal] = useState(false);
  const [creating, setCreating] = useState(false);
  const [pageIndex, setPageIndex] = useState(0);
  const shown = useMemo(() => {
    const q = search.trim().toLowerCase();
    return (data?.topics ?? []).filter((t) => (internal || !t.internal) && (q === '' || t.name.toLowerCase().includes(q)));
  }, [data, search, internal]);
  const pages = Math.max(1, Math.ceil(shown.length / PAGE));
  const at = Math.min(pageIndex, pages - 1);
  const rows = shown.slice(at * PAGE, (at + 1) * PAGE);
  return (
    <section aria-labelledby="topics-title">
      <h1 id="topics-title">Topics</h1>
      <div class="row">
        <label>
          Search topics
          <input type="search" value={search} onInput={(e) => (setSearch(e.currentTarget.value), setPageIndex(0))} placeholder="name contains…" />
        </label>
        <label style="flex-direction: row; align-items: center">
          <input type="checkbox" checked={internal} onChange={(e) => setInternal(e.currentTarget.checked)} /> Show internal topics
        </label>
        <button type="button" onClick={() => setCreating(!creating)} aria-expanded={creating}>
          {creating ? 'Close' : 'New topic'}
        </button>
      </div>
      {creating && <CreateTopic onCreated={(name) => go('topics', name)} />}
      <ErrorNote error={error} />
      {!data && !error && <Loading what="topics" />}
      {data && (
        <table aria-label="Topics" data-testid="topics-table">
          <caption class="muted" style="text-align: left">
            <span role="status">
              {shown.length} of {data.topics.length} topics
            </span>
          </caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col" class="num">Partitions</th>
              <th scope="col" class="num">Replicas</th>
              <th scope="col" class="num">Records</th>
              <th scope="col" class="num">Size</th>
              <th scope="col">Retention</th>
              <th scope="col">Cleanup</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((t) => (
              <tr key={t.name}>
                <td>
                  <a href={href('topics', t.name)}>{t.name}</a>
                </td>
                <td class="num">{t.partitions}</td>
                <td class="num">{t.replicationFactor}</td>
                <td class="num">{t.records}</td>
                <td class="num">{bytes(t.sizeBytes)}</td>
                <td>{t.retentionMs === null ? '–' : duration(Number(t.retentionMs))}</td>
                <td>{t.cleanupPolicy ?? '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data && pages > 1 && (
        <nav class="row" aria-label="Topic pages">
          <button type="button" disabled={at === 0} onClick={() => setPageIndex(at - 1)}>
            Previous page
          </button>
          <span>
            Page {at + 1} of {pages}
          </span>
          <button type="button" disabled={at >= pages - 1} onClick={() => setPageIndex(at + 1)}>
            Next page
          </button>
        </nav>
      )}
    </section>
  );
}
