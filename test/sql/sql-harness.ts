// Helpers for the SQL tests: a real broker and gateway with the SQL engine on, statements over
// POST /ksql, queries over POST /query-stream, records in and out with the client layer.
import assert from 'node:assert/strict';
import { createAdmin, createProducer, EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsetsAt, LogReader, createConsumer, type FetchedRecord } from '../../src/client/index.js';
import { http, startTestGateway, until, type TestGateway } from '../gateway/gateway-harness.js';

export { until };

/** A gateway with the SQL engine; `registry` also runs the schema registry (AVRO, JSON_SR); `extensionDir`: UDF modules. */
export async function startSqlGateway(options: { registry?: boolean; extensionDir?: string } = {}): Promise<TestGateway> {
  const sql = { commitIntervalMs: 100, ...(options.extensionDir !== undefined ? { extensionDir: options.extensionDir } : {}) };
  return startTestGateway({ sql, ...(options.registry ? {} : { schemasTopic: false }) });
}

/** POST /ksql expecting success: the entities. */
export async function ksql(g: TestGateway, statements: string, streamsProperties: Record<string, unknown> = {}): Promise<Array<Record<string, unknown>>> {
  const r = await http(g.url, 'POST', '/ksql', { body: { ksql: statements, streamsProperties }, type: 'application/vnd.ksql.v1+json' });
  assert.equal(r.status, 200, `POST /ksql ${statements}: ${r.text}`);
  return r.json as Array<Record<string, unknown>>;
}

/** POST /ksql expecting a statement error: its body. */
export async function ksqlError(g: TestGateway, statements: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await http(g.url, 'POST', '/ksql', { body: { ksql: statements, streamsProperties: {} } });
  assert.notEqual(r.status, 200, `expected ${statements} to fail`);
  return { status: r.status, body: r.json as Record<string, unknown> };
}

export interface QueryResult {
  header: { queryId: string; columnNames: string[]; columnTypes: string[] };
  rows: unknown[][];
}

/** A pull query (or a push query with LIMIT) over /query-stream, read to its end. */
export async function query(g: TestGateway, sql: string, properties: Record<string, unknown> = {}): Promise<QueryResult> {
  const r = await http(g.url, 'POST', '/query-stream', { body: { sql, properties } });
  assert.equal(r.status, 200, `${sql}: ${r.text}`);
  const lines = r.text.split('\n').filter((l) => l !== '');
  const [head, ...rows] = lines.map((l) => JSON.parse(l) as unknown);
  return { header: head as QueryResult['header'], rows: rows as unknown[][] };
}

export async function produce(g: TestGateway, topic: string, records: ReadonlyArray<{ key?: string; value: string | null; timestamp?: number }>): Promise<void> {
  const producer = createProducer({ brokers: [g.broker.bootstrap], clientId: 'sql-test-producer' }, { acks: -1 });
  try {
    await producer.send({
      messages: records.map((r) => ({
        topic,
        key: r.key === undefined ? undefined : Buffer.from(r.key),
        value: r.value === null ? undefined : Buffer.from(r.value),
        ...(r.timestamp !== undefined ? { timestamp: BigInt(r.timestamp) } : {}),
      })),
    });
  } finally {
    await new Promise<void>((resolve) => producer.close(() => resolve()));
  }
}

/** Every record of a topic's partition 0..n-1 up to the current end. */
export async function readTopic(g: TestGateway, topic: string, partitions = 1): Promise<FetchedRecord[]> {
  const client = { brokers: [g.broker.bootstrap], clientId: 'sql-test-reader' };
  const admin = createAdmin(client);
  const consumer = createConsumer(client, { groupId: 'sql-test-reader', autocommit: false });
  try {
    const ps = Array.from({ length: partitions }, (_v, partition) => ({ topic, partition }));
    const start = await listOffsetsAt(admin, ps, EARLIEST_TIMESTAMP);
    const end = await listOffsetsAt(admin, ps, LATEST_TIMESTAMP);
    const reader = new LogReader(consumer, { maxWaitMs: 0 });
    const positions = ps.map((p) => ({ ...p, offset: start.get(`${topic}:${p.partition}`) ?? 0n }));
    const out: FetchedRecord[] = [];
    for (;;) {
      const open = positions.filter((p) => p.offset < (end.get(`${p.topic}:${p.partition}`) ?? 0n));
      if (open.length === 0) return out;
      const round = await reader.fetch(open);
      for (const r of round.records) {
        const p = positions.find((x) => x.partition === r.partition)!;
        if (r.offset < p.offset) continue;
        p.offset = r.offset + 1n;
        out.push(r);
      }
    }
  } finally {
    await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
    await new Promise<void>((resolve) => admin.close(() => resolve()));
  }
}

/** Waits until the topic holds at least `n` records, then returns them. */
export function waitForRecords(g: TestGateway, topic: string, n: number, partitions = 1): Promise<FetchedRecord[]> {
  return until(`${n} records in ${topic}`, async () => {
    try {
      const rs = await readTopic(g, topic, partitions);
      return rs.length >= n ? rs : undefined;
    } catch {
      return undefined;
    }
  }, 60_000);
}

export function text(b: Buffer | null): string | null {
  return b === null ? null : b.toString('utf8');
}
