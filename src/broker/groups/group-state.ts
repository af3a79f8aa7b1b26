// The classic group state machine, as Kafka's ClassicGroupState defines it. The names are the
// strings DescribeGroups and ListGroups put on the wire.
//
//   from \ to            Empty  PreparingRebalance  CompletingRebalance  Stable  Dead
//   Empty                  -          yes                   -              -      yes
//   PreparingRebalance    yes          -                   yes             -      yes
//   CompletingRebalance    -          yes                   -             yes     yes
//   Stable                 -          yes                   -              -      yes
//   Dead                   -           -                    -              -      yes
//
// Empty: no members (offsets may remain). PreparingRebalance: waiting for members to (re)join.
// CompletingRebalance: joined, waiting for the leader's assignment in SyncGroup. Stable: assignment
// handed out, heartbeats flowing. Dead: removed (deleted, or expired with no offsets left).
export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export const GROUP_STATES: readonly GroupState[] = ['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead'];

const VALID_PREVIOUS: Record<GroupState, readonly GroupState[]> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Empty', 'CompletingRebalance', 'Stable'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead'],
};

export function canTransition(from: GroupState, to: GroupState): boolean {
  return VALID_PREVIOUS[to].includes(from);
}

/** Case-insensitive match of a ListGroups states filter entry (Kafka parses them case-insensitively). */
export function parseGroupState(name: string): GroupState | undefined {
  return GROUP_STATES.find((s) => s.toLowerCase() === name.toLowerCase());
}
