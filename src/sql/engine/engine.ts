// The SQL engine: statements in, ksqlDB entities out. It keeps the metastore and the persistent
// queries of one ksqlDB "service" (ksql.service.id, default `default_`). Statements that change
// state go to the command topic first (command-log.ts) and take effect as they are applied, so an
// engine started later replays the same commands, with the same sequence numbers and query ids,
// and restarts the same queries; their state comes back from their changelog topics.

import { createAdmin, topicLayouts, topicNames, type Admin, type ClientOptions, type ClientSecurity } from '../../client/index.js';
import { App, type RunningApp } from '../../streams/index.js';
import { analyzeQuery } from '../analyzer/query-analyzer.js';
import type { AnalyzedQuery } from '../analyzer/analyzed-query.js';
import type { DataSource } from '../catalog/data-source.js';
import { MetaStore } from '../catalog/metastore.js';
import { ErrorCode, SqlError, messageOf } from '../errors.js';
import { builtinRegistry } from '../functions/builtins.js';
import type { FunctionRegistry } from '../functions/registry.js';
import { parseStatement, splitStatements, type Statement } from '../parser/index.js';
import type { ProcessingLog } from '../planner/evaluation.js';
import { planQuery, type PlannedQuery } from '../planner/query-planner.js';
import { CommandLog } from './command-log.js';
import { currentStatus, queryList, sourceDescription, sourceList, topicList, type KsqlEntity, type QueryInfo } from './entities.js';
import { insertValues } from './insert-values.js';
import type { SqlSchemaRegistry } from '../formats/schema-registry.js';
import { injectSchemas, registerSchemas } from './schema-inference.js';
import { loadExtensions, type FunctionOrigin } from '../functions/udf-loader.js';
import { describeFunction, functionList } from './function-entities.js';
import { buildSource, formatsOf, PropertyReader } from './source-definition.js';
import { cleanupQuery } from './query-cleanup.js';
import { checkQueryUpgrade, checkUpgrade } from './source-upgrade.js';
import { runStorePull, TABLE_SCAN_DISABLED } from './store-pull.js';
import { partitionCounts } from './topic-feed.js';
import { runPullQuery, runPushQuery, type RowSink } from './transient-query.js';

export type SqlLogFields = Record<string, string | number | boolean | null | undefined>;

export interface SqlEngineOptions {
  readonly brokers: string[];
  /** SASL and TLS of the engine's Kafka clients and of its persistent queries' apps. */
  readonly security?: ClientSecurity;
  /** ksqlDB's ksql.service.id: names the command topic and prefixes query application ids. */
  readonly serviceId?: string;
  readonly clientId?: string;
  /** Where persistent queries keep state on disk; without it state lives in memory and is restored from changelogs. */
  readonly stateDir?: string;
  readonly log?: { info(message: string, fields?: SqlLogFields): void; error(message: string, fields?: SqlLogFields): void };
  /** Commit interval of persistent queries, ms. */
  readonly commitIntervalMs?: number;
  /** ES modules of user-defined functions (ksqlDB's ksql.extension.dir), loaded on start. */
  readonly extensionDir?: string;
  /** The schema registry of the AVRO and JSON_SR formats (ksqlDB's ksql.schema.registry.url). */
  readonly schemaRegistry?: SqlSchemaRegistry;
}

interface PersistentQuery {
  readonly id: string;
  /** The brook/streams application id: the consumer group and the prefix of the internal topics. */
  readonly appId: string;
  readonly statement: string;
  readonly sink: string;
  readonly sinkTopic: string;
  readonly sources: readonly string[];
  readonly query: AnalyzedQuery;
  readonly app: App;
  /** Set when pull queries can read the result from the query's state store. */
  readonly planned: PlannedQuery;
  running: RunningApp | undefined;
  state: 'RUNNING' | 'ERROR';
}

/** A failed statement in a script: the entities of the statements before it, and which statement failed. */
export class StatementError extends SqlError {
  constructor(
    override readonly cause: SqlError,
    readonly statementText: string,
    readonly entities: KsqlEntity[],
  ) {
    super(cause.message, cause.code);
  }
}

