// Overview: the broker(s), version, uptime, counts, disk use and free space per log dir, and live
// bytes and records per second in and out, sampled from the broker's counters every second.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { bytes, duration } from '../format.ts';
import { LineChart } from '../parts/line-chart.tsx';
import { ErrorNote, Loading, Notice } from '../parts/status.tsx';
import { useData } from '../parts/use-data.ts';

interface Overview {
  version: string;
  clusterId: string;
  controllerId: number;
  brokers: { id: number; host: string; port: number; rack: string | null }[];
  uptimeMs: number;
  counts: { topics: number; partitions: number; groups: number; shareGroups: number };
  logDirs: { broker: number; path: string; usedBytes: number; totalBytes: number; usableBytes: number }[];
}

interface Counters {
  at: number;
  available: boolean;
  bytesIn?: number;
  bytesOut?: number;
  messagesIn?: number;
}

const WINDOW = 120;

interface Rates {
  times: number[];
  bytesIn: number[];
  bytesOut: number[];
  messagesIn: number[];
  available: boolean;
}

/** Per-second rates from successive samples of the broker's cumulative counters. */
function useRates(): Rates {
  const [rates, setRates] = useState<Rates>({ times: [], bytesIn: [], bytesOut: [], messagesIn: [], available: true });
  useEffect(() => {
    let last: Counters | null = null;
    let stopped = false;
    const sample = async (): Promise<void> => {
      const c = await api.get<Counters>('/console/api/throughput').catch(() => null);
      if (stopped || !c) return;
      if (!c.available) return setRates((r) => ({ ...r, available: false }));
      const prev = last;
      last = c;
      if (!prev) return;
      const dt = Math.max(0.001, (c.at - prev.at) / 1000);
      const rate = (k: 'bytesIn' | 'bytesOut' | 'messagesIn'): number => Math.max(0, ((c[k] ?? 0) - (prev[k] ?? 0)) / dt);
      setRates((r) => ({
        available: true,
        times: [...r.times, c.at].slice(-WINDOW),
        bytesIn: [...r.bytesIn, rate('bytesIn')].slice(-WINDOW),
        bytesOut: [...r.bytesOut, rate('bytesOut')].slice(-WINDOW),
        messagesIn: [...r.messagesIn, rate('messagesIn')].slice(-WINDOW),
      }));
    };
    void sample();
    const t = setInterval(() => void sample(), 1000);
    return () => {
      stopped = true;
      clearInterval(t);
    };
  }, []);
  return rates;
}

const perSecond = (n: number): string => `${bytes(n)}/s`;
const recordsPerSecond = (n: number): string => `${n < 10 ? n.toFixed(1) : Math.round(n)}/s`;

export function OverviewPage() {
  const { data, error } = useData(() => api.get<Overview>('/console/api/overview'), [], 5000);
  const rates = useRates();
  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Overview</h1>
      <ErrorNote error={error} />
      {!data && !error && <Loading what="the cluster overview" />}
      {data && (
        <>
          <dl class="cards" aria-label="Cluster">
            <div>
              <dt>Version</dt>
              <dd data-testid="version">Brook {data.version}</dd>
            </div>
            <div>
              <dt>Cluster id</dt>
              <dd>{data.clusterId}</dd>
            </div>
            <div>
              <dt>Uptime</dt>
              <dd>{duration(data.uptimeMs)}</dd>
            </div>
            <div>
              <dt>Topics</dt>
              <dd data-testid="count-topics">{data.counts.topics}</dd>
            </div>
            <div>
              <dt>Partitions</dt>
              <dd data-testid="count-partitions">{data.counts.partitions}</dd>
            </div>
            <div>
              <dt>Consumer groups</dt>
              <dd data-testid="count-groups">{data.counts.groups}</dd>
            </div>
            <div>
              <dt>Share groups</dt>
              <dd>{data.counts.shareGroups}</dd>
            </div>
          </dl>
          <h2>Brokers</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Id</th>
                <th scope="col">Address</th>
                <th scope="col">Rack</th>
                <th scope="col">Role</th>
              </tr>
            </thead>
            <tbody>
              {data.brokers.map((b) => (
                <tr key={b.id}>
                  <td>{b.id}</td>
                  <td>
                    {b.host}:{b.port}
                  </td>
                  <td>{b.rack ?? '–'}</td>
                  <td>{b.id === data.controllerId ? 'controller' : 'broker'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Disk</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Broker</th>
                <th scope="col">Log dir</th>
                <th scope="col">Used by logs</th>
                <th scope="col">Free</th>
                <th scope="col">Volume size</th>
              </tr>
            </thead>
            <tbody>
              {data.logDirs.map((d) => (
                <tr key={`${d.broker}:${d.path}`}>
                  <td>{d.broker}</td>
                  <td>
                    <code>{d.path}</code>
                  </td>
                  <td data-testid="disk-used">{bytes(d.usedBytes)}</td>
                  <td data-testid="disk-free">
                    {bytes(d.usableBytes)}
                    {d.totalBytes > 0 && (
                      <meter min={0} max={d.totalBytes} value={d.totalBytes - d.usableBytes} aria-label={`Volume ${Math.round(((d.totalBytes - d.usableBytes) / d.totalBytes) * 100)}% full`} />
                    )}
                  </td>
                  <td>{bytes(d.totalBytes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h2>Throughput</h2>
      {!rates.available && <Notice>This gateway runs beside a cluster it does not embed: its traffic counters are in that cluster's own metrics.</Notice>}
      <div class="charts">
        <LineChart
          title="Bytes per second"
          series={[
            { label: 'in', color: '#2f80ed' },
            { label: 'out', color: '#27ae60' },
          ]}
          times={rates.times}
          values={[rates.bytesIn, rates.bytesOut]}
          format={perSecond}
        />
        <LineChart title="Records per second" series={[{ label: 'in', color: '#eb5757' }]} times={rates.times} values={[rates.messagesIn]} format={recordsPerSecond} />
      </div>
    </section>
  );
}
