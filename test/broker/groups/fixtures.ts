// Topics and records for the group tests, made with KafkaJS (any producer would do): record i of a
// topic goes to partition i % partitions with the value "<topic>-<i>", so a test can tell exactly
// which records were consumed, and how often.
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import type { LiveEvent } from './live-process.js';

/** What the helpers need of a member, in a child process (MemberView) or in this one (node-members.ts). */
export interface MemberView {
  readonly name: string;
  readonly events: LiveEvent[];
  records(): { p: number; o: number; v: string }[];
  onOutput(listener: () => void): () => void;
  readonly stderrTail: string;
}

export async function createTopic(bootstrap: string, topic: string, partitions: number): Promise<void> {
  const admin = new Kafka({ clientId: 'groups-fixture', brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: false });
  } finally {
    await admin.disconnect();
  }
}

/** Produces records [from, to) of the topic (acks=all). */
export async function produceRange(bootstrap: string, topic: string, partitions: number, from: number, to: number): Promise<string[]> {
  const producer = new Kafka({ clientId: 'groups-fixture', brokers: [bootstrap], logLevel: logLevel.NOTHING }).producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const values: string[] = [];
  try {
    const messages = [];
    for (let i = from; i < to; i++) {
      values.push(`${topic}-${i}`);
      messages.push({ partition: i % partitions, value: `${topic}-${i}` });
    }
    await producer.send({ topic, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
  return values;
}

/** Values consumed by the members, in total (duplicates kept so a test can see them). */
export function consumedValues(members: readonly MemberView[]): string[] {
  return members.flatMap((m) => m.records().map((r) => r.v));
}

/** The current assignment of a member: empty after a revoke until the next assignment. */
export function currentAssignment(m: MemberView): number[] | null {
  const last = [...m.events].reverse().find((e) => e.ev === 'assigned' || e.ev === 'revoked' || e.ev === 'closed');
  return last?.ev === 'assigned' ? (last.parts as number[]) : null;
}

/** True when the members' current assignments split all partitions without overlap. */
export function splitsAll(members: readonly MemberView[], partitions: number): boolean {
  const seen: number[] = [];
  for (const m of members) {
    const a = currentAssignment(m);
    if (a === null) return false;
    seen.push(...a);
  }
  return seen.length === partitions && new Set(seen).size === partitions;
}

/** Waits (bounded) until cond() holds, re-checking whenever any member prints. */
export function until(members: readonly MemberView[], cond: () => boolean, what: string, limitMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const offs: (() => void)[] = [];
    const finish = (e?: Error): void => {
      clearTimeout(guard);
      for (const off of offs) off();
      if (e) reject(e);
      else resolve();
    };
    const guard = setTimeout(() => {
      const state = members.map((m) => `${m.name}: ${JSON.stringify(m.events.filter((e) => e.ev !== 'rec').slice(-4))} recs=${m.records().length}\n${m.stderrTail.slice(-1500)}`);
      finish(new Error(`${what}: not reached within ${limitMs} ms\n${state.join('\n')}`));
    }, limitMs);
    const check = (): void => {
      if (cond()) finish();
    };
    for (const m of members) offs.push(m.onOutput(check));
    check();
  });
}
