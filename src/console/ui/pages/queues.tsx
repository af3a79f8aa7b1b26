// Queues and exchanges of the AMQP front door (RabbitMQ's management API shape, /api/queues ...):
// per queue its depth (ready, unacknowledged), consumers and publish/deliver rates; the exchanges
// and the bindings between them. A gateway in front of a remote Kafka cluster has no AMQP: the page
// says so (GET /console/api/amqp).
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { href } from '../router.ts';
import { ErrorNote, Loading } from '../parts/status.tsx';
import { useData } from '../parts/use-data.ts';

export interface QueueInfo {
  name: string;
  vhost: string;
  type: string;
  durable: boolean;
  auto_delete: boolean;
  exclusive: boolean;
  arguments: Record<string, unknown>;
  messages: number;
  messages_ready: number;
  messages_unacknowledged: number;
  consumers: number;
  message_stats: { publish: number; publish_details: { rate: number }; deliver_get: number; deliver_get_details: { rate: number }; ack: number; ack_details: { rate: number } };
}

export interface BindingInfo {
  source: string;
  vhost: string;
  destination: string;
  destination_type: 'queue' | 'exchange';
  routing_key: string;
  arguments: Record<string, unknown>;
  properties_key: string;
}

interface ExchangeInfo {
  name: string;
  vhost: string;
  type: string;
  durable: boolean;
  auto_delete: boolean;
  internal: boolean;
}

interface AmqpState {
  available: boolean;
  queues: QueueInfo[];
  exchanges: ExchangeInfo[];
  bindings: BindingInfo[];
}

async function load(): Promise<AmqpState> {
  const { available } = await api.get<{ available: boolean }>('/console/api/amqp');
  if (!available) return { available, queues: [], exchanges: [], bindings: [] };
  const [queues, exchanges, bindings] = await Promise.all([api.get<QueueInfo[]>('/api/queues'), api.get<ExchangeInfo[]>('/api/exchanges'), api.get<BindingInfo[]>('/api/bindings')]);
  return { available, queues, exchanges, bindings };
}

/** Durable, auto-delete and exclusive as RabbitMQ's UI abbreviates them (D, AD, Excl). */
export function features(q: { durable: boolean; auto_delete: boolean; exclusive?: boolean }): string {
  return [q.durable ? 'D' : '', q.auto_delete ? 'AD' : '', q.exclusive ? 'Excl' : ''].filter(Boolean).join(' ') || '–';
}

export const exchangeName = (name: string): string => (name === '' ? '(AMQP default)' : name);

export function BindingsTable({ label, bindings }: { label: string; bindings: BindingInfo[] }) {
  return (
    <table aria-label={label} data-testid="bindings-table">
      <thead>
        <tr>
          <th scope="col">Virtual host</th>
          <th scope="col">From exchange</th>
          <th scope="col">To</th>
          <th scope="col">Routing key</th>
          <th scope="col">Arguments</th>
        </tr>
      </thead>
      <tbody>
        {bindings.map((b) => (
          <tr key={`${b.vhost}|${b.source}|${b.destination_type}|${b.destination}|${b.properties_key}`} data-binding={`${b.source}>${b.destination}`}>
            <td>{b.vhost}</td>
            <td>{exchangeName(b.source)}</td>
            <td>
              {b.destination_type === 'queue' ? <a href={href('queues', b.vhost, b.destination)}>{b.destination}</a> : b.destination} <span class="tag">{b.destination_type}</span>
            </td>
            <td>
              <code>{b.routing_key}</code>
            </td>
            <td>{Object.keys(b.arguments).length > 0 ? <code>{JSON.stringify(b.arguments)}</code> : '–'}</td>
          </tr>
        ))}
        {bindings.length === 0 && (
          <tr>
            <td colSpan={5} class="muted">
              No bindings.
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

export function QueuesPage() {
  const { data, error } = useData(load, [], 3000);
  const [filter, setFilter] = useState('');
  const shown = (data?.queues ?? []).filter((q) => q.name.includes(filter.trim()));
  return (
    <section aria-labelledby="queues-title">
      <h1 id="queues-title">Queues and exchanges</h1>
      <ErrorNote error={error} />
      {!data && !error && <Loading what="queues" />}
      {data && !data.available && (
        <p class="notice" data-testid="no-amqp">
          This gateway has no AMQP listener in its process (it serves a remote Kafka cluster, or the broker runs with AMQP off), so there are no queues or exchanges to show.
        </p>
      )}
      {data?.available && (
        <>
          <label>
            Filter queues
            <input type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
          </label>
          <table aria-label="Queues" data-testid="queues-table">
            <thead>
              <tr>
                <th scope="col">Virtual host</th>
                <th scope="col">Queue</th>
                <th scope="col">Type</th>
                <th scope="col">Features</th>
                <th scope="col" class="num">Ready</th>
                <th scope="col" class="num">Unacked</th>
                <th scope="col" class="num">Total</th>
                <th scope="col" class="num">Consumers</th>
                <th scope="col" class="num">Publish /s</th>
                <th scope="col" class="num">Deliver /s</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((q) => (
                <tr key={`${q.vhost}|${q.name}`} data-queue={q.name}>
                  <td>{q.vhost}</td>
                  <td>
                    <a href={href('queues', q.vhost, q.name)}>{q.name}</a>
                  </td>
                  <td>{q.type}</td>
                  <td>{features(q)}</td>
                  <td class="num">{q.messages_ready}</td>
                  <td class="num">{q.messages_unacknowledged}</td>
                  <td class="num">{q.messages}</td>
                  <td class="num">{q.consumers}</td>
                  <td class="num">{q.message_stats.publish_details.rate}</td>
                  <td class="num">{q.message_stats.deliver_get_details.rate}</td>
                </tr>
              ))}
              {shown.length === 0 && (
                <tr>
                  <td colSpan={10} class="muted">
                    {data.queues.length === 0 ? 'No queues yet.' : 'No queue matches the filter.'}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
          <h2>Exchanges</h2>
          <table aria-label="Exchanges" data-testid="exchanges-table">
            <thead>
              <tr>
                <th scope="col">Virtual host</th>
                <th scope="col">Exchange</th>
                <th scope="col">Type</th>
                <th scope="col">Features</th>
              </tr>
            </thead>
            <tbody>
              {data.exchanges.map((x) => (
                <tr key={`${x.vhost}|${x.name}`} data-exchange={x.name}>
                  <td>{x.vhost}</td>
                  <td>{exchangeName(x.name)}</td>
                  <td>{x.type}</td>
                  <td>
                    {features(x)}
                    {x.internal ? ' I' : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Bindings</h2>
          <BindingsTable label="Bindings" bindings={data.bindings.filter((b) => b.source !== '')} />
        </>
      )}
    </section>
  );
}
