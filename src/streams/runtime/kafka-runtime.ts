// App.start(): the composition root of the Kafka runtime. It wires the parts and owns their
// lifecycle; the logic lives in the modules it composes:
//   topic-plan / topic-admin   partition counts, co-partitioning checks, internal topic creation
//   classic-group-member       (src/client) the consumer-group membership, with Brook's userData
//   group-assignment           the leader's assignment (ha-assignor: actives, standbys, warm-ups)
//   task-manager               active and standby tasks from assignments, restore, the commit barrier
//   stream-thread              the fetch/process/punctuate/commit loop (and standby updates)
//   global-thread              global tables: bootstrap, then follow their topics
//   instance-lifecycle         rebalances, the uncaught-exception handler, shutdown
//   interactive-queries        queries of any instance's stores (query-server: their HTTP side)
//   kafka-collector            outputs and changelog writes through one producer (acks=all)
//   changelog-reader           restore through a consumer that never joins the group
//
// Several instances with the same appId share the work: one consumer group named after the app,
// one member per instance. Instances should run the same topology.

import { randomUUID } from 'node:crypto';
import {
  BatchProducer,
  ClassicGroupMember,
  createAdmin,
  createConsumer,
  createProducer,
  FENCED_COMMIT_CODES,
  FETCH_MAX_BYTES,
  FETCH_PARTITION_MAX_BYTES,
  GroupOffsets,
  OffsetCommitError,
  resolveBrokers,
  TransactionalProducer,
} from '../../client/index.js';
import type { Admin, Consumer, Producer } from '../../client/index.js';
import { StreamsError } from '../errors.js';
import { GlobalStores } from '../engine/global-stores.js';
import type { StateStore } from '../stores/store.js';
import { KafkaChangelogReader } from './changelog-reader.js';
import { GlobalThread } from './global-thread.js';
import { InstanceLifecycle } from './instance-lifecycle.js';
import { InteractiveQueries } from './interactive-queries.js';
import { KafkaRecordCollector } from './kafka-collector.js';
import { QueryServer, queryRemote } from './query-server.js';
import { toStreamsError } from './runtime-errors.js';
import { StandbyUpdater } from './standby-updater.js';
import { StreamThread } from './stream-thread.js';
import { TaskManager } from './task-manager.js';
import { createInternalTopics, ensureOutputTopics, outputTopics, partitionCounts } from './topic-admin.js';
import { planTopics } from './topic-plan.js';

import type { RunnableApp, RunningApp } from './running-app.js';
export type { RunningApp };

/** Kafka Streams' at-least-once default is 30 s; 1 s bounds what a failure makes an instance redo, at one small commit per second. */
export const DEFAULT_COMMIT_INTERVAL_MS = 1_000;
/** Kafka Streams' exactly-once default: outputs become visible to read_committed readers only at a commit, so commit often. */
export const DEFAULT_EOS_COMMIT_INTERVAL_MS = 100;

