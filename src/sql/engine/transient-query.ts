// Push and pull queries: a SELECT whose rows go back to the caller instead of into a topic. The
// query is planned onto a brook/streams App exactly as a persistent one, and that App runs
// in-process on the streams TestDriver (the same StreamTask the Kafka runtime drives, with its
// state in memory), fed by a topic feed:
//   push (EMIT CHANGES): from the end of the source topics (or their start with
//     'auto.offset.reset' = 'earliest'), until the caller goes away or LIMIT rows were sent;
//   pull: from the start to the end offsets seen when the query began; a table answers with its
//     latest row per key (deletes removed), a stream with every matching row.
// Nothing is written to the cluster and no consumer group is joined.

import { App, TestDriver, type PipeOptions, type Windowed } from '../../streams/index.js';
import type { ClientOptions, Admin, FetchedRecord } from '../../client/index.js';
import type { AnalyzedQuery } from '../analyzer/analyzed-query.js';
import type { Column } from '../catalog/data-source.js';
import type { Row } from '../formats/format.js';
import { valueKey } from '../types/values.js';
import type { ProcessingLog } from '../planner/evaluation.js';
import { planQuery } from '../planner/query-planner.js';
import { feedTopics, partitionCounts } from './topic-feed.js';

export interface RowSink {
  header(queryId: string, columns: readonly Column[]): void;
  row(values: Row): void;
}

export interface TransientQueryInput {
  readonly queryId: string;
  readonly query: AnalyzedQuery;
  readonly client: ClientOptions;
  readonly admin: Admin;
  readonly log: ProcessingLog;
  readonly signal: AbortSignal;
  readonly fromEarliest: boolean;
}

/** A fetched record's position, time and headers, as the query's processors see them (ROWOFFSET, HEADERS). */
function pipeOptions(r: FetchedRecord): PipeOptions {
  return {
    timestamp: Number(r.timestamp),
    partition: r.partition,
    offset: r.offset,
    ...(r.headers.length > 0 ? { headers: r.headers.map(([k, v]) => ({ key: k.toString('utf8'), value: v })) } : {}),
  };
}

function resultKey(k: unknown, windowed: boolean): string {
  if (!windowed) return valueKey(k);
  const w = k as Windowed<unknown>;
  return `${valueKey(w.key)}@${w.window.start}`;
}

async function driverFor(input: TransientQueryInput, emit: (row: Row | null, key: unknown) => void): Promise<{ driver: TestDriver; columns: readonly Column[]; topics: string[] }> {
  // Undecodable records are skipped (and counted), as in persistent queries: one bad record must not end the query.
  const app = new App({ appId: `transient-${input.queryId}`.replace(/[^A-Za-z0-9._-]/g, '_'), onDeserializationError: 'skip' });
  const planned = planQuery(app, input.query, { queryId: input.queryId, log: input.log }, { kind: 'callback', emit: (row, key) => emit(row, key) }, '');
  const topics = [...new Set(input.query.bindings.map((b) => b.source.topic))];
  const counts = await partitionCounts(input.admin, topics);
  const driver = await TestDriver.create(app, { partitions: Object.fromEntries(counts) });
  return { driver, columns: planned.columns, topics };
}

/** Runs a push query until the signal aborts or LIMIT rows were sent. */
export async function runPushQuery(input: TransientQueryInput, sink: RowSink): Promise<void> {
  const limit = input.query.limit;
  let sent = 0;
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  input.signal.addEventListener('abort', onAbort, { once: true });
  const { driver, columns, topics } = await driverFor(input, (row) => {
    if (row === null || stop.signal.aborted) return;
    sink.row(row);
    if (limit !== undefined && ++sent >= limit) stop.abort();
  });
  let started = false;
  const start = (): void => {
    if (started) return;
    started = true;
    sink.header(input.queryId, columns);
  };
  try {
    if (limit === 0) return start();
    // The header goes out once the start positions are fixed, so a client that writes after seeing it sees its rows.
    const feed = feedTopics(input.client, input.admin, topics, { from: input.fromEarliest ? 'earliest' : 'latest', toEnd: false, signal: stop.signal, onStart: start });
    for await (const batch of feed) {
      for (const r of batch) {
        if (stop.signal.aborted) break;
        await driver.pipeRaw(r.topic, r.key, r.value, pipeOptions(r));
      }
      if (stop.signal.aborted) break;
    }
    start();
  } finally {
    input.signal.removeEventListener('abort', onAbort);
    await driver.crash();
  }
}

/** Runs a pull query to the end offsets of its source and sends the result. */
export async function runPullQuery(input: TransientQueryInput, sink: RowSink): Promise<void> {
  const isTable = input.query.bindings[0]!.source.type === 'TABLE';
  const windowed = input.query.bindings[0]!.source.window !== undefined;
  const latest = new Map<string, Row>();
  const all: Row[] = [];
  const { driver, columns, topics } = await driverFor(input, (row, key) => {
    if (!isTable) {
      if (row) all.push(row);
      return;
    }
    const k = resultKey(key, windowed);
    if (row === null) latest.delete(k);
    else latest.set(k, row);
  });
  try {
    for await (const batch of feedTopics(input.client, input.admin, topics, { from: 'earliest', toEnd: true, signal: input.signal })) {
      for (const r of batch) await driver.pipeRaw(r.topic, r.key, r.value, pipeOptions(r));
    }
  } finally {
    await driver.crash();
  }
  sink.header(input.queryId, columns);
  const rows = isTable ? [...latest.values()] : all;
  const limit = input.query.limit ?? Infinity;
  for (let i = 0; i < rows.length && i < limit; i++) sink.row(rows[i]!);
}
