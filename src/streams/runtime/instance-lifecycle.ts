// The life of one app instance after it started: its group membership (what it joins with, what
// the leader assigns, rebalances), its stream thread and what happens when that fails (the
// uncaught-exception handler), and shutdown, whether asked for (close), forced (a failure), or
// requested by another instance (SHUTDOWN_APPLICATION through the group).
//
//   member hook         what the instance does
//   subscription()      topics + Brook userData: process id, endpoint, what it holds of each task
//   assign()            (leader) runtime/group-assignment.ts
//   beforeRejoin()      the thread commits and pauses (eager rebalance)
//   onAssigned()        error 2: shut down; else the thread applies the tasks, queries learn every
//                       instance's tasks, and the leader schedules the probing rebalance if any
//   onLost()            the thread drops its actives (they may be running elsewhere already)
//
// Thread failure -> onUncaughtException(error) (Kafka Streams' KIP-671 choices):
//   REPLACE_THREAD        abort and close the tasks, start a fresh thread, rejoin (tasks restore)
//   SHUTDOWN_CLIENT       this instance stops; the others take its tasks over (the default)
//   SHUTDOWN_APPLICATION  abort and close the tasks, rejoin with error code 2 in the userData;
//                         the leader answers every member with error 2 and all of them stop
//                         (without LeaveGroup, so no member is handed the tasks meanwhile). If
//                         no answer comes within the rebalance timeout, this instance stops alone.

import type { ClassicGroupMember, Consumer, GroupMemberHooks } from '../../client/index.js';
import { StreamsError } from '../errors.js';
import type { Topology } from '../engine/topology.js';
import type { StreamThreadExceptionResponse } from '../dsl/app-options.js';
import { SHUTDOWN_REQUESTED, decodeAssignmentInfo, encodeSubscriptionInfo } from './assignment-info.js';
import { computeGroupAssignment, type GroupAssignmentOptions } from './group-assignment.js';
import type { InteractiveQueries } from './interactive-queries.js';
import type { KafkaRecordCollector } from './kafka-collector.js';
import type { StreamThread } from './stream-thread.js';
import type { TaskManager } from './task-manager.js';

export interface LifecycleParts {
  readonly appId: string;
  readonly topology: Topology;
  readonly consumer: Consumer;
  readonly tasks: TaskManager;
  readonly collector: KafkaRecordCollector;
  readonly queries: InteractiveQueries;
  readonly newThread: () => StreamThread;
  readonly processId: string;
  readonly endpoint: string | undefined;
  readonly options: GroupAssignmentOptions;
  readonly onUncaughtException: ((error: StreamsError) => StreamThreadExceptionResponse) | undefined;
  readonly toError: (e: unknown, doing: string) => StreamsError;
  readonly closeClients: () => Promise<void>;
  readonly onError: ((error: StreamsError) => void) | undefined;
}

const SHUTDOWN_FALLBACK_MS = 30_000;

export class InstanceLifecycle {
  replacements = 0;
  readonly ready: Promise<void>;
  readonly done: Promise<void>;
  private member!: ClassicGroupMember;
  private thread: StreamThread;
  private running: Promise<void> | undefined;
  private failure: StreamsError | undefined;
  private finished = false;
  private closing: Promise<void> | undefined;
  private seq = 0;
  /** Set when this instance asked the group to shut the application down. */
  private shutdownRequest: StreamsError | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private fallbackTimer: NodeJS.Timeout | undefined;
  private settle!: (error: StreamsError | undefined) => void;

  constructor(private readonly p: LifecycleParts) {
    this.thread = p.newThread();
    this.done = new Promise<void>((resolve, reject) => {
      this.settle = (error) => (error ? reject(error) : resolve());
    });
    this.done.catch(() => {}); // observed through `done` by whoever cares; never an unhandled rejection
    this.ready = Promise.race([this.thread.assigned, this.done]);
    this.ready.catch(() => {});
  }

  attach(member: ClassicGroupMember): void {
    this.member = member;
  }

  start(): void {
    this.runThread();
    this.member.start();
  }

