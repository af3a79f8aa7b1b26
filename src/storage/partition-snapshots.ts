// One partition's state snapshots (state-snapshots.ts files) as PartitionLog offers them to the state's
// owner (the broker's producer state), and a snapshot at every segment roll, as Kafka takes one
// (ProducerStateManager.takeSnapshot when a segment rolls), so that recovery after a crash starts from
// about the last roll, never from the log start.
//
// Who writes the roll snapshot:
//   the owner has read the state (claimed)     the owner, told by the roll listener it set: it knows
//                                              when its state is exactly that of the log end
//   nobody has asked for the state since the   this class, from the state it was handed at open (the
//   log opened (unclaimed)                     rebuild of recovery, or the snapshot at the log end
//                                              after a clean stop), named by the new segment's base.
//                                              That state is still exact: every batch that changes it
//                                              is appended by the owner, and the owner reads the state
//                                              before its first such append (it claims it first).
// A clean close writes the unclaimed state at the log end the same way, so the next start has it.
// Writes run one at a time; a failed one is logged (the next roll or close writes again).
import type { Logger } from '../util/logger.js';
import type { FileSystem } from './fs/file-system.js';
import { readLatestStateSnapshot, readStateSnapshotAt, writeStateSnapshot } from './state-snapshots.js';
import type { StateSnapshot } from './state-snapshots.js';
import type { TransactionIndex } from './transaction-index.js';

export class PartitionSnapshots {
  /** The unclaimed state handed over at open (exact at any offset >= its own), and whether a file holds it. */
  private unclaimed: (StateSnapshot & { onDisk: boolean }) | null = null;
  private claimed = false;
  private rollListener: (() => void) | null = null;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly fs: FileSystem,
    private readonly dir: string,
    private readonly logger: Logger,
    private readonly txnIndex: TransactionIndex,
  ) {}

  /** The state rebuilt by recovery at the recovered log end (state-rebuild.ts); kept in memory. */
  useRebuilt(snapshot: StateSnapshot): void {
    this.unclaimed = { ...snapshot, onDisk: false };
  }

  /** After a clean start: the snapshot at the log end, if one is there, is the unclaimed state. */
  async useFileAt(logEnd: number): Promise<void> {
    const s = await readStateSnapshotAt(this.fs, this.dir, logEnd);
    if (s) this.unclaimed = { ...s, onDisk: true };
  }

  /** Called by the owner's load: from now on the owner writes the snapshots. */
  async read(logEnd: number): Promise<StateSnapshot | null> {
    const held = this.claimed ? null : this.unclaimed;
    this.claimed = true;
    this.unclaimed = null;
    const file = await readLatestStateSnapshot(this.fs, this.dir, logEnd, this.logger);
    // A file newer than the rebuilt state was carried forward from it at a roll: the same state, less to replay.
    if (held && !held.onDisk && held.offset <= logEnd && (!file || file.offset < held.offset)) return { offset: held.offset, payload: held.payload };
    return file;
  }

  /** The owner's roll listener (called synchronously when the log rolls, in the append turn). */
  setRollListener(listener: (() => void) | null): void {
    this.rollListener = listener;
  }

  /** The aborted-transactions index is synced first, so every ABORT marker below a snapshot has its entry on disk. */
  write(offset: number, payload: Buffer): Promise<void> {
    const p = this.chain.then(async () => {
      await this.txnIndex.sync();
      await writeStateSnapshot(this.fs, this.dir, offset, payload);
    });
    this.chain = p.catch(() => {});
    return p;
  }

  /** The log rolled: the new active segment starts at `base` (= the log end now). */
  rolled(base: number): void {
    if (this.claimed) {
      this.rollListener?.();
      return;
    }
    if (this.unclaimed) this.carry(base);
  }

  /** Clean close (appends have stopped, the log is flushed): the unclaimed state at the log end. */
  async closing(logEnd: number): Promise<void> {
    const held = this.unclaimed;
    if (!this.claimed && held && !(held.onDisk && held.offset === logEnd)) this.carry(logEnd);
    await this.chain;
  }

  private carry(offset: number): void {
    const payload = this.unclaimed!.payload;
    this.write(offset, payload).catch((e: unknown) =>
      this.logger.warn('could not write a producer-state snapshot', { dir: this.dir, offset, error: e instanceof Error ? e.message : String(e) }),
    );
  }
}
