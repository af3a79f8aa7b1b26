// The high-availability task assignor, in the spirit of Kafka Streams' HighAvailabilityTaskAssignor
// (KIP-441). Pure: members' state in, tasks per member out; the group leader runs it at every
// rebalance (runtime/group-assignment.ts). Rack-unaware; one stream thread per instance, so every
// instance has the same capacity.
//
// Lag: a member's lag on a stateful task is the task's changelog end-offset sum minus the offset
// sum of the state the member holds (0 for the task's running active; the full end sum when it
// holds nothing). A member is *caught up* when its lag <= acceptableRecoveryLag (so, as in Kafka
// Streams, even an empty member is when the whole changelog is that small).
//
// Rules, in order (members and tasks sorted, so every leader computes the same answer):
//   Balance: with S stateful tasks over C members, every member may hold floor(S / C) actives and
//   S mod C of them one more.
//   1. Stateful actives, sticky: a task stays with its previous active while that member holds
//      fewer than floor(S / C).
//   2. Every other stateful task goes to a caught-up member with room: first those below their
//      floor share, then its previous active, then the least lag (so a standby's holder is
//      preferred), then the least loaded. A task whose active is gone (a failover) only
//      considers the caught-up members that hold its state, if there are any: with standbys, a
//      failover never restores a task from scratch. If no caught-up member has room but some
//      member is caught up, the task stays on (or goes to) the caught-up member with the least
//      lag, above its share, and the least-loaded other member with room gets a *warm-up*
//      replica of it, up to maxWarmupReplicas warm-ups in total: a task only ever moves to a
//      member whose state is caught up. If no member is caught up (a new app, or its only
//      holder died without standbys), the task goes to the least-loaded member (least lag
//      first), which restores it.
//   3. Standbys: numStandbyReplicas per stateful task on distinct members other than its active
//      and its warm-up, preferring the members with the least lag (warm state), then the fewest
//      standbys.
//   4. Stateless tasks, sticky up to the balanced total load, else to the least-loaded member.
//   5. If any warm-up was assigned, a probing rebalance follows after probingRebalanceIntervalMs:
//      by then the warm-up has caught up (and rule 2 moves the task to it), or it keeps warming.

export interface MemberState {
  readonly memberId: string;
  /** Task id -> offset sum of local state (-2n: running active, i.e. caught up). */
  readonly taskOffsets: ReadonlyMap<string, bigint>;
  /** Tasks this member ran as active in the previous generation. */
  readonly previousActive: ReadonlySet<string>;
}

export interface TaskInfo {
  readonly id: string;
  readonly stateful: boolean;
  /** Sum of the task's changelog end offsets (stateful tasks). */
  readonly endOffsetSum: bigint;
}

export interface AssignorConfig {
  readonly numStandbyReplicas: number;
  readonly maxWarmupReplicas: number;
  readonly acceptableRecoveryLag: number;
}

export interface MemberTasks {
  readonly active: string[];
  readonly standby: string[];
  readonly warmup: string[];
}

export interface Assignment {
  readonly members: Map<string, MemberTasks>;
  /** Warm-ups were assigned: schedule a probing rebalance. */
  readonly probingNeeded: boolean;
}

