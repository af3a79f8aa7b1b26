// The per-record delivery states of a share-partition and the acknowledgement types that move
// records between them. The ids are KIP-932's (and the share-group state log's DeliveryState field):
//
//   Available (0)  may be acquired by the next fetch
//   Acquired (1)   held by one consumer until it acknowledges or its lock deadline passes (never
//                  persisted as such: a crash makes every acquired record Available again)
//   Acknowledged(2) delivered and accepted: done
//   Archiving (3)  done, but its copy for the dead-letter topic is not written yet (KIP-1191)
//   Archived (4)   done without success: rejected, a gap, out of deliveries, or below the start offset
//
// Transitions (rows: from; a blank cell is refused with INVALID_RECORD_STATE):
//
//   from \ to     Acquired       Available             Acknowledged   Archiving/Archived
//   Available     acquire (+1)
//   Acquired      renew (lock)   release, lock expiry  accept         reject, gap; release or expiry
//                                or member leave                      at the delivery limit
//   Archiving                                                         Archived once dead-lettered
//
// A release (or expiry) of a record whose delivery count already reached the limit archives it
// instead (KIP-932 "group.share.delivery.count.limit"), through Archiving when the group has a
// dead-letter topic.

export const DeliveryState = {
  Available: 0,
  Acquired: 1,
  Acknowledged: 2,
  Archiving: 3,
  Archived: 4,
} as const;
export type DeliveryState = (typeof DeliveryState)[keyof typeof DeliveryState];

/** ShareFetch/ShareAcknowledge AcknowledgeTypes: 0 Gap, 1 Accept, 2 Release, 3 Reject, 4 Renew (KIP-1222, v2+). */
export const AckType = {
  Gap: 0,
  Accept: 1,
  Release: 2,
  Reject: 3,
  Renew: 4,
} as const;
export type AckType = (typeof AckType)[keyof typeof AckType];

export function isTerminal(state: DeliveryState): boolean {
  return state === DeliveryState.Acknowledged || state === DeliveryState.Archived;
}

/**
 * Why a record was archived; recorded in the dead-letter record's headers. 'expired' and 'maxlen'
 * come from AMQP queues (per-message TTL, x-max-length overflow), which archive records that were
 * never acquired (QueueEngine.discard).
 */
export type ArchiveReason = 'rejected' | 'delivery-limit' | 'expired' | 'maxlen';

export const ARCHIVE_REASON_TEXT: Record<ArchiveReason, string> = {
  // Kafka 4.4's wording (ShareGroupDLQManager), so tools that match on it keep working.
  rejected: 'Offset rejected by client.',
  'delivery-limit': 'Offset delivery count exceeded the threshold.',
  expired: 'Message expired.',
  maxlen: 'Queue length limit exceeded.',
};

export function stateName(state: number): string {
  switch (state) {
    case DeliveryState.Available:
      return 'available';
    case DeliveryState.Acquired:
      return 'acquired';
    case DeliveryState.Acknowledged:
      return 'acknowledged';
    case DeliveryState.Archiving:
      return 'archiving';
    case DeliveryState.Archived:
      return 'archived';
    default:
      return `unknown(${state})`;
  }
}
