// The bytes one request holds against its connection's memory budget (limits/byte-budget.ts),
// from the moment its frame size is read until its response has been handed to the OS:
//
//   frame admitted        holds the frame's size (before its bytes arrive)
//   handler reserves      a Fetch adds what its response may hold, sized before it reads storage
//   response encoded      settles to the encoded response's exact size
//   response written      releases everything (also when the connection closes first)
import type { RequestMemory } from '../handlers/handler.js';
import type { ByteBudget } from '../limits/byte-budget.js';

export class HeldBytes implements RequestMemory {
  private bytes: number;
  /** Released for good (its connection closed): a handler still running can take nothing more. */
  private done = false;

  /** `admitted` bytes were already taken from `budget` (the frame). */
  constructor(
    private readonly budget: ByteBudget,
    admitted: number,
  ) {
    this.bytes = admitted;
  }

  get held(): number {
    return this.bytes;
  }

  /** Whether release() ran (the response was written, or the connection closed). */
  get isReleased(): boolean {
    return this.done;
  }

  reserveUpTo(bytes: number): number {
    if (this.done) return 0;
    const granted = this.budget.takeUpTo(bytes);
    this.bytes += granted;
    return granted;
  }

  takeExcess(bytes: number): boolean {
    if (bytes <= 0) return true;
    if (this.done) return false;
    const alone = this.budget.used === this.bytes;
    if (!alone && this.budget.available < bytes) return false;
    this.budget.force(bytes);
    this.bytes += bytes;
    return true;
  }

  giveBack(bytes: number): void {
    const n = Math.max(0, Math.min(bytes, this.bytes));
    this.bytes -= n;
    this.budget.release(n);
  }

  /** Takes `bytes` more whatever the budgets say (memory that exists already, e.g. decoded requests). */
  charge(bytes: number): void {
    if (this.done || bytes <= 0) return;
    this.budget.force(bytes);
    this.bytes += bytes;
  }

  /** From now on holds exactly `bytes` (the encoded response): gives back the rest, or takes the excess. */
  settle(bytes: number): void {
    if (this.done) return;
    if (bytes > this.bytes) this.budget.force(bytes - this.bytes);
    else this.budget.release(this.bytes - bytes);
    this.bytes = bytes;
  }

  /** Gives everything back; safe to call more than once. */
  release(): void {
    this.done = true;
    const n = this.bytes;
    this.bytes = 0;
    this.budget.release(n);
  }
}