const QUERY_ENDPOINT_MESSAGE = "The following statement types should be issued to the websocket endpoint '/query':\n\t* PRINT\n\t* SELECT";

export class SqlEngine {
  readonly metastore = new MetaStore();
  readonly registry: FunctionRegistry = builtinRegistry();
  /** Where user-defined functions came from (DESCRIBE FUNCTION). */
  readonly functionOrigins = new Map<string, FunctionOrigin>();
  readonly serviceId: string;
  private readonly client: ClientOptions;
  private readonly admin: Admin;
  private readonly commands: CommandLog;
  private readonly queries = new Map<string, PersistentQuery>();
  private readonly plog: ProcessingLog;
  private transientCounter = 0;
  private transientRunning = 0;
  private closed = false;
  /** Commands are applied one at a time, in command-topic order. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly options: SqlEngineOptions) {
    this.serviceId = options.serviceId ?? 'default_';
    this.client = { brokers: options.brokers, clientId: options.clientId ?? `brook-sql-${this.serviceId}`, ...options.security };
    this.admin = createAdmin(this.client);
    this.commands = new CommandLog(`_confluent-ksql-${this.serviceId}_command_topic`, this.client, this.admin);
    this.plog = { error: (queryId, message) => options.log?.error('sql processing error', { queryId, message }) };
  }

  get commandTopic(): string {
    return this.commands.topic;
  }

  /** Replays the command topic, then starts the persistent queries it leaves running. */
  static async start(options: SqlEngineOptions): Promise<SqlEngine> {
    const engine = new SqlEngine(options);
    if (options.extensionDir !== undefined) {
      const loaded = await loadExtensions(options.extensionDir, engine.registry, engine.functionOrigins);
      for (const [file, names] of loaded) options.log?.info('sql: user-defined functions loaded', { file, functions: names.join(', ') });
    }
    const commands = await engine.commands.load();
    for (const c of commands) {
      try {
        await engine.apply(parseStatement(c.statement), c.sequence, c.properties, true);
      } catch (e) {
        options.log?.error('sql: a command from the command topic failed on replay (skipped)', { sequence: c.sequence, statement: c.statement, error: messageOf(e) });
      }
    }
    for (const q of engine.queries.values()) await engine.startQuery(q);
    return engine;
  }

  /** Runs a script of statements (POST /ksql); SELECT and PRINT belong on the query endpoints. */
  async execute(script: string, properties: Readonly<Record<string, string>> = {}): Promise<KsqlEntity[]> {
    const out: KsqlEntity[] = [];
    const props: Record<string, string> = { ...properties };
    let texts: string[];
    try {
      texts = splitStatements(script);
    } catch (e) {
      throw new StatementError(asSqlError(e), script, out);
    }
    for (const text of texts) {
      try {
        const stmt = parseStatement(text);
        const entity = await this.executeOne(stmt, props);
        if (entity) out.push(entity);
      } catch (e) {
        throw new StatementError(asSqlError(e), text, out);
      }
    }
    return out;
  }

