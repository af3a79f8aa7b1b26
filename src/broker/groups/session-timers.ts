// Session timeouts: a member that neither heartbeats nor joins nor syncs within its session timeout
// is removed and its group rebalances. One timer per member, armed lazily: a heartbeat only moves the
// deadline forward, and the timer, when it fires early, re-arms for the time left (no clearTimeout/
// setTimeout pair per heartbeat). A member parked in JoinGroup or SyncGroup is alive by definition
// (Kafka's shouldKeepAlive): it cannot heartbeat while it waits.
import type { ClassicGroup } from './classic-group.js';
import type { GroupMember } from './member.js';

export class SessionTimers {
  private readonly timers = new Map<GroupMember, NodeJS.Timeout>();

  constructor(
    private readonly now: () => number,
    private readonly onExpired: (group: ClassicGroup, member: GroupMember) => void,
  ) {}

  /** Moves the member's deadline to now + session timeout, arming its timer if needed. */
  touch(group: ClassicGroup, member: GroupMember): void {
    member.heartbeatDeadline = this.now() + member.sessionTimeoutMs;
    if (!this.timers.has(member)) this.arm(group, member, member.sessionTimeoutMs);
  }

  cancel(member: GroupMember): void {
    const t = this.timers.get(member);
    if (t) clearTimeout(t);
    this.timers.delete(member);
  }

  clear(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private arm(group: ClassicGroup, member: GroupMember, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(member);
      const left = member.heartbeatDeadline - this.now();
      if (member.awaitingJoin || member.awaitingSync) {
        this.touch(group, member);
      } else if (left > 0) {
        this.arm(group, member, left);
      } else {
        this.onExpired(group, member);
      }
    }, Math.max(delayMs, 1));
    timer.unref();
    this.timers.set(member, timer);
  }
}
