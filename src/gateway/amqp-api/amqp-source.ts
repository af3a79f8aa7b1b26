// What the management routes need of an AMQP front door in the same process. `brook start` passes
// the broker's view (broker/amqp/management-view.ts, which has this shape; the gateway never
// imports the broker); a gateway in front of a remote Kafka cluster has none, and the console says
// there is no AMQP there.
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface AmqpQueueState {
  vhost: string;
  name: string;
  type: string;
  durable: boolean;
  autoDelete: boolean;
  exclusive: boolean;
  arguments: Record<string, JsonValue>;
  ready: number;
  unacked: number;
  consumers: number;
  /** Cumulative counters (since the queue was opened in this process). */
  published: number;
  delivered: number;
  acked: number;
}

export interface AmqpExchangeState {
  vhost: string;
  name: string;
  type: string;
  durable: boolean;
  autoDelete: boolean;
  internal: boolean;
  arguments: Record<string, JsonValue>;
}

export interface AmqpBindingState {
  vhost: string;
  source: string;
  destination: string;
  destinationType: 'queue' | 'exchange';
  routingKey: string;
  arguments: Record<string, JsonValue>;
}

export interface AmqpManagement {
  vhosts(): string[];
  queues(): AmqpQueueState[];
  queue(vhost: string, name: string): AmqpQueueState | null;
  exchanges(): AmqpExchangeState[];
  bindings(): AmqpBindingState[];
  /** Ready messages removed, or null when there is no such queue. */
  purge(vhost: string, name: string): Promise<number | null>;
  deleteQueue(vhost: string, name: string, opts: { ifUnused: boolean; ifEmpty: boolean }): Promise<'deleted' | 'missing' | 'in-use' | 'not-empty'>;
}
