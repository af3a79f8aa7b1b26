// A small pool of worker threads that validate large produce batches off the event loop
// (docs/performance.md, "More than one core"). Validating a compressed batch means decompressing it
// and walking every record: 10-50 ms of CPU for a 1 MiB batch, during which the event loop would
// answer nobody. A worker does that on another core; the event loop pays one copy of the batch into
// the worker's scratch buffer (well under a millisecond per MiB) and two small messages.
//
// Each worker validates one batch at a time; further batches wait in a FIFO queue. A worker owns
// a scratch ArrayBuffer that travels to it with a batch and comes back with the verdict, so memory
// is reused rather than allocated per batch (a fresh megabyte costs page faults and GC pressure
// that cost more than the copy). Workers start on first use, keep the process alive only while busy, and
// are replaced when one dies; the batch it held is then validated on the event loop, so a worker
// failure never loses or wrongly refuses a batch.
import { Worker } from 'node:worker_threads';
import { explainProduceRecords, type ProduceRecordsRejection, type ProduceValidationOptions } from '../../protocol/records/produce-validation.js';
import type { Logger } from '../../util/logger.js';
import type { ValidationReply, ValidationRequest } from './validation-worker.js';

type Verdict = ProduceRecordsRejection | null;

interface Job {
  records: Buffer;
  options: ProduceValidationOptions;
  resolve(verdict: Verdict): void;
  reject(error: unknown): void;
}

interface Slot {
  worker: Worker;
  /** Scratch memory; null while lent to the worker with a batch. */
  scratch: ArrayBuffer | null;
  job: Job | null;
  jobId: number;
}

/** Scratch buffers up to this size are kept between batches; a larger batch gets a one-off buffer. */
const KEEP_SCRATCH_BYTES = 16 * 1024 * 1024;
const MIN_SCRATCH_BYTES = 1024 * 1024;
const WORKER_URL = new URL('./validation-worker.js', import.meta.url);

export class ValidationPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextJobId = 1;
  private closed = false;
  /** Batches validated by a worker (for tests and docs/performance.md's measurements). */
  validatedOffLoop = 0;

  constructor(
    readonly threads: number,
    private readonly logger: Logger,
    /** The worker's entry module; tests pass a failing one. */
    private readonly workerUrl: URL = WORKER_URL,
  ) {}

  /** Validates `records` on a worker; resolves with produce-validation.ts's verdict. */
  validate(records: Buffer, options: ProduceValidationOptions): Promise<Verdict> {
    if (this.closed) return Promise.resolve(explainProduceRecords(records, options));
    return new Promise<Verdict>((resolve, reject) => {
      this.queue.push({ records, options, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0);
    for (const s of slots) if (s.job) this.onEventLoop(s.job);
    for (const job of this.queue.splice(0)) this.onEventLoop(job);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((s) => s.job === null) ?? this.spawn();
      if (!slot) return;
      this.send(slot, this.queue.shift()!);
    }
  }

  private spawn(): Slot | null {
    if (this.closed || this.slots.length >= this.threads) return null;
    const worker = new Worker(this.workerUrl);
    worker.unref(); // an idle pool must not keep a process (a test, the CLI) alive; send() refs it while busy
    const slot: Slot = { worker, scratch: null, job: null, jobId: 0 };
    worker.on('message', (reply: ValidationReply) => this.onReply(slot, reply));
    worker.on('error', (e) => this.onWorkerGone(slot, e));
    worker.on('exit', (code) => this.onWorkerGone(slot, new Error(`validation worker exited with code ${code}`)));
    this.slots.push(slot);
    return slot;
  }

  private send(slot: Slot, job: Job): void {
    const length = job.records.length;
    let bytes = slot.scratch;
    if (bytes === null || bytes.byteLength < length) bytes = new ArrayBuffer(Math.max(MIN_SCRATCH_BYTES, length));
    new Uint8Array(bytes, 0, length).set(job.records);
    slot.scratch = null;
    slot.job = job;
    slot.jobId = this.nextJobId++;
    const request: ValidationRequest = { id: slot.jobId, bytes, length, options: job.options };
    slot.worker.ref(); // a batch awaiting its verdict keeps the process alive
    slot.worker.postMessage(request, [bytes]);
  }

  private onReply(slot: Slot, reply: ValidationReply): void {
    const job = slot.job;
    if (!job || reply.id !== slot.jobId) return;
    slot.job = null;
    slot.worker.unref();
    slot.scratch = reply.bytes.byteLength <= KEEP_SCRATCH_BYTES ? reply.bytes : null;
    if ('failed' in reply) {
      this.logger.warn('produce validation failed on a worker; validating on the event loop', { error: reply.failed });
      this.onEventLoop(job);
    } else {
      this.validatedOffLoop++;
      job.resolve(reply.rejection);
    }
    this.dispatch();
  }

  private onWorkerGone(slot: Slot, e: unknown): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return; // already replaced (error is followed by exit) or closed
    this.slots.splice(index, 1);
    if (!this.closed) this.logger.warn('produce validation worker stopped; a new one starts on demand', { error: e instanceof Error ? e.message : String(e) });
    const job = slot.job;
    slot.job = null;
    if (job) this.onEventLoop(job);
    this.dispatch();
  }

  /** The fallback: the same validation, on the event loop. */
  private onEventLoop(job: Job): void {
    try {
      job.resolve(explainProduceRecords(job.records, job.options));
    } catch (e) {
      job.reject(e);
    }
  }
}
