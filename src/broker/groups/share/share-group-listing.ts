// Share groups as ListGroups sees them, beside the other kinds (group-kinds.ts; Kafka's
// GroupCoordinatorShard answers it for every group type): listed with type "share" and protocol type
// "share". DescribeGroups (the classic API) does not describe them; DeleteGroups deletes them when they
// have no members (share-group-coordinator.ts).
import type { ListedGroup } from '../group-kinds.js';
import type { ShareGroup } from './share-group.js';

export const SHARE_GROUP_TYPE = 'share';

/** ListGroups entries of every live share group (the registry filters by state and type). */
export function listShareGroups(shares: { readonly groups: ReadonlyMap<string, ShareGroup> }): ListedGroup[] {
  const out: ListedGroup[] = [];
  for (const g of shares.groups.values()) {
    if (g.state === 'Dead') continue;
    out.push({ groupId: g.groupId, protocolType: SHARE_GROUP_TYPE, groupState: g.state, groupType: SHARE_GROUP_TYPE });
  }
  return out;
}