  private async executeOne(stmt: Statement, props: Record<string, string>): Promise<KsqlEntity | undefined> {
    const text = stmt.text;
    switch (stmt.kind) {
      case 'query':
      case 'print':
        throw new SqlError(QUERY_ENDPOINT_MESSAGE, ErrorCode.QUERY_ENDPOINT);
      case 'setProperty':
        props[stmt.name] = stmt.value;
        return undefined;
      case 'unsetProperty':
        delete props[stmt.name];
        return undefined;
      case 'listStreams':
        return sourceList(text, 'STREAM', this.metastore.allSources());
      case 'listTables':
        return sourceList(text, 'TABLE', this.metastore.allSources());
      case 'listQueries':
        return queryList(text, this.queryInfos());
      case 'listFunctions':
        return functionList(text, this.registry);
      case 'describeFunction':
        return describeFunction(text, stmt.name, this.registry, this.functionOrigins);
      case 'listTopics': {
        const names = (await topicNames(this.admin, stmt.all)).filter((n) => stmt.all || !n.startsWith('_'));
        const layouts = await topicLayouts(this.admin, names);
        return topicList(
          text,
          names.map((name) => ({ name, replicas: Array.from({ length: layouts.get(name)?.partitions ?? 0 }, () => layouts.get(name)!.replicas) })),
        );
      }
      case 'describeSource': {
        const s = this.requireSource(stmt.name);
        const infos = this.queryInfos();
        const reads = infos.filter((q) => this.queries.get(q.id)!.sources.includes(s.name));
        const writes = infos.filter((q) => q.sinks.includes(s.name));
        const layout = (await topicLayouts(this.admin, [s.topic])).get(s.topic);
        return sourceDescription(text, s, stmt.extended, reads, writes, layout?.partitions ?? 0, layout?.replicas ?? 0);
      }
      case 'insertValues': {
        const target = this.requireSource(stmt.target);
        await insertValues(this.client, this.registry, this.metastore, target, stmt);
        return undefined;
      }
      case 'createSource':
      case 'createAsSelect':
      case 'insertInto':
      case 'dropSource':
      case 'terminate':
        return this.command(stmt, props);
      default:
        throw new SqlError(`Statement not supported by Brook's SQL engine yet: ${stmt.kind}`);
    }
  }