  hooks(): GroupMemberHooks {
    const p = this.p;
    return {
      subscription: () => ({
        topics: p.topology.sourceTopics(),
        userData: encodeSubscriptionInfo({
          process: p.processId,
          endpoint: p.endpoint ?? null,
          tasks: p.tasks.taskOffsetSums(),
          error: this.shutdownRequest ? SHUTDOWN_REQUESTED : 0,
          seq: ++this.seq,
        }),
      }),
      assign: (members) => computeGroupAssignment(p.consumer, p.topology, members, p.options),
      beforeRejoin: () => this.thread.prepareRebalance(),
      onAssigned: (assignment, generation) => {
        // The consumer's membership fields are what offset commits and transactions are fenced with (KIP-447).
        p.consumer.memberId = generation.memberId;
        p.consumer.generationId = generation.generationId;
        const info = decodeAssignmentInfo(assignment.userData);
        if (info?.error === SHUTDOWN_REQUESTED) {
          void this.shutDownByGroup();
          return;
        }
        p.queries.setHosts(info?.hosts ?? new Map());
        this.thread.assign(info?.active ?? [], info?.standby ?? []);
        clearTimeout(this.probeTimer);
        if (generation.leader && info && info.probeAt > 0) {
          // KIP-441: once warm-ups had time to catch up, rebalance so tasks can move to them.
          this.probeTimer = setTimeout(() => this.member.rejoin(), Math.max(0, info.probeAt - Date.now()));
          this.probeTimer.unref();
        }
      },
      onLost: () => {
        p.consumer.memberId = null;
        this.thread.lost();
      },
      onFatal: (e) => this.fail(p.toError(e, 'keeping the consumer group membership')),
    };
  }

  /** Stop this instance with an error (once): tasks closed uncommitted, the group left. */
  fail(error: StreamsError): void {
    if (this.failure || this.finished) return;
    this.failure = error;
    void this.shutdown(error, false);
  }

  async commit(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.closing || this.finished) throw new StreamsError('APP_CLOSED', `app '${this.p.appId}' is closed`);
    await this.thread.commitNow();
  }

  /** Graceful shutdown: stop fetching, commit, close tasks and leave the group. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.finished) {
        if (this.failure) throw this.failure;
        return;
      }
      this.thread.stop();
      await this.running;
      if (this.failure) throw this.failure;
      await this.shutdown(undefined, true);
    })();
    return this.closing;
  }

  private runThread(): void {
    const thread = this.thread;
    this.running = thread.run().catch((e: unknown) => this.onThreadFailure(thread, e));
  }

  private async onThreadFailure(thread: StreamThread, e: unknown): Promise<void> {
    if (thread !== this.thread || this.finished) return;
    const error = this.p.toError(e, 'processing');
    let choice: StreamThreadExceptionResponse = 'SHUTDOWN_CLIENT';
    try {
      choice = this.p.onUncaughtException?.(error) ?? 'SHUTDOWN_CLIENT';
    } catch {
      // A handler that throws chooses the default.
    }
    if (choice === 'SHUTDOWN_CLIENT' || this.closing) return this.fail(error);
    await this.p.tasks.abortDirty().catch(() => {});
    await this.p.collector.reset();
    if (choice === 'REPLACE_THREAD') {
      this.replacements++;
      this.thread = this.p.newThread();
      this.runThread();
      this.member.rejoin(); // the tasks come back (here or elsewhere) and restore
      return;
    }
    this.shutdownRequest = error;
    this.member.rejoin();
    this.fallbackTimer = setTimeout(() => this.fail(error), SHUTDOWN_FALLBACK_MS);
    this.fallbackTimer.unref();
  }

  /** Another instance (or this one) asked the application to shut down: stop, cleanly. */
  private async shutDownByGroup(): Promise<void> {
    if (this.finished || this.closing) return;
    const error =
      this.shutdownRequest ??
      new StreamsError('APPLICATION_SHUTDOWN', `an instance of app '${this.p.appId}' failed and asked every instance to shut down (SHUTDOWN_APPLICATION)`);
    this.failure = error;
    this.thread.stop();
    await this.running;
    // The thread committed and paused before this rebalance, so there is nothing uncommitted to lose.
    // No LeaveGroup: a leave would start another rebalance before every member has synced this
    // generation, and a member that then rejoins (its own subscription carries no request) would
    // be handed the failed tasks and go on. Kafka Streams' members never leave on close either
    // (internal.leave.group.on.close=false); the group drops them at their session timeouts.
    await this.shutdown(error, false, false);
  }

  private async shutdown(error: StreamsError | undefined, commitFirst: boolean, leaveGroup = true): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.probeTimer);
    clearTimeout(this.fallbackTimer);
    this.thread.stop();
    await this.running;
    try {
      if (commitFirst) await this.thread.commit();
    } finally {
      await this.p.tasks.abortDirty().catch(() => {}); // after a successful final commit there is no transaction left to abort
      await this.p.tasks.closeAll().catch(() => {});
      if (leaveGroup) await this.member.leave().catch(() => {}); // the others take over at once
      else await this.member.close().catch(() => {});
      await this.p.closeClients();
      if (error) this.p.onError?.(error);
      this.settle(error);
    }
  }
}