export function assignTasks(members: readonly MemberState[], tasks: readonly TaskInfo[], config: AssignorConfig): Assignment {
  const sorted = [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  const out = new Map<string, MemberTasks>(sorted.map((m) => [m.memberId, { active: [], standby: [], warmup: [] }]));
  if (sorted.length === 0) return { members: out, probingNeeded: false };
  const lag = (m: MemberState, t: TaskInfo): number => {
    const held = m.taskOffsets.get(t.id);
    if (held === undefined) return Number(t.endOffsetSum);
    if (held < 0n) return 0; // running active
    const d = t.endOffsetSum - held;
    return d > 0n ? Number(d) : 0;
  };
  const caughtUp = (m: MemberState, t: TaskInfo) => lag(m, t) <= config.acceptableRecoveryLag;
  const load = (m: MemberState) => out.get(m.memberId)!.active.length;
  const byLagThenLoad = (t: TaskInfo) => (a: MemberState, b: MemberState) => lag(a, t) - lag(b, t) || load(a) - load(b);
  const byLoadThenLag = (t: TaskInfo) => (a: MemberState, b: MemberState) => load(a) - load(b) || lag(a, t) - lag(b, t);

  const stateful = tasks.filter((t) => t.stateful);
  const stateless = tasks.filter((t) => !t.stateful);
  const activeOf = new Map<string, MemberState>();
  const warmupOf = new Map<string, MemberState>();
  const assignActive = (t: TaskInfo, m: MemberState) => {
    out.get(m.memberId)!.active.push(t.id);
    activeOf.set(t.id, m);
  };

  // 1. sticky stateful actives, up to the floor share
  const floor = Math.floor(stateful.length / sorted.length);
  const extra = stateful.length % sorted.length;
  let extraUsed = 0;
  const hasRoom = (m: MemberState) => load(m) < floor || (load(m) === floor && extraUsed < extra);
  const assignBalanced = (t: TaskInfo, m: MemberState) => {
    if (load(m) >= floor) extraUsed++;
    assignActive(t, m);
  };
  const rest: TaskInfo[] = [];
  for (const t of stateful) {
    const prev = sorted.find((m) => m.previousActive.has(t.id));
    if (prev && load(prev) < floor) assignActive(t, prev);
    else rest.push(t);
  }
  // 2. the rest: to a caught-up member with room; else warm up the member it should go to
  let warmups = 0;
  for (const t of rest) {
    // A task whose active is gone (failover) goes to a member holding its state when one is
    // caught up, even past that member's share; balance is restored later through a warm-up.
    const orphan = !sorted.some((m) => m.previousActive.has(t.id));
    const holders = sorted.filter((m) => m.taskOffsets.has(t.id) && caughtUp(m, t));
    const ready = orphan && holders.length > 0 ? holders : sorted.filter((m) => caughtUp(m, t));
    const wasActive = (m: MemberState) => (m.previousActive.has(t.id) ? 0 : 1);
    const needy = (m: MemberState) => (load(m) < floor ? 0 : 1);
    const roomy = ready.filter(hasRoom).sort((a, b) => needy(a) - needy(b) || wasActive(a) - wasActive(b) || lag(a, t) - lag(b, t) || load(a) - load(b));
    if (roomy.length > 0) {
      assignBalanced(t, roomy[0]!);
    } else if (ready.length > 0) {
      const keeper = [...ready].sort(byLagThenLoad(t))[0]!;
      assignBalanced(t, keeper);
      const destination = sorted.filter((m) => m !== keeper && hasRoom(m)).sort(byLoadThenLag(t))[0];
      if (destination && warmups < config.maxWarmupReplicas) {
        out.get(destination.memberId)!.warmup.push(t.id);
        warmupOf.set(t.id, destination);
        warmups++;
      }
    } else {
      assignBalanced(t, [...sorted].sort(byLoadThenLag(t))[0]!);
    }
  }
  // 3. standbys
  const standbyLoad = (m: MemberState) => out.get(m.memberId)!.standby.length;
  for (const t of stateful) {
    const candidates = sorted
      .filter((m) => m !== activeOf.get(t.id) && m !== warmupOf.get(t.id))
      .sort((a, b) => lag(a, t) - lag(b, t) || standbyLoad(a) - standbyLoad(b));
    for (const m of candidates.slice(0, config.numStandbyReplicas)) out.get(m.memberId)!.standby.push(t.id);
  }
  // 4. stateless tasks
  const totalCap = Math.ceil(tasks.length / sorted.length);
  for (const t of stateless) {
    const prev = sorted.find((m) => m.previousActive.has(t.id));
    if (prev && load(prev) < totalCap) assignActive(t, prev);
    else assignActive(t, [...sorted].sort((a, b) => load(a) - load(b))[0]!);
  }
  // Warm-ups are standbys too (they are kept warm from the changelog the same way).
  for (const m of out.values()) for (const w of m.warmup) if (!m.standby.includes(w)) m.standby.push(w);
  return { members: out, probingNeeded: warmups > 0 };
}
