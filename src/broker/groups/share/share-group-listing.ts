// Share groups as ListGroups, DescribeGroups and DeleteGroups see them, beside classic groups
// (Kafka's GroupCoordinatorShard answers these for every group type): listed with type "share"
// and protocol type "share"; DescribeGroups (the classic API) does not describe them; DeleteGroups
// deletes them when they have no members.
import type { ListedGroup } from '../group-admin.js';
import type { ShareGroupCoordinator } from './share-group-coordinator.js';

export const SHARE_GROUP_TYPE = 'share';

/** ListGroups entries (v4+ states filter, v5+ types filter, both case-insensitive). */
export function listShareGroups(shares: ShareGroupCoordinator, statesFilter: readonly string[], typesFilter: readonly string[]): ListedGroup[] {
  const states = new Set(statesFilter.map((s) => s.toLowerCase()));
  const types = new Set(typesFilter.map((t) => t.toLowerCase()));
  if (types.size > 0 && !types.has(SHARE_GROUP_TYPE)) return [];
  const out: ListedGroup[] = [];
  for (const g of shares.groups.values()) {
    if (g.state === 'Dead') continue;
    if (states.size > 0 && !states.has(g.state.toLowerCase())) continue;
    out.push({ groupId: g.groupId, protocolType: SHARE_GROUP_TYPE, groupState: g.state, groupType: SHARE_GROUP_TYPE });
  }
  return out;
}
