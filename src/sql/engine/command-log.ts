// The command topic: every statement that changes the engine's state (CREATE, CREATE ... AS
// SELECT, INSERT INTO ... SELECT, DROP, TERMINATE) is appended here before it takes effect, and an
// engine starting up replays the topic to rebuild its metastore and restart its persistent queries
// (ksqlDB's `_confluent-ksql-<service id>_command_topic`: one partition, never compacted; the key
// names the command, the value holds the statement and the properties it ran with).

import { createProducer, type Admin, type ClientOptions, type Producer } from '../../client/index.js';
import { feedTopics, partitionCounts } from './topic-feed.js';

export interface Command {
  /** Position in the command topic: the command's sequence number. */
  readonly sequence: number;
  readonly statement: string;
  readonly properties: Readonly<Record<string, string>>;
}

interface CommandValue {
  statement: string;
  streamsProperties: Record<string, string>;
  originalProperties: Record<string, string>;
}

export class CommandLog {
  private producer: Producer | undefined;

  constructor(
    readonly topic: string,
    private readonly client: ClientOptions,
    private readonly admin: Admin,
  ) {}

  /** Reads every command in the topic (none when it does not exist yet: it is created by the first command). */
  async load(): Promise<Command[]> {
    if ((await partitionCounts(this.admin, [this.topic])).get(this.topic)! === 0) return [];
    const out: Command[] = [];
    for await (const batch of feedTopics(this.client, this.admin, [this.topic], { from: 'earliest', toEnd: true })) {
      for (const r of batch) {
        if (!r.value) continue;
        try {
          const v = JSON.parse(r.value.toString('utf8')) as Partial<CommandValue>;
          if (typeof v.statement !== 'string') continue;
          out.push({ sequence: Number(r.offset), statement: v.statement, properties: v.originalProperties ?? {} });
        } catch {
          // Not a command (written by something else): skipped, as ksqlDB skips what it cannot deserialize.
        }
      }
    }
    return out;
  }

  /** Appends a command (acks=all) and returns its sequence number. */
  async append(id: string, statement: string, properties: Readonly<Record<string, string>>): Promise<number> {
    await this.ensureTopic();
    this.producer ??= createProducer(this.client, { acks: -1 });
    const value: CommandValue = { statement, streamsProperties: { ...properties }, originalProperties: { ...properties } };
    const result = await this.producer.send({ messages: [{ topic: this.topic, partition: 0, key: Buffer.from(id), value: Buffer.from(JSON.stringify(value)) }] });
    const offset = result.offsets?.[0]?.offset;
    if (offset === undefined) throw new Error('the command topic did not acknowledge the command');
    return Number(offset);
  }

  private created = false;

  /** One partition (commands are totally ordered), kept forever: it is the engine's only state. */
  private async ensureTopic(): Promise<void> {
    if (this.created) return;
    if ((await partitionCounts(this.admin, [this.topic])).get(this.topic)! === 0) {
      try {
        await this.admin.createTopics({ topics: [this.topic], partitions: 1, replicas: -1, configs: [{ name: 'retention.ms', value: '-1' }, { name: 'cleanup.policy', value: 'delete' }] });
      } catch (e) {
        // Another engine of the same service may have created it at the same moment.
        if ((await partitionCounts(this.admin, [this.topic])).get(this.topic)! === 0) throw e;
      }
    }
    this.created = true;
  }

  async close(): Promise<void> {
    const p = this.producer;
    this.producer = undefined;
    if (p) await new Promise<void>((resolve) => p.close(() => resolve()));
  }
}
