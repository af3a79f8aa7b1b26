// In-process group members on the Node clients (KafkaJS, @platformatic/kafka), shaped like the Python
// members (MemberView): "assigned" events on each join, and a record only after its offset commit
// resolved, so the exactly-once accounting of fixtures.ts applies to them too.
import { Consumer, stringDeserializers, type MessagesStream } from '@platformatic/kafka';
import { Kafka, logLevel, type Consumer as KafkaJsConsumer } from 'kafkajs';
import type { MemberView } from './fixtures.js';
import type { LiveEvent } from './live-process.js';

abstract class NodeMember implements MemberView {
  readonly events: LiveEvent[] = [];
  readonly stderrTail = '';
  private readonly listeners = new Set<() => void>();

  constructor(readonly name: string) {}

  protected emit(e: LiveEvent): void {
    this.events.push(e);
    for (const l of this.listeners) l();
  }

  records(): { p: number; o: number; v: string }[] {
    return this.events.filter((e) => e.ev === 'rec') as unknown as { p: number; o: number; v: string }[];
  }

  onOutput(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  abstract stop(): Promise<void>;
}

export class KafkaJsMember extends NodeMember {
  private constructor(
    name: string,
    private readonly consumer: KafkaJsConsumer,
  ) {
    super(name);
  }

  static async start(bootstrap: string, group: string, topic: string, name: string): Promise<KafkaJsMember> {
    const kafka = new Kafka({ clientId: name, brokers: [bootstrap], logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: group, sessionTimeout: 6000, heartbeatInterval: 300, rebalanceTimeout: 10_000, maxWaitTimeInMs: 200 });
    const m = new KafkaJsMember(name, consumer);
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      m.emit({ ev: 'assigned', parts: [...(e.payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b) });
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const o = Number(message.offset);
        await consumer.commitOffsets([{ topic, partition, offset: String(o + 1) }]);
        m.emit({ ev: 'rec', p: partition, o, v: message.value!.toString() });
      },
    });
    return m;
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
    this.emit({ ev: 'closed' });
  }
}

export class PlatformaticMember extends NodeMember {
  private stream: MessagesStream<string, string, string, string> | null = null;
  private constructor(
    name: string,
    private readonly consumer: Consumer<string, string, string, string>,
  ) {
    super(name);
  }

  static async start(bootstrap: string, group: string, topic: string, name: string, groupInstanceId?: string): Promise<PlatformaticMember> {
    const consumer = new Consumer({
      clientId: name,
      groupId: group,
      bootstrapBrokers: [bootstrap],
      deserializers: stringDeserializers,
      sessionTimeout: 6000,
      heartbeatInterval: 300,
      rebalanceTimeout: 10_000,
      maxWaitTime: 200,
      ...(groupInstanceId ? { groupInstanceId } : {}),
    });
    const m = new PlatformaticMember(name, consumer);
    consumer.on('consumer:group:join', (payload: { assignments?: { topic: string; partitions: number[] }[] }) => {
      const mine = payload.assignments?.find((a) => a.topic === topic)?.partitions ?? [];
      m.emit({ ev: 'assigned', parts: [...mine].sort((a, b) => a - b) });
    });
    m.stream = await consumer.consume({ topics: [topic], mode: 'committed', fallbackMode: 'earliest', autocommit: false });
    m.stream.on('data', (message) => {
      m.stream!.pause();
      Promise.resolve(message.commit())
        .then(() => m.emit({ ev: 'rec', p: message.partition, o: Number(message.offset), v: message.value }))
        .catch((e: unknown) => m.emit({ ev: 'commit-failed', err: String(e) }))
        .finally(() => m.stream!.resume());
    });
    return m;
  }

  async stop(): Promise<void> {
    await this.stream?.close();
    await this.consumer.close();
    this.emit({ ev: 'closed' });
  }
}
