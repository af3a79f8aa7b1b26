// One AMQP queue: depth, consumers, message counters and rates, arguments, its bindings; purge its
// ready messages, or delete it (typing its name to confirm), through RabbitMQ-style routes.
import { useState } from 'preact/hooks';
import { api, enc } from '../api.ts';
import { go, href } from '../router.ts';
import { ConfirmDialog } from '../parts/confirm.tsx';
import { ErrorNote, Loading, Notice } from '../parts/status.tsx';
import { useData } from '../parts/use-data.ts';
import { BindingsTable, features, type BindingInfo, type QueueInfo } from './queues.tsx';

export function QueuePage({ vhost, name }: { vhost: string; name: string }) {
  const path = `/api/queues/${enc(vhost)}/${enc(name)}`;
  const queue = useData(() => api.get<QueueInfo>(path), [path], 2000);
  const bindings = useData(() => api.get<BindingInfo[]>(`${path}/bindings`), [path], 5000);
  const [asking, setAsking] = useState<'purge' | 'delete' | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [fail, setFail] = useState<unknown>(null);
  const act = async (what: 'purge' | 'delete'): Promise<void> => {
    setAsking(null);
    setFail(null);
    try {
      if (what === 'purge') {
        await api.del(`${path}/contents`);
        setNote(`Queue ${name} purged.`);
        queue.reload();
      } else {
        await api.del(path);
        go('queues');
      }
    } catch (e) {
      setFail(e);
    }
  };
  const q = queue.data;
  return (
    <section aria-labelledby="queue-title">
      <p>
        <a href={href('queues')}>Queues and exchanges</a> / virtual host <code>{vhost}</code>
      </p>
      <h1 id="queue-title">{name}</h1>
      <ErrorNote error={queue.error ?? fail} />
      {note && <Notice>{note}</Notice>}
      {!q && !queue.error && <Loading what="the queue" />}
      {q && (
        <>
          <dl class="cards">
            <div>
              <dt>Ready</dt>
              <dd data-testid="queue-ready">{q.messages_ready}</dd>
            </div>
            <div>
              <dt>Unacked</dt>
              <dd data-testid="queue-unacked">{q.messages_unacknowledged}</dd>
            </div>
            <div>
              <dt>Total</dt>
              <dd data-testid="queue-total">{q.messages}</dd>
            </div>
            <div>
              <dt>Consumers</dt>
              <dd data-testid="queue-consumers">{q.consumers}</dd>
            </div>
            <div>
              <dt>Publish</dt>
              <dd>
                {q.message_stats.publish_details.rate}/s <span class="muted">({q.message_stats.publish} total)</span>
              </dd>
            </div>
            <div>
              <dt>Deliver / get</dt>
              <dd>
                {q.message_stats.deliver_get_details.rate}/s <span class="muted">({q.message_stats.deliver_get} total)</span>
              </dd>
            </div>
            <div>
              <dt>Ack</dt>
              <dd>
                {q.message_stats.ack_details.rate}/s <span class="muted">({q.message_stats.ack} total)</span>
              </dd>
            </div>
          </dl>
          <p>
            Type <span class="tag">{q.type}</span> Features <span class="tag">{features(q)}</span>
            {Object.keys(q.arguments).length > 0 && (
              <>
                {' '}
                Arguments <code>{JSON.stringify(q.arguments)}</code>
              </>
            )}
          </p>
          <div class="row">
            <button type="button" onClick={() => setAsking('purge')}>
              Purge messages
            </button>
            <button type="button" class="danger" onClick={() => setAsking('delete')}>
              Delete queue
            </button>
          </div>
        </>
      )}
      <ConfirmDialog
        open={asking !== null}
        title={asking === 'delete' ? `Delete queue ${name}?` : `Purge queue ${name}?`}
        what={
          asking === 'delete'
            ? 'The queue, its messages and its bindings are removed for good; its consumers are cancelled.'
            : 'Every ready message is removed for good (without dead-lettering); messages being delivered stay.'
        }
        name={name}
        action={asking === 'delete' ? 'Delete queue' : 'Purge'}
        onConfirm={() => void act(asking ?? 'purge')}
        onClose={() => setAsking(null)}
      />
      <h2>Bindings</h2>
      <ErrorNote error={bindings.error} />
      {bindings.data && <BindingsTable label="Queue bindings" bindings={bindings.data} />}
    </section>
  );
}
