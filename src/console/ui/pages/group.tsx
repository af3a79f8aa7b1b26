// One consumer group: state, members and their assignments, lag per partition with a chart of
// the total over time, and resetting committed offsets (earliest, latest, a time, an offset)
// with a preview of every partition's change. Applying is refused while members are active,
// here and by the gateway, as kafka-consumer-groups.sh refuses.
import { useEffect, useState } from 'preact/hooks';
import { api, enc, v3 } from '../api.ts';
import { href } from '../router.ts';
import { LineChart } from '../parts/line-chart.tsx';
import { MembersTable } from '../parts/members-table.tsx';
import { ErrorNote, Loading, Notice } from '../parts/status.tsx';
import { useData } from '../parts/use-data.ts';

interface Lag {
  topic_name: string;
  partition_id: number;
  current_offset: number;
  log_end_offset: number;
  lag: number;
  consumer_id: string;
  client_id: string;
}

interface Member {
  consumer_id: string;
  client_id: string;
  instance_id: string | null;
}

interface GroupState {
  state: string;
  partition_assignor: string;
  type: string;
  members: Member[];
  lags: Lag[];
  at: number;
}

interface Change {
  topic: string;
  partition: number;
  current: number | null;
  target: number;
  lagAfter: number;
}

async function loadGroup(group: string): Promise<GroupState> {
  const base = await v3(`/consumer-groups/${enc(group)}`);
  const [g, members, lags] = await Promise.all([
    api.get<{ state: string; partition_assignor: string; type: string }>(base),
    api.get<{ data: Member[] }>(`${base}/consumers`),
    api.get<{ data: Lag[] }>(`${base}/lags`),
  ]);
  return { state: g.state, partition_assignor: g.partition_assignor, type: g.type, members: members.data, lags: lags.data, at: Date.now() };
}

const WINDOW = 150;