export async function startApp(app: RunnableApp): Promise<RunningApp> {
  const options = app.options;
  const topology = app.topology();
  const brokers = options.brokers && options.brokers.length > 0 ? options.brokers : resolveBrokers(undefined);
  const clientId = options.clientId ?? `${app.appId}-${process.pid}`;
  const client = { brokers, clientId, ...(options.retries !== undefined ? { retries: options.retries } : {}), ...(options.sasl ? { sasl: options.sasl } : {}), ...(options.tls ? { tls: options.tls } : {}) };
  const closers: Array<() => Promise<void>> = [];
  const closeClients = async () => {
    for (const c of closers.splice(0).reverse()) await c().catch(() => {});
  };
  try {
    const admin: Admin = createAdmin(client);
    closers.push(() => admin.close());
    const dlq = typeof options.onDeserializationError === 'object' ? [options.onDeserializationError.deadLetterTopic] : [];
    const outputs = [...outputTopics(topology), ...dlq];
    const globalTopics = [...new Set([...topology.globalTables.values()].map((g) => g.topic))];
    const known = [...topology.sourceTopics(), ...topology.internalTopics.keys(), ...outputs, ...globalTopics];
    const existing = await partitionCounts(admin, known);
    const plan = planTopics(topology, existing);
    const createdOutputs = await ensureOutputTopics(admin, app.appId, outputs, existing, options.createOutputTopics);
    await createInternalTopics(admin, topology, plan.internal, existing);
    const counts = new Map([...existing, ...createdOutputs, ...plan.internal]);

    const exactlyOnce = options.guarantee === 'exactly-once';
    const producer: Producer = createProducer(client, {});
    closers.push(() => producer.close());
    // Exactly-once: one transactional producer per instance (EOS v2, KIP-447). Its id is stable for
    // a stable clientId, so a restarted instance fences its previous incarnation at once (and the
    // coordinator aborts that incarnation's open transaction) instead of waiting for its timeout.
    const transactional = exactlyOnce
      ? new TransactionalProducer(producer, {
          transactionalId: clientId.startsWith(app.appId) ? clientId : `${app.appId}-${clientId}`,
          ...(options.transactionTimeoutMs !== undefined ? { transactionTimeoutMs: options.transactionTimeoutMs } : {}),
        })
      : undefined;
    if (transactional) await transactional.init();
    const sender = transactional ? { produce: (parts: Parameters<TransactionalProducer['send']>[0]) => transactional.send(parts) } : new BatchProducer(producer);
    const collector = new KafkaRecordCollector(sender, (topic) => {
      const n = counts.get(topic);
      if (n === undefined) throw new StreamsError('TOPIC_NOT_FOUND', `app '${app.appId}' writes to '${topic}', which did not exist when it started`);
      return n;
    });
    const restoreConsumer: Consumer = createConsumer(client, { groupId: `${app.appId}-restore`, autocommit: false });
    closers.push(() => restoreConsumer.close());
    const reader = new KafkaChangelogReader(restoreConsumer, { readCommitted: exactlyOnce });

    // Global tables are loaded completely before any task processes a record.
    const globals = new GlobalStores(topology);
    const globalConsumer: Consumer = createConsumer(client, { groupId: `${app.appId}-global`, autocommit: false });
    closers.push(() => globalConsumer.close());
    const globalThread = new GlobalThread(globalConsumer, globals, exactlyOnce);
    await globalThread.bootstrap(reader, options.stateDir);
    closers.push(() => globals.close());

    // Fetches, metadata and offsets go through this consumer; the group membership is the member's.
    const consumer: Consumer = createConsumer(client, { groupId: app.appId, autocommit: false });
    closers.push(() => consumer.close());
    // exactly-once reads committed offsets as a read_committed consumer does (requireStable, KIP-447).
    const offsets = new GroupOffsets(consumer, { requireStable: transactional !== undefined });
    closers.push(() => offsets.close());
    const eos = transactional
      ? {
          producer: transactional,
          membership: () => ({ groupId: consumer.groupId, generationId: consumer.generationId, memberId: consumer.memberId ?? '', groupInstanceId: null }),
        }
      : undefined;
    const commitIntervalMs = options.commitIntervalMs ?? (exactlyOnce ? DEFAULT_EOS_COMMIT_INTERVAL_MS : DEFAULT_COMMIT_INTERVAL_MS);
    const taskOptions = { stateDir: options.stateDir, onDeserializationError: options.onDeserializationError, globalStores: globals.stores };
    const tasks = new TaskManager(topology, collector, reader, offsets, taskOptions, eos);
    closers.push(() => tasks.closeStandbys());
    const standbys = new StandbyUpdater(consumer, offsets, { readCommitted: exactlyOnce, refreshIntervalMs: Math.max(200, commitIntervalMs) });
    const newThread = () =>
      new StreamThread(
        consumer,
        tasks,
        collector,
        {
          commitIntervalMs,
          // Exactly-once reads inputs (and repartition topics) read_committed: never an aborted write.
          fetch: { maxWaitMs: exactlyOnce ? 100 : 250, maxBytes: FETCH_MAX_BYTES, maxBytesPerPartition: FETCH_PARTITION_MAX_BYTES, isolationLevel: exactlyOnce ? 1 : 0 },
          isFenced: (e) => e instanceof OffsetCommitError && FENCED_COMMIT_CODES.has(e.errorCode),
          now: () => Date.now(),
        },
        standbys,
      );

    // Interactive queries: the HTTP endpoint is up before joining, so the group learns its address.
    const wired: { queries?: InteractiveQueries } = {};
    const server = options.applicationServer ? await QueryServer.listen(options.applicationServer, () => wired.queries) : undefined;
    if (server) closers.push(() => server.close());
    const queries = (wired.queries = new InteractiveQueries(topology, tasks, globals, (sub) => plan.tasksPerSubtopology.get(sub) ?? 0, server?.endpoint, queryRemote));

    const sessionTimeoutMs = options.sessionTimeoutMs ?? 10_000;
    const lifecycle: InstanceLifecycle = new InstanceLifecycle({
      appId: app.appId,
      topology,
      consumer,
      tasks,
      collector,
      queries,
      newThread,
      processId: randomUUID(),
      endpoint: server?.endpoint,
      options: {
        numStandbyReplicas: options.numStandbyReplicas ?? 0,
        maxWarmupReplicas: options.maxWarmupReplicas ?? 2,
        acceptableRecoveryLag: options.acceptableRecoveryLag ?? 10_000,
        probingRebalanceIntervalMs: options.probingRebalanceIntervalMs ?? 600_000,
        now: () => Date.now(),
      },
      onUncaughtException: options.onUncaughtException,
      toError: (e, doing) => toStreamsError(e, brokers, doing),
      closeClients,
      onError: options.onError,
    });
    const member = new ClassicGroupMember(
      consumer,
      {
        groupId: app.appId,
        clientId,
        sessionTimeoutMs,
        rebalanceTimeoutMs: Math.max(sessionTimeoutMs, 30_000),
        heartbeatIntervalMs: options.heartbeatIntervalMs ?? Math.max(100, Math.floor(sessionTimeoutMs / 3)),
        protocolName: 'stream',
      },
      lifecycle.hooks(),
    );
    lifecycle.attach(member);
    globalThread.start((e) => lifecycle.fail(toStreamsError(e, brokers, 'updating global tables')));
    closers.unshift(() => globalThread.stop());
    lifecycle.start();

    return {
      appId: app.appId,
      endpoint: server?.endpoint,
      ready: lifecycle.ready,
      done: lifecycle.done,
      metrics: () => tasks.metrics(),
      tasks: () => [...tasks.tasks.keys()],
      standbys: () => Object.fromEntries(Object.entries(tasks.standbyLags()).map(([id, lag]) => [id, { lag }])),
      replacedThreads: () => lifecycle.replacements,
      store: <S extends StateStore>(name: string, partition: number): S | undefined => {
        const global = globals.stores.get(name);
        if (global) return global as S;
        for (const t of tasks.tasks.values()) if (t.partition === partition && t.storeNames().includes(name)) return t.store(name) as S;
        return undefined;
      },
      query: (store, key, o) => queries.get(store, key, o),
      queryRange: (store, range = {}) => queries.range(store, range.from, range.to, range),
      queryWindows: (store, key, fromTime, toTime, o) => queries.windows(store, key, fromTime, toTime, o),
      queryWindowRange: (store, fromTime, toTime, o) => queries.windowRange(store, fromTime, toTime, o),
      hostsForKey: (store, key) => queries.hostsForKey(store, key),
      allHosts: () => queries.allHosts(),
      commit: () => lifecycle.commit(),
      close: () => lifecycle.close(),
    };
  } catch (e) {
    await closeClients();
    throw toStreamsError(e, brokers, `starting app '${app.appId}'`);
  }
}
