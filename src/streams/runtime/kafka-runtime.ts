// App.start(): the composition root of the Kafka runtime. It wires the parts and owns their
// lifecycle; the logic lives in the modules it composes:
//   topic-plan / topic-admin   partition counts, co-partitioning checks, internal topic creation
//   task-assignor              whole tasks per group member (the group leader runs it)
//   task-manager               tasks from assignments, restore, the commit barrier
//   stream-thread              the fetch/process/punctuate/commit loop
//   kafka-collector            outputs and changelog writes through one producer (acks=all)
//   changelog-reader           restore through a consumer that never joins the group
//
// Several instances with the same appId share the work: one consumer group named after the app,
// one member per instance. Instances should run the same topology.

import { BatchProducer, createAdmin, createConsumer, createProducer, FENCED_COMMIT_CODES, FETCH_MAX_BYTES, FETCH_PARTITION_MAX_BYTES, GroupOffsets, OffsetCommitError, resolveBrokers, TransactionalProducer } from '../../client/index.js';
import type { Admin, Consumer, ConsumerOptions, Producer } from '../../client/index.js';
import { StreamsError } from '../errors.js';
import type { StateStore } from '../stores/store.js';
import { KafkaChangelogReader } from './changelog-reader.js';
import { KafkaRecordCollector } from './kafka-collector.js';
import { toStreamsError } from './runtime-errors.js';
import { StreamThread } from './stream-thread.js';
import { taskAssignor } from './task-assignor.js';
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
  const client = { brokers, clientId, ...(options.retries !== undefined ? { retries: options.retries } : {}) };
  const closers: Array<() => Promise<void>> = [];
  const closeClients = async () => {
    for (const c of closers.splice(0).reverse()) await c().catch(() => {});
  };
  try {
    const admin: Admin = createAdmin(client);
    closers.push(() => admin.close());
    const dlq = typeof options.onDeserializationError === 'object' ? [options.onDeserializationError.deadLetterTopic] : [];
    const outputs = [...outputTopics(topology), ...dlq];
    const known = [...topology.sourceTopics(), ...topology.internalTopics.keys(), ...outputs];
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

    const sessionTimeout = options.sessionTimeoutMs ?? 10_000;
    const heartbeatInterval = options.heartbeatIntervalMs ?? Math.max(100, Math.floor(sessionTimeout / 3));
    // Omit<> over the library's union of group-protocol options loses the classic-protocol
    // fields, hence the annotation.
    const groupOptions: ConsumerOptions<Buffer, Buffer, Buffer, Buffer> = {
      clientId,
      bootstrapBrokers: brokers,
      groupId: app.appId,
      autocommit: false,
      sessionTimeout,
      heartbeatInterval,
      rebalanceTimeout: Math.max(sessionTimeout, 30_000),
      partitionAssigner: taskAssignor(topology),
    };
    const consumer: Consumer = createConsumer(client, groupOptions);
    closers.push(() => consumer.close()); // leaves the group, so the others take over at once
    // exactly-once reads committed offsets as a read_committed consumer does (requireStable, KIP-447).
    const offsets = new GroupOffsets(consumer, { requireStable: transactional !== undefined });
    closers.push(() => offsets.close());
    const eos = transactional
      ? {
          producer: transactional,
          membership: () => ({ groupId: consumer.groupId, generationId: consumer.generationId, memberId: consumer.memberId ?? '', groupInstanceId: consumer.groupInstanceId ?? null }),
        }
      : undefined;
    const tasks = new TaskManager(
      topology,
      collector,
      reader,
      offsets,
      { stateDir: options.stateDir, onDeserializationError: options.onDeserializationError },
      eos,
    );
    const thread = new StreamThread(consumer, tasks, collector, {
      commitIntervalMs: options.commitIntervalMs ?? (exactlyOnce ? DEFAULT_EOS_COMMIT_INTERVAL_MS : DEFAULT_COMMIT_INTERVAL_MS),
      // Exactly-once reads inputs (and repartition topics) read_committed: never an aborted write.
      fetch: { maxWaitMs: exactlyOnce ? 100 : 250, maxBytes: FETCH_MAX_BYTES, maxBytesPerPartition: FETCH_PARTITION_MAX_BYTES, isolationLevel: exactlyOnce ? 1 : 0 },
      isFenced: (e) => e instanceof OffsetCommitError && FENCED_COMMIT_CODES.has(e.errorCode),
      now: () => Date.now(),
    });
    consumer.topics.trackAll(...topology.sourceTopics());
    await consumer.joinGroup({ sessionTimeout, heartbeatInterval, rebalanceTimeout: Math.max(sessionTimeout, 30_000) });

    let failure: StreamsError | undefined;
    let closing: Promise<void> | undefined;
    const running = thread.run().catch(async (e: unknown) => {
      failure = toStreamsError(e, brokers, 'processing');
      await tasks.abortDirty().catch(() => {});
      await closeClients();
      options.onError?.(failure);
    });
    const done = running.then(() => {
      if (failure) throw failure;
    });
    done.catch(() => {}); // observed through `done` by whoever cares; never an unhandled rejection
    const ready = Promise.race([thread.assigned, done]);
    ready.catch(() => {});

    return {
      appId: app.appId,
      ready,
      done,
      metrics: () => tasks.metrics(),
      tasks: () => [...tasks.tasks.keys()],
      store: <S extends StateStore>(name: string, partition: number): S | undefined => {
        for (const t of tasks.tasks.values()) if (t.partition === partition && t.storeNames().includes(name)) return t.store(name) as S;
        return undefined;
      },
      commit: async () => {
        if (failure) throw failure;
        if (closing) throw new StreamsError('APP_CLOSED', `app '${app.appId}' is closed`);
        await thread.commitNow();
      },
      close: () =>
        (closing ??= (async () => {
          thread.stop();
          await running;
          if (failure) throw failure;
          try {
            await thread.commit();
          } finally {
            await tasks.abortDirty(); // after a successful final commit there is no transaction left to abort
            await tasks.closeAll();
            await closeClients();
          }
        })()),
    };
  } catch (e) {
    await closeClients();
    throw toStreamsError(e, brokers, `starting app '${app.appId}'`);
  }
}
