// A priority queue (x-max-priority = N, 1-255), built as RabbitMQ builds its classic priority
// queues: one backing queue per priority level. Level 0 is this queue itself (its own log and
// share-partition); levels 1..N are queues of their own (logs `<topic>.p<level>`, named after the
// queue's internal topic, so they need no definitions of their own and reopen at restart). A
// message goes to the level of its `priority` property, capped at N (absent: 0). Consumers belong
// to this queue; each delivery turn takes from the highest level with a ready message, so higher
// priorities are delivered first and each level keeps its own order (FIFO, requeued messages back
// in their place). Acknowledgements go to the level a delivery came from (`takeNext`'s source).
// Length limits (x-max-length, -bytes) and TTL apply to each level separately.
import { decodeProperties } from '../../amqp/index.js';
import type { AmqpMessage } from './message-record.js';
import { AmqpQueue, type Delivery } from './queue.js';

/** Property flag bit of `priority` in a basic content header (the 5th property). */
const PRIORITY_FLAG = 0x0800;

export function messagePriority(properties: Buffer): number {
  if (properties.length < 2 || (properties.readUInt16BE(0) & PRIORITY_FLAG) === 0) return 0;
  try {
    return decodeProperties(properties).priority ?? 0;
  } catch {
    return 0;
  }
}

/** The internal topic of a priority level above 0. */
export function levelTopic(topic: string, level: number): string {
  return `${topic}.p${level}`;
}

export class PriorityQueue extends AmqpQueue {
  /** levels[0] is this queue; levels[k] holds priority k. */
  private levels: AmqpQueue[] = [this];

  /** Attaches the queues of levels 1..N (opened by the factory). */
  attachLevels(upper: readonly AmqpQueue[]): void {
    for (const q of upper) q.parent = this;
    this.levels = [this, ...upper];
  }

  /** The queues of levels 1..N. */
  upperLevels(): readonly AmqpQueue[] {
    return this.levels.slice(1);
  }

  override publish(m: AmqpMessage, durable: boolean, done: (error?: unknown) => void): boolean {
    const level = Math.min(messagePriority(m.properties), this.levels.length - 1);
    return level === 0 ? super.publish(m, durable, done) : this.levels[level]!.publish(m, durable, done);
  }

  override async takeNext(member: string, max: number, autoAccept: boolean): Promise<{ source: AmqpQueue; deliveries: Delivery[] } | null> {
    for (let level = this.levels.length - 1; level >= 0; level--) {
      const q = this.levels[level]!;
      const deliveries = level === 0 ? await super.take(member, max, autoAccept) : await q.take(member, max, autoAccept);
      if (deliveries !== null) return { source: q, deliveries };
    }
    return null;
  }

  override async whenAppended(): Promise<void> {
    await Promise.all([super.whenAppended(), ...this.upperLevels().map((q) => q.whenAppended())]);
  }

  override readyCount(): number {
    let n = super.readyCount();
    for (const q of this.upperLevels()) n += q.readyCount();
    return n;
  }

  override unackedCount(): number {
    let n = super.unackedCount();
    for (const q of this.upperLevels()) n += q.unackedCount();
    return n;
  }

  override async purge(): Promise<number> {
    let n = await super.purge();
    for (const q of this.upperLevels()) n += await q.purge();
    return n;
  }

  override async releaseMember(member: string): Promise<void> {
    await Promise.all(this.upperLevels().map((q) => q.releaseMember(member)));
    await super.releaseMember(member);
  }

  override stop(): void {
    for (const q of this.upperLevels()) q.stop();
    super.stop();
  }

  override start(): void {
    for (const q of this.upperLevels()) q.start();
    super.start();
  }
}