function ResetOffsets({ group, topics, active, onApplied }: { group: string; topics: string[]; active: number; onApplied: () => void }) {
  const [topic, setTopic] = useState(topics[0] ?? '');
  const [to, setTo] = useState('earliest');
  const [value, setValue] = useState('');
  const [preview, setPreview] = useState<Change[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState<string | null>(null);
  useEffect(() => {
    if (!topic && topics[0]) setTopic(topics[0]);
  }, [topics.join()]);
  const body = (dryRun: boolean): Record<string, unknown> => {
    const b: Record<string, unknown> = { topic, to, dry_run: dryRun };
    if (to === 'offset') b.offset = Number(value);
    if (to === 'timestamp') b.timestamp = new Date(value).getTime();
    return b;
  };
  const run = async (dryRun: boolean): Promise<void> => {
    setError(null);
    setNote(null);
    try {
      if (to === 'offset' && !/^\d+$/.test(value)) throw new Error('The offset must be a whole number.');
      if (to === 'timestamp' && !Number.isFinite(new Date(value).getTime())) throw new Error('Choose a time.');
      const r = await api.post<{ changes: Change[]; applied: boolean }>(`/console/api/groups/${enc(group)}/reset-offsets`, body(dryRun));
      setPreview(r.changes);
      if (r.applied) {
        setNote(`Offsets of ${group} on ${topic} reset.`);
        onApplied();
      }
    } catch (e) {
      setError(e);
    }
  };
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void run(true);
      }}
      aria-labelledby="reset-title"
    >
      <fieldset>
        <legend id="reset-title">Reset offsets</legend>
        <div class="row">
          <label>
            Topic
            <input list="group-topics" value={topic} onInput={(e) => (setTopic(e.currentTarget.value), setPreview(null))} />
            <datalist id="group-topics">
              {topics.map((t) => (
                <option value={t} />
              ))}
            </datalist>
          </label>
          <label>
            Reset to
            <select aria-label="Reset to" value={to} onChange={(e) => (setTo(e.currentTarget.value), setPreview(null))}>
              <option value="earliest">earliest</option>
              <option value="latest">latest</option>
              <option value="timestamp">a time</option>
              <option value="offset">an offset</option>
            </select>
          </label>
          {to === 'offset' && (
            <label>
              Offset
              <input inputMode="numeric" value={value} onInput={(e) => (setValue(e.currentTarget.value), setPreview(null))} />
            </label>
          )}
          {to === 'timestamp' && (
            <label>
              Time
              <input type="datetime-local" step="1" value={value} onInput={(e) => (setValue(e.currentTarget.value), setPreview(null))} />
            </label>
          )}
          <button type="submit">Preview</button>
          <button type="button" class="primary" disabled={preview === null || active > 0} onClick={() => void run(false)} aria-describedby={active > 0 ? 'reset-blocked' : undefined}>
            Apply reset
          </button>
        </div>
        {active > 0 && (
          <p id="reset-blocked" class="muted">
            The group has {active} active member(s): stop its consumers to apply a reset.
          </p>
        )}
        <ErrorNote error={error} />
        {note && <Notice>{note}</Notice>}
        {preview && (
          <table aria-label="Offset reset preview" data-testid="reset-preview">
            <thead>
              <tr>
                <th scope="col">Topic</th>
                <th scope="col" class="num">Partition</th>
                <th scope="col" class="num">Committed now</th>
                <th scope="col" class="num">After reset</th>
                <th scope="col" class="num">Lag after</th>
              </tr>
            </thead>
            <tbody>
              {preview.map((c) => (
                <tr key={c.partition} data-partition={c.partition}>
                  <td>{c.topic}</td>
                  <td class="num">{c.partition}</td>
                  <td class="num">{c.current ?? '–'}</td>
                  <td class="num">{c.target}</td>
                  <td class="num">{c.lagAfter}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </fieldset>
    </form>
  );
}

export function GroupPage({ group }: { group: string }) {
  const { data, error, reload } = useData(() => loadGroup(group), [group], 2000);
  const [history, setHistory] = useState<{ times: number[]; lag: number[] }>({ times: [], lag: [] });
  useEffect(() => {
    if (!data) return;
    const total = data.lags.reduce((s, l) => s + l.lag, 0);
    setHistory((h) => (h.times.at(-1) === data.at ? h : { times: [...h.times, data.at].slice(-WINDOW), lag: [...h.lag, total].slice(-WINDOW) }));
  }, [data]);
  const topics = [...new Set(data?.lags.map((l) => l.topic_name) ?? [])];
  return (
    <section aria-labelledby="group-title">
      <p>
        <a href={href('groups')}>Consumer groups</a> /
      </p>
      <h1 id="group-title">{group}</h1>
      <ErrorNote error={error} />
      {!data && !error && <Loading what="the group" />}
      {data && (
        <>
          <dl class="cards">
            <div>
              <dt>State</dt>
              <dd data-testid="group-state">{data.state}</dd>
            </div>
            <div>
              <dt>Members</dt>
              <dd data-testid="group-members">{data.members.length}</dd>
            </div>
            <div>
              <dt>Protocol</dt>
              <dd data-testid="group-protocol">{data.type === 'CONSUMER' ? 'consumer (KIP-848)' : 'classic'}</dd>
            </div>
            <div>
              <dt>Assignor</dt>
              <dd>{data.partition_assignor || '–'}</dd>
            </div>
            <div>
              <dt>Total lag</dt>
              <dd data-testid="group-lag">{data.lags.reduce((s, l) => s + l.lag, 0)}</dd>
            </div>
          </dl>
          <h2>Members</h2>
          <MembersTable
            label="Members"
            empty="No active members."
            members={data.members.map((m) => ({
              id: m.consumer_id,
              tag: m.instance_id ? `static: ${m.instance_id}` : undefined,
              client: m.client_id,
              assigned: data.lags
                .filter((l) => l.consumer_id === m.consumer_id)
                .map((l) => `${l.topic_name}-${l.partition_id}`)
                .join(', '),
            }))}
          />
          <h2>Lag</h2>
          <LineChart title="Total lag" series={[{ label: 'lag', color: '#f2994a' }]} times={history.times} values={[history.lag]} format={(n) => String(Math.round(n))} />
          <table aria-label="Lag per partition" data-testid="lag-table">
            <thead>
              <tr>
                <th scope="col">Topic</th>
                <th scope="col" class="num">Partition</th>
                <th scope="col" class="num">Committed</th>
                <th scope="col" class="num">Log end</th>
                <th scope="col" class="num">Lag</th>
                <th scope="col">Member</th>
              </tr>
            </thead>
            <tbody>
              {data.lags.map((l) => (
                <tr key={`${l.topic_name}:${l.partition_id}`} data-partition={`${l.topic_name}:${l.partition_id}`}>
                  <td>
                    <a href={href('topics', l.topic_name)}>{l.topic_name}</a>
                  </td>
                  <td class="num">{l.partition_id}</td>
                  <td class="num" data-testid="committed">
                    {l.current_offset}
                  </td>
                  <td class="num">{l.log_end_offset}</td>
                  <td class="num">{l.lag}</td>
                  <td>{l.client_id || '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <ResetOffsets group={group} topics={topics} active={data.members.length} onApplied={reload} />
        </>
      )}
    </section>
  );
}