  /** Validates, appends to the command topic, applies. */
  private command(given: Statement, props: Readonly<Record<string, string>>): Promise<KsqlEntity> {
    const run = async (): Promise<KsqlEntity> => {
      // The command topic keeps the statement with the columns inferred from the registry.
      const stmt = await injectSchemas(given, this.options.schemaRegistry);
      await this.validate(stmt);
      const sequence = await this.commands.append(commandId(stmt), stmt.text, props);
      return this.apply(stmt, sequence, props, false);
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Checks a command against the current state without changing it (so a bad one never reaches the command topic). */
  private async validate(stmt: Statement): Promise<void> {
    switch (stmt.kind) {
      case 'createSource': {
        const existing = this.metastore.source(stmt.name);
        if (existing && !stmt.orReplace && !stmt.ifNotExists) throw alreadyExists(stmt.sourceType, stmt.name, existing);
        const { source, partitions } = buildSource(stmt, this.metastore, 1, this.options.schemaRegistry);
        const count = (await partitionCounts(this.admin, [source.topic])).get(source.topic)!;
        if (count === 0 && partitions === undefined) {
          throw new SqlError(
            `Topic '${source.topic}' does not exist. If you want to create a new topic for the ${stmt.sourceType.toLowerCase()} please re-run the statement providing the required 'PARTITIONS' configuration in the WITH clause (and optionally 'REPLICAS'). For example: CREATE ${stmt.sourceType} ${stmt.name} (ID INT) WITH (KAFKA_TOPIC='${source.topic}', PARTITIONS=2, REPLICAS=1, FORMAT='JSON');`,
          );
        }
        return;
      }
      case 'createAsSelect':
      case 'insertInto':
        if (stmt.kind === 'createAsSelect' && stmt.ifNotExists && !stmt.orReplace && this.metastore.source(stmt.name)) return;
        this.planPersistent(stmt, 0);
        return;
      case 'dropSource': {
        const s = this.metastore.source(stmt.name);
        if (!s) {
          if (stmt.ifExists) return;
          throw new SqlError(`Source ${stmt.name} does not exist.`);
        }
        if (s.type !== stmt.sourceType) throw new SqlError(`Incompatible data source type is ${s.type}, but statement was DROP ${stmt.sourceType}`);
        // The query that created the source is terminated with it (as ksqlDB does since 0.13); any
        // other query reading or writing it blocks the DROP.
        const users = [...this.queries.values()].filter((q) => q.id !== s.createdByQuery && (q.sources.includes(s.name) || q.sink === s.name));
        if (users.length > 0) {
          const readers = users.filter((q) => q.sources.includes(s.name)).map((q) => q.id);
          const writers = users.filter((q) => q.sink === s.name).map((q) => q.id);
          throw new SqlError(
            `Cannot drop ${s.name}.\nThe following queries read from this source: [${readers.join(', ')}].\nThe following queries write into this source: [${writers.join(', ')}].\nYou need to terminate them before dropping ${s.name}.`,
          );
        }
        return;
      }
      case 'terminate':
        if (stmt.queryId !== undefined && !this.queries.has(stmt.queryId.toUpperCase())) throw new SqlError(`Unknown queryId: ${stmt.queryId}`);
        return;
      default:
        return;
    }
  }

  private async apply(stmt: Statement, sequence: number, props: Readonly<Record<string, string>>, replay: boolean): Promise<KsqlEntity> {
    const text = stmt.text;
    const id = commandId(stmt);
    switch (stmt.kind) {
      case 'createSource': {
        const existing = this.metastore.source(stmt.name);
        if (existing && stmt.ifNotExists) return currentStatus(text, id, sequence, `A ${stmt.sourceType.toLowerCase()} with the same name already exists`);
        if (existing && !stmt.orReplace) throw alreadyExists(stmt.sourceType, stmt.name, existing);
        const built = buildSource(stmt, this.metastore, 1, this.options.schemaRegistry);
        const { partitions, replicas } = built;
        if (existing) checkUpgrade(existing, built.source);
        const source = await registerSchemas(built.source, this.options.schemaRegistry);
        if (!replay && partitions !== undefined) await this.ensureTopic(source.topic, partitions, replicas);
        this.metastore.putSource(source);
        return currentStatus(text, id, sequence, `${stmt.sourceType === 'STREAM' ? 'Stream' : 'Table'} created`);
      }
      case 'createAsSelect':
      case 'insertInto': {
        // IF NOT EXISTS over an existing source: nothing to create, no second query.
        if (stmt.kind === 'createAsSelect' && stmt.ifNotExists && !stmt.orReplace && this.metastore.source(stmt.name)) {
          return currentStatus(text, id, sequence, `A ${stmt.sourceType.toLowerCase()} with the same name already exists`);
        }
        let plan = this.planPersistent(stmt, sequence, props);
        if (stmt.kind === 'createAsSelect') {
          // A sink in a registry format registers its schema first: its serializer writes the id.
          const registered = await registerSchemas(plan.sink, this.options.schemaRegistry);
          if (registered !== plan.sink) plan = this.planPersistent(stmt, sequence, props, registered);
        }
        if (!replay) {
          const from = plan.query.bindings[0]!.source.topic;
          const partitions = plan.partitions > 0 ? plan.partitions : ((await partitionCounts(this.admin, [from])).get(from) ?? 1);
          await this.ensureTopic(plan.sink.topic, partitions, undefined);
        }
        // CREATE OR REPLACE ... AS SELECT replaces the query in place: same id, sink, consumer
        // group and internal topics; the new topology resumes where the old one stopped.
        const replaced = this.queries.get(plan.queryId);
        if (replaced) {
          this.queries.delete(replaced.id);
          await replaced.running?.close();
        }
        if (stmt.kind === 'createAsSelect') this.metastore.putSource(plan.sink);
        const q: PersistentQuery = { id: plan.queryId, appId: plan.app.appId, statement: text, sink: plan.sink.name, sinkTopic: plan.sink.topic, sources: plan.query.sourceNames, query: plan.query, app: plan.app, planned: plan.planned, running: undefined, state: 'RUNNING' };
        this.queries.set(q.id, q);
        if (!replay) await this.startQuery(q);
        const message = `Created query with ID ${q.id}`;
        return currentStatus(text, id, sequence, message, q.id);
      }
      case 'dropSource': {
        const s = this.metastore.source(stmt.name);
        if (!s) return currentStatus(text, id, sequence, `Source ${stmt.name} does not exist.`);
        if (s.createdByQuery !== undefined) await this.terminateQuery(s.createdByQuery, replay);
        this.metastore.deleteSource(s.name);
        if (stmt.deleteTopic && !replay) {
          try {
            await this.admin.deleteTopics({ topics: [s.topic] });
          } catch (e) {
            this.options.log?.error('sql: DELETE TOPIC failed', { topic: s.topic, error: messageOf(e) });
          }
        }
        return currentStatus(text, id, sequence, `Source \`${s.name}\` (topic: ${s.topic}) was dropped.`);
      }
      case 'terminate': {
        const ids = stmt.queryId === undefined ? [...this.queries.keys()] : [stmt.queryId.toUpperCase()];
        for (const qid of ids) await this.terminateQuery(qid, replay);
        return currentStatus(text, id, sequence, 'Query terminated.');
      }
      default:
        throw new SqlError(`not a command: ${stmt.kind}`);
    }
  }

  /** Stops a persistent query and, unless replaying, deletes its internal topics, group and state. */
  private async terminateQuery(qid: string, replay: boolean): Promise<void> {
    const q = this.queries.get(qid);
    if (!q) return;
    this.queries.delete(qid);
    const sink = this.metastore.source(q.sink);
    if (sink?.createdByQuery === qid) this.metastore.putSource({ ...sink, createdByQuery: undefined });
    try {
      await q.running?.close();
    } catch (e) {
      this.options.log?.error('sql: closing a terminated query failed', { queryId: qid, error: messageOf(e) });
    }
    if (!replay) await cleanupQuery(this.admin, q.appId, this.options.stateDir, this.options.log);
  }

  private planPersistent(
    stmt: Extract<Statement, { kind: 'createAsSelect' | 'insertInto' }>,
    sequence: number,
    props: Readonly<Record<string, string>> = {},
    registeredSink?: DataSource,
  ): { queryId: string; sink: DataSource; app: App; query: AnalyzedQuery; planned: PlannedQuery; partitions: number } {
    const existing = this.metastore.source(stmt.kind === 'createAsSelect' ? stmt.name : stmt.target);
    if (stmt.kind === 'createAsSelect' && existing && !stmt.orReplace && !stmt.ifNotExists) throw alreadyExists(stmt.sourceType, stmt.name, existing);
    if (stmt.kind === 'insertInto') {
      if (!existing) throw new SqlError(`Sink does not exist: ${stmt.target}`);
      if (existing.type !== 'STREAM') throw new SqlError(`INSERT INTO can only be used to insert into a stream. ${existing.name} is a table.`);
    }
    const sinkName = stmt.kind === 'createAsSelect' ? stmt.name : stmt.target;
    const q = analyzeQuery(stmt.query, { mode: 'persistent', metastore: this.metastore, registry: this.registry, sinkName });
    const first = q.bindings[0]!.source;
    if (stmt.kind === 'createAsSelect' && q.resultType !== stmt.sourceType) {
      throw new SqlError(
        q.resultType === 'TABLE'
          ? 'Invalid result type. Your SELECT query produces a TABLE. Please use CREATE TABLE AS SELECT statement instead.'
          : 'Invalid result type. Your SELECT query produces a STREAM. Please use CREATE STREAM AS SELECT statement instead.',
      );
    }
    let sink: DataSource;
    let partitions = 1;
    if (stmt.kind === 'createAsSelect') {
      const p = new PropertyReader(stmt.properties);
      const formats = formatsOf(p, { key: first.keyFormat, value: first.valueFormat }, this.options.schemaRegistry);
      const prefix = stmt.sourceType === 'STREAM' ? 'CSAS' : 'CTAS';
      // OR REPLACE of a source a running query writes keeps that query's id (an in-place upgrade).
      const running = stmt.orReplace && existing?.createdByQuery !== undefined && this.queries.has(existing.createdByQuery) ? existing.createdByQuery : undefined;
      const queryId = running ?? `${prefix}_${sinkName}_${sequence}`;
      sink = {
        name: sinkName,
        type: stmt.sourceType,
        columns: [...q.keyColumns, ...q.valueColumns],
        topic: p.string('KAFKA_TOPIC') ?? sinkName,
        keyFormat: formats.key,
        valueFormat: formats.value,
        timestamp: undefined,
        window: q.resultWindow,
        isSource: false,
        sqlExpression: stmt.text,
        createdByQuery: queryId,
      };
      partitions = p.int('PARTITIONS') ?? 0;
      if (registeredSink) sink = registeredSink;
      if (existing) checkUpgrade(existing, sink);
      if (running) checkQueryUpgrade(this.queries.get(running)!.query, q);
    } else {
      sink = existing!;
      const want = [...q.keyColumns, ...q.valueColumns].map((c) => `${c.name}:${c.kind}:${JSON.stringify(c.type)}`).join(',');
      const have = sink.columns.filter((c) => c.kind !== 'HEADERS').map((c) => `${c.name}:${c.kind}:${JSON.stringify(c.type)}`).join(',');
      if (want !== have) throw new SqlError(`Incompatible schema between results and sink.\nResult schema is ${[...q.keyColumns, ...q.valueColumns].map((c) => c.name).join(', ')}\nSink schema is ${sink.columns.map((c) => c.name).join(', ')}`);
    }
    const queryId = stmt.kind === 'createAsSelect' ? sink.createdByQuery! : `INSERTQUERY_${sequence}`;
    const app = new App({
      appId: `_confluent-ksql-${this.serviceId}query_${queryId}`,
      brokers: this.options.brokers,
      ...this.options.security,
      ...(this.options.stateDir !== undefined ? { stateDir: this.options.stateDir } : {}),
      ...(this.options.commitIntervalMs !== undefined ? { commitIntervalMs: this.options.commitIntervalMs } : {}),
      onDeserializationError: 'skip',
      // ksqlDB's processing.guarantee (set per statement, kept with the command, so a replay keeps it).
      ...(/^exactly_once/.test(props['processing.guarantee'] ?? props['ksql.streams.processing.guarantee'] ?? '') ? { guarantee: 'exactly-once' as const } : {}),
      clientId: `${this.client.clientId}-${queryId}`,
      onError: (e) => {
        const running = this.queries.get(queryId);
        if (running) running.state = 'ERROR';
        this.options.log?.error('sql: persistent query failed', { queryId, error: e.message });
      },
    });
    const planned = planQuery(app, q, { queryId, log: this.plog }, { kind: 'topic', topic: sink.topic, keyFormat: sink.keyFormat, valueFormat: sink.valueFormat }, '');
    return { queryId, sink, app, query: q, planned, partitions };
  }

  private async ensureTopic(topic: string, partitions: number, replicas: number | undefined): Promise<void> {
    const have = (await partitionCounts(this.admin, [topic])).get(topic)!;
    if (have > 0) return;
    try {
      await this.admin.createTopics({ topics: [topic], partitions: partitions > 0 ? partitions : 1, replicas: replicas ?? -1 });
    } catch (e) {
      if ((await partitionCounts(this.admin, [topic])).get(topic)! === 0) throw new SqlError(`Could not create topic ${topic}: ${messageOf(e)}`, ErrorCode.SERVER_ERROR);
    }
  }

  private async startQuery(q: PersistentQuery): Promise<void> {
    try {
      q.running = await q.app.start();
      q.state = 'RUNNING';
    } catch (e) {
      q.state = 'ERROR';
      this.options.log?.error('sql: persistent query did not start', { queryId: q.id, error: messageOf(e) });
    }
  }

  /** How many SELECTs (push or pull) are running now. */
  get transientQueries(): number {
    return this.transientRunning;
  }

  /** A SELECT for /query-stream, /query and /ws/query: a push query (EMIT CHANGES) or a pull query. */
  async query(text: string, properties: Readonly<Record<string, unknown>>, sink: RowSink, signal: AbortSignal): Promise<void> {
    this.transientRunning++;
    try {
      await this.runSelect(text, properties, sink, signal);
    } finally {
      this.transientRunning--;
    }
  }

  private async runSelect(text: string, properties: Readonly<Record<string, unknown>>, sink: RowSink, signal: AbortSignal): Promise<void> {
    const stmt = parseStatement(text);
    if (stmt.kind !== 'query') throw new SqlError(`Not a SELECT statement: ${text.trim()}`);
    const push = stmt.query.emit !== undefined;
    const query = analyzeQuery(stmt.query, { mode: push ? 'push' : 'pull', metastore: this.metastore, registry: this.registry });
    if (!push && query.aggregates.length > 0) throw new SqlError('Pull queries don\'t support GROUP BY clauses. See https://cnfl.io/queries for more info.\nAdd EMIT CHANGES if you intended to issue a push query.');
    const reset = String(properties['auto.offset.reset'] ?? properties['ksql.streams.auto.offset.reset'] ?? 'latest');
    const queryId = `transient_${query.bindings[0]!.source.name}_${Date.now()}${++this.transientCounter}`;
    const input = { queryId, query, client: this.client, admin: this.admin, log: this.plog, signal, fromEarliest: reset === 'earliest' };
    if (push) return runPushQuery(input, sink);
    // A pull query on a table an aggregation materializes reads that query's state store; other
    // sources are scanned from their topic, which ksqlDB refuses unless table scans are enabled.
    const source = query.bindings[0]!.source;
    const scanEnabled = String(properties['ksql.query.pull.table.scan.enabled'] ?? 'true').toLowerCase() !== 'false';
    const owner = source.createdByQuery !== undefined ? this.queries.get(source.createdByQuery) : undefined;
    const materialization = owner?.planned.materialization;
    if (source.type === 'TABLE' && query.joins.length === 0 && owner?.running && materialization && materialization.window?.type !== 'SESSION') {
      const pull = { queryId, query, running: owner.running, materialization, columns: owner.planned.columns, scanEnabled, ctx: { queryId, log: this.plog } };
      return runStorePull(pull, sink);
    }
    if (!scanEnabled) {
      const name = source.name;
      if (source.type === 'TABLE') {
        throw new SqlError(`The \`${name}\` table isn't queryable. To derive a queryable table, you can do 'CREATE TABLE QUERYABLE_${name} AS SELECT * FROM ${name}'. See https://cnfl.io/queries for more info.\nAdd EMIT CHANGES if you intended to issue a push query.`);
      }
      throw new SqlError(TABLE_SCAN_DISABLED);
    }
    await runPullQuery(input, sink);
  }

  queryInfos(): QueryInfo[] {
    return [...this.queries.values()].map((q) => ({ id: q.id, statement: q.statement, sinks: [q.sink], sinkTopics: [q.sinkTopic], state: q.state }));
  }

  private requireSource(name: string): DataSource {
    const s = this.metastore.source(name);
    if (!s) throw new SqlError(`Could not find STREAM/TABLE '${name}' in the Metastore`);
    return s;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.catch(() => undefined);
    for (const q of this.queries.values()) {
      try {
        await q.running?.close();
      } catch {
        // A failed query has nothing left to close.
      }
    }
    await this.commands.close();
    await new Promise<void>((resolve) => this.admin.close(() => resolve()));
  }
}

function alreadyExists(type: 'STREAM' | 'TABLE', name: string, existing: DataSource): SqlError {
  const t = type === 'STREAM' ? 'stream' : 'table';
  return new SqlError(`Cannot add ${t} '${name}': A ${existing.type === 'STREAM' ? 'stream' : 'table'} with the same name already exists`);
}

function commandId(stmt: Statement): string {
  switch (stmt.kind) {
    case 'createSource':
    case 'createAsSelect':
      return `${stmt.sourceType.toLowerCase()}/\`${stmt.name}\`/create`;
    case 'dropSource':
      return `${stmt.sourceType.toLowerCase()}/\`${stmt.name}\`/drop`;
    case 'insertInto':
      return `stream/\`${stmt.target}\`/create`;
    case 'terminate':
      return `terminate/${stmt.queryId ?? 'ALL'}/execute`;
    default:
      return `statement/${stmt.kind}/execute`;
  }
}

function asSqlError(e: unknown): SqlError {
  if (e instanceof SqlError) return e;
  return new SqlError(messageOf(e), ErrorCode.SERVER_ERROR, { cause: e });
}
