// Exchanges and their bindings, and how each exchange type picks bindings for a message
// (RabbitMQ's rabbit_exchange_type_{direct,fanout,topic,headers}):
//
//   direct   binding key = routing key
//   fanout   every binding
//   topic    binding key as a pattern over dot-separated words (topic-matcher.ts)
//   headers  binding arguments against the message's headers table: x-match all (default) or any,
//            and all-with-x / any-with-x, which also compare arguments starting with "x-"; a void
//            argument value matches any value of a present header
//
// A binding's destination is a queue or (exchange-to-exchange bindings) another exchange.
import { encodeTable, fieldEquals, fieldString, tableGet, type FieldTable } from '../../amqp/index.js';
import { compileTopic, topicMatches, type TopicPattern } from './topic-matcher.js';

export type ExchangeType = 'direct' | 'fanout' | 'topic' | 'headers';
export const EXCHANGE_TYPES: readonly ExchangeType[] = ['direct', 'fanout', 'topic', 'headers'];

export interface ExchangeDefinition {
  name: string;
  type: ExchangeType;
  durable: boolean;
  autoDelete: boolean;
  internal: boolean;
  arguments: FieldTable;
}

export interface BindingDefinition {
  source: string;
  destinationKind: 'queue' | 'exchange';
  destination: string;
  routingKey: string;
  arguments: FieldTable;
}

export interface Binding extends BindingDefinition {
  /** Identity: equal bindings are one binding (declaring twice is a no-op). */
  readonly id: string;
  readonly pattern: TopicPattern | null;
}

export function makeBinding(d: BindingDefinition, type: ExchangeType): Binding {
  const args = d.arguments.length > 0 ? encodeTable(d.arguments).toString('base64') : '';
  const id = `${d.destinationKind}\u0000${d.destination}\u0000${d.routingKey}\u0000${args}`;
  return { ...d, id, pattern: type === 'topic' ? compileTopic(d.routingKey) : null };
}

/** What an exchange backed by a Kafka topic does with publishes (kafka-topic-exchange.ts). */
export interface KafkaSource {
  readonly topic: string;
  publish(m: { exchange: string; routingKey: string; properties: Buffer; body: Buffer; persistent: boolean; expirationMs: number | undefined }, durable: boolean): Promise<void>;
}

export class Exchange {
  /** Set when a Kafka topic is the exchange's source (x-kafka-topic). */
  kafka: KafkaSource | null = null;
  private readonly byId = new Map<string, Binding>();
  /** direct: bindings per routing key. */
  private readonly byKey = new Map<string, Binding[]>();
  /** Routing-key results of topic exchanges, dropped on any binding change. */
  private topicCache = new Map<string, Binding[]>();

  constructor(readonly def: ExchangeDefinition) {}

  get name(): string {
    return this.def.name;
  }

  get bindings(): IterableIterator<Binding> {
    return this.byId.values();
  }

  get bindingCount(): number {
    return this.byId.size;
  }

  has(b: Binding): boolean {
    return this.byId.has(b.id);
  }

  add(b: Binding): boolean {
    if (this.byId.has(b.id)) return false;
    this.byId.set(b.id, b);
    if (this.def.type === 'direct') {
      const list = this.byKey.get(b.routingKey);
      if (list) list.push(b);
      else this.byKey.set(b.routingKey, [b]);
    }
    this.topicCache = new Map();
    return true;
  }

  remove(id: string): Binding | undefined {
    const b = this.byId.get(id);
    if (!b) return undefined;
    this.byId.delete(id);
    if (this.def.type === 'direct') {
      const list = this.byKey.get(b.routingKey)!.filter((x) => x.id !== id);
      if (list.length === 0) this.byKey.delete(b.routingKey);
      else this.byKey.set(b.routingKey, list);
    }
    this.topicCache = new Map();
    return b;
  }

  /** The bindings a message matches. `headers` is called only by headers exchanges. */
  match(routingKey: string, headers: () => FieldTable | undefined): readonly Binding[] {
    switch (this.def.type) {
      case 'direct':
        return this.byKey.get(routingKey) ?? NONE;
      case 'fanout':
        return [...this.byId.values()];
      case 'topic': {
        let hit = this.topicCache.get(routingKey);
        if (!hit) {
          hit = [...this.byId.values()].filter((b) => topicMatches(b.pattern!, routingKey));
          if (this.topicCache.size > 10_000) this.topicCache = new Map();
          this.topicCache.set(routingKey, hit);
        }
        return hit;
      }
      case 'headers': {
        const h = headers() ?? [];
        return [...this.byId.values()].filter((b) => headersMatch(b.arguments, h));
      }
    }
  }
}

const NONE: readonly Binding[] = [];

export function headersMatch(args: FieldTable, headers: FieldTable): boolean {
  const mode = fieldString(tableGet(args, 'x-match')) ?? 'all';
  const withX = mode === 'all-with-x' || mode === 'any-with-x';
  const any = mode === 'any' || mode === 'any-with-x';
  for (const [k, v] of args) {
    if (k === 'x-match' || (!withX && k.startsWith('x-'))) continue;
    const h = tableGet(headers, k);
    const ok = h !== undefined && (v.type === 'V' || fieldEquals(v, h));
    if (any && ok) return true;
    if (!any && !ok) return false;
  }
  // all: nothing failed; any: nothing matched (an any binding without arguments matches nothing).
  return !any;
}
