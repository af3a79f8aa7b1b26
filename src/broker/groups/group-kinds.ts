// The three kinds of group a coordinator holds (Kafka's Group.GroupType), behind one registry: classic
// groups (JoinGroup/SyncGroup), KIP-848 consumer groups (ConsumerGroupHeartbeat) and share groups (KIP-932,
// ShareGroupHeartbeat). A group id belongs to one kind at a time; the kind-independent APIs go through here:
//
//   ListGroups    every kind, filtered by state (v4+) and type (v5+), both case-insensitively; an unknown
//                 state or type matches nothing (Kafka parses unknown types as UNKNOWN)
//   DeleteGroups  the kind holding the id deletes it (only when empty: NON_EMPTY_GROUP otherwise)
//   typeOf        which kind holds an id: the heartbeat APIs refuse an id held by another kind
//                 (GROUP_ID_NOT_FOUND "Group x is not a share group", INCONSISTENT_GROUP_PROTOCOL for
//                 JoinGroup), and offsets of a share group are not committed or fetched (GROUP_ID_NOT_FOUND)
//
// Each kind registers itself once at start (the classic and consumer kinds by the group coordinator, the
// share kind by the share-group coordinator), so this module knows none of them.
import { ErrorCode } from '../../protocol/errors.js';

export type GroupType = 'classic' | 'consumer' | 'share';

export interface ListedGroup {
  groupId: string;
  protocolType: string;
  groupState: string;
  groupType: string;
}

export interface GroupKind {
  readonly type: GroupType;
  /** True when a live group of this kind holds the id. */
  has(groupId: string): boolean;
  /** Every live group of this kind as ListGroups shows it. */
  list(): Iterable<ListedGroup>;
  /** DeleteGroups of a group of this kind (it holds the id). */
  delete(groupId: string): Promise<{ errorCode: number; errorMessage: string | null }>;
}

export class GroupKinds {
  private readonly kinds: GroupKind[] = [];

  register(kind: GroupKind): void {
    if (this.kinds.some((k) => k.type === kind.type)) throw new Error(`group kind ${kind.type} registered twice`);
    this.kinds.push(kind);
  }

  typeOf(groupId: string): GroupType | undefined {
    return this.kinds.find((k) => k.has(groupId))?.type;
  }

  list(statesFilter: readonly string[], typesFilter: readonly string[]): ListedGroup[] {
    const states = new Set(statesFilter.map((s) => s.trim().toLowerCase()));
    const types = new Set(typesFilter.map((t) => t.trim().toLowerCase()));
    const out: ListedGroup[] = [];
    for (const kind of this.kinds) {
      if (types.size > 0 && !types.has(kind.type)) continue;
      for (const g of kind.list()) if (states.size === 0 || states.has(g.groupState.toLowerCase())) out.push(g);
    }
    return out;
  }

  async delete(groupId: string): Promise<{ errorCode: number; errorMessage: string | null }> {
    if (groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID, errorMessage: null };
    const kind = this.kinds.find((k) => k.has(groupId));
    if (!kind) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: `Group ${groupId} not found.` };
    return kind.delete(groupId);
  }
}
