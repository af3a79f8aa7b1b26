// The Kafka protocol error codes: every code Apache Kafka 4.0 defines (UNKNOWN_SERVER_ERROR -1,
// NONE 0, then 1..129), with Kafka's name and whether Kafka's clients treat it as retriable
// (a RetriableException subclass). Numbers, names and retriable flags follow Kafka's
// clients/.../common/protocol/Errors.java; the messages are our own words.
// Handlers put these numbers in responses (house rule: errors are values at boundaries).

export interface KafkaError {
  readonly code: number;
  readonly name: string;
  /** Kafka clients retry a request that failed with a retriable error. */
  readonly retriable: boolean;
  readonly message: string;
}

// name: [code, retriable, message]
const catalog = {
  UNKNOWN_SERVER_ERROR: [-1, false, 'The broker hit an unexpected failure while handling the request.'],
  NONE: [0, false, 'No error.'],
  OFFSET_OUT_OF_RANGE: [1, false, "The requested offset lies outside the partition's current log range."],
  CORRUPT_MESSAGE: [2, true, 'A record failed its checksum, has an invalid size, or is otherwise malformed.'],
  UNKNOWN_TOPIC_OR_PARTITION: [3, true, 'This broker does not host the requested topic or partition.'],
  INVALID_FETCH_SIZE: [4, false, 'The fetch size in the request is not valid.'],
  LEADER_NOT_AVAILABLE: [5, true, 'The partition has no leader right now (for example during an election).'],
  NOT_LEADER_OR_FOLLOWER: [6, true, 'This broker is neither the leader nor a follower for the partition.'],
  REQUEST_TIMED_OUT: [7, true, 'The request did not complete within its timeout.'],
  BROKER_NOT_AVAILABLE: [8, false, 'The broker is not available.'],
  REPLICA_NOT_AVAILABLE: [9, true, 'A replica needed for the partition is not available.'],
  MESSAGE_TOO_LARGE: [10, false, 'A record or batch exceeds the largest size the broker accepts.'],
  STALE_CONTROLLER_EPOCH: [11, false, 'The request came from a controller with an outdated epoch.'],
  OFFSET_METADATA_TOO_LARGE: [12, false, 'The metadata attached to an offset commit is too long.'],
  NETWORK_EXCEPTION: [13, true, 'The connection closed before a response arrived.'],
  COORDINATOR_LOAD_IN_PROGRESS: [14, true, 'The coordinator is still loading its state; try again shortly.'],
  COORDINATOR_NOT_AVAILABLE: [15, true, 'No coordinator is currently available for this group or transaction.'],
  NOT_COORDINATOR: [16, true, 'This broker is not the coordinator for the given key.'],
  INVALID_TOPIC_EXCEPTION: [17, false, 'The topic name is invalid or the operation is not allowed on this topic.'],
  RECORD_LIST_TOO_LARGE: [18, false, 'The batch is larger than a log segment can hold.'],
  NOT_ENOUGH_REPLICAS: [19, true, 'Too few in-sync replicas to accept the write.'],
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: [20, true, 'The write was appended, but to fewer in-sync replicas than required.'],
  INVALID_REQUIRED_ACKS: [21, false, 'The acks value in the produce request is not one the broker accepts.'],
  ILLEGAL_GENERATION: [22, false, 'The group generation in the request is not the current one.'],
  INCONSISTENT_GROUP_PROTOCOL: [23, false, "The member's protocols do not match those of the rest of the group."],
  INVALID_GROUP_ID: [24, false, 'The group id is empty or otherwise invalid.'],
  UNKNOWN_MEMBER_ID: [25, false, 'The coordinator does not know this member id.'],
  INVALID_SESSION_TIMEOUT: [26, false, 'The session timeout is outside the range the broker allows.'],
  REBALANCE_IN_PROGRESS: [27, false, 'The group is rebalancing; the member must rejoin.'],
  INVALID_COMMIT_OFFSET_SIZE: [28, false, 'The size of the committed offset data is not valid.'],
  TOPIC_AUTHORIZATION_FAILED: [29, false, 'Not authorized to access this topic.'],
  GROUP_AUTHORIZATION_FAILED: [30, false, 'Not authorized to access this group.'],
  CLUSTER_AUTHORIZATION_FAILED: [31, false, 'Not authorized for this cluster operation.'],
  INVALID_TIMESTAMP: [32, false, 'A record timestamp is outside the accepted range.'],
  UNSUPPORTED_SASL_MECHANISM: [33, false, 'The broker does not offer the requested SASL mechanism.'],
  ILLEGAL_SASL_STATE: [34, false, 'The request is not allowed in the current SASL authentication state.'],
  UNSUPPORTED_VERSION: [35, false, 'The broker does not support this version of the API.'],
  TOPIC_ALREADY_EXISTS: [36, false, 'A topic with this name already exists.'],
  INVALID_PARTITIONS: [37, false, 'The partition count is not valid.'],
  INVALID_REPLICATION_FACTOR: [38, false, 'The replication factor is not valid.'],
  INVALID_REPLICA_ASSIGNMENT: [39, false, 'The replica assignment is not valid.'],
  INVALID_CONFIG: [40, false, 'The configuration is not valid.'],
  NOT_CONTROLLER: [41, true, 'This broker is not the active controller.'],
  INVALID_REQUEST: [42, false, 'The request is malformed or not valid for this broker; see the broker log.'],
  UNSUPPORTED_FOR_MESSAGE_FORMAT: [43, false, 'The request needs a newer message format than the log uses.'],
  POLICY_VIOLATION: [44, false, 'The request violates a configured policy.'],
  OUT_OF_ORDER_SEQUENCE_NUMBER: [45, false, 'The producer sequence number is not the one the broker expected next.'],
  DUPLICATE_SEQUENCE_NUMBER: [46, false, 'The producer sequence number was already written.'],
  INVALID_PRODUCER_EPOCH: [47, false, 'The producer epoch is older than the current one for this producer.'],
  INVALID_TXN_STATE: [48, false, "The transactional operation is not valid in the transaction's current state."],
  INVALID_PRODUCER_ID_MAPPING: [49, false, 'The producer id is not the one assigned to this transactional id.'],
  INVALID_TRANSACTION_TIMEOUT: [50, false, "The transaction timeout exceeds the broker's maximum."],
  CONCURRENT_TRANSACTIONS: [51, true, 'Another operation on the same transaction is still in progress.'],
  TRANSACTION_COORDINATOR_FENCED: [52, false, 'The transaction coordinator sending this request has been replaced.'],
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: [53, false, 'Not authorized to use this transactional id.'],
  SECURITY_DISABLED: [54, false, 'Security features are turned off on this broker.'],
  OPERATION_NOT_ATTEMPTED: [55, false, 'The broker skipped this operation because another part of the batch failed.'],
  KAFKA_STORAGE_ERROR: [56, true, 'A disk error occurred while accessing the log.'],
  LOG_DIR_NOT_FOUND: [57, false, 'The requested log directory does not exist.'],
  SASL_AUTHENTICATION_FAILED: [58, false, 'SASL authentication failed.'],
  UNKNOWN_PRODUCER_ID: [59, false, 'The broker has no state for this producer id.'],
  REASSIGNMENT_IN_PROGRESS: [60, false, 'A partition reassignment is already running.'],
  DELEGATION_TOKEN_AUTH_DISABLED: [61, false, 'Delegation token authentication is turned off.'],
  DELEGATION_TOKEN_NOT_FOUND: [62, false, 'No such delegation token.'],
  DELEGATION_TOKEN_OWNER_MISMATCH: [63, false, 'The principal is not the owner or a renewer of the delegation token.'],
  DELEGATION_TOKEN_REQUEST_NOT_ALLOWED: [64, false, 'Delegation token requests are not allowed on this kind of connection.'],
  DELEGATION_TOKEN_AUTHORIZATION_FAILED: [65, false, 'Not authorized for this delegation token operation.'],
  DELEGATION_TOKEN_EXPIRED: [66, false, 'The delegation token has expired.'],
  INVALID_PRINCIPAL_TYPE: [67, false, 'The principal type is not supported.'],
  NON_EMPTY_GROUP: [68, false, 'The group still has members and cannot be deleted.'],
  GROUP_ID_NOT_FOUND: [69, false, 'No group with this id exists.'],
  FETCH_SESSION_ID_NOT_FOUND: [70, true, 'The fetch session id is unknown to the broker.'],
  INVALID_FETCH_SESSION_EPOCH: [71, true, 'The fetch session epoch is not the expected one.'],
  LISTENER_NOT_FOUND: [72, true, 'The leader has no endpoint for the listener the request came in on.'],
  TOPIC_DELETION_DISABLED: [73, false, 'Topic deletion is turned off on this cluster.'],
  FENCED_LEADER_EPOCH: [74, true, "The leader epoch in the request is older than the broker's."],
  UNKNOWN_LEADER_EPOCH: [75, true, "The leader epoch in the request is newer than the broker's."],
  UNSUPPORTED_COMPRESSION_TYPE: [76, false, "The consumer's fetch version cannot read the compression codec used."],
  STALE_BROKER_EPOCH: [77, false, 'The broker epoch in the request is out of date.'],
  OFFSET_NOT_AVAILABLE: [78, true, "The leader's high watermark is not yet known, so the offset cannot be served."],
  MEMBER_ID_REQUIRED: [79, false, 'The group requires a member id: rejoin with the one provided.'],
  PREFERRED_LEADER_NOT_AVAILABLE: [80, true, 'The preferred leader is not available.'],
  GROUP_MAX_SIZE_REACHED: [81, false, 'The group already has the maximum number of members.'],
  FENCED_INSTANCE_ID: [82, false, 'Another member with the same group instance id has replaced this one.'],
  ELIGIBLE_LEADERS_NOT_AVAILABLE: [83, true, 'No replica is eligible to become leader for the partition.'],
  ELECTION_NOT_NEEDED: [84, true, 'The partition already has the desired leader.'],
  NO_REASSIGNMENT_IN_PROGRESS: [85, false, 'No partition reassignment is in progress.'],
  GROUP_SUBSCRIBED_TO_TOPIC: [86, false, "The group's consumers are subscribed to the topic, so its offsets cannot be deleted."],
  INVALID_RECORD: [87, false, "A record failed the broker's validation."],
  UNSTABLE_OFFSET_COMMIT: [88, true, 'Offsets for the partition are pending a transaction commit.'],
  THROTTLING_QUOTA_EXCEEDED: [89, true, 'The request exceeded a throttling quota.'],
  PRODUCER_FENCED: [90, false, 'A newer producer with the same transactional id has fenced this one.'],
  RESOURCE_NOT_FOUND: [91, false, 'A referenced resource does not exist.'],
  DUPLICATE_RESOURCE: [92, false, 'A resource appears more than once in the request.'],
  UNACCEPTABLE_CREDENTIAL: [93, false, "The credential does not meet the broker's requirements."],
  INCONSISTENT_VOTER_SET: [94, false, 'The voter sets of the requesting and receiving replicas disagree.'],
  INVALID_UPDATE_VERSION: [95, false, 'The update version is not valid.'],
  FEATURE_UPDATE_FAILED: [96, false, 'The controller could not apply the feature update.'],
  PRINCIPAL_DESERIALIZATION_FAILURE: [97, false, 'The forwarded principal could not be deserialized.'],
  SNAPSHOT_NOT_FOUND: [98, false, 'The requested snapshot does not exist.'],
  POSITION_OUT_OF_RANGE: [99, false, 'The requested position is outside the snapshot.'],
  UNKNOWN_TOPIC_ID: [100, true, 'This broker does not know the topic id.'],
  DUPLICATE_BROKER_REGISTRATION: [101, false, 'A broker with this id is already registered.'],
  BROKER_ID_NOT_REGISTERED: [102, false, 'No broker with this id is registered.'],
  INCONSISTENT_TOPIC_ID: [103, true, 'The topic id does not match the topic id the broker has for this partition.'],
  INCONSISTENT_CLUSTER_ID: [104, false, "The cluster id in the request does not match this cluster's."],
  TRANSACTIONAL_ID_NOT_FOUND: [105, false, 'No transaction with this transactional id exists.'],
  FETCH_SESSION_TOPIC_ID_ERROR: [106, true, "The fetch session's use of topic ids changed between requests."],
  INELIGIBLE_REPLICA: [107, false, 'The new ISR contains a replica that may not join it.'],
  NEW_LEADER_ELECTED: [108, false, 'A new leader was elected for the partition while the request was pending.'],
  OFFSET_MOVED_TO_TIERED_STORAGE: [109, false, 'The requested offset is only available in tiered storage.'],
  FENCED_MEMBER_EPOCH: [110, false, 'The member epoch is fenced; the member must rejoin with epoch zero.'],
  UNRELEASED_INSTANCE_ID: [111, false, 'The group instance id is still held by another member.'],
  UNSUPPORTED_ASSIGNOR: [112, false, 'The requested server-side assignor is not supported.'],
  STALE_MEMBER_EPOCH: [113, false, 'The member epoch is stale; the request may be retried after the next heartbeat.'],
  MISMATCHED_ENDPOINT_TYPE: [114, false, 'The request was sent to the wrong kind of endpoint (broker or controller).'],
  UNSUPPORTED_ENDPOINT_TYPE: [115, false, 'This endpoint type does not support the request.'],
  UNKNOWN_CONTROLLER_ID: [116, false, 'No controller with this id is known.'],
  UNKNOWN_SUBSCRIPTION_ID: [117, false, 'The client telemetry subscription id is unknown or stale.'],
  TELEMETRY_TOO_LARGE: [118, false, 'The client telemetry payload is larger than the broker accepts.'],
  INVALID_REGISTRATION: [119, false, 'The controller registration is not valid.'],
  TRANSACTION_ABORTABLE: [120, false, 'The transaction hit an error; abort it to keep using the transactional id.'],
  INVALID_RECORD_STATE: [121, false, 'The record is not in a state that allows this acknowledgement.'],
  SHARE_SESSION_NOT_FOUND: [122, true, 'The share session is unknown to the broker.'],
  INVALID_SHARE_SESSION_EPOCH: [123, true, 'The share session epoch is not the expected one.'],
  FENCED_STATE_EPOCH: [124, false, "The share group state epoch does not match the share coordinator's."],
  INVALID_VOTER_KEY: [125, false, 'The voter key does not identify the receiving replica.'],
  DUPLICATE_VOTER: [126, false, 'The voter is already in the voter set.'],
  VOTER_NOT_FOUND: [127, false, 'The voter is not in the voter set.'],
  INVALID_REGULAR_EXPRESSION: [128, false, "The subscription's regular expression is not valid."],
  REBOOTSTRAP_REQUIRED: [129, false, 'The client must rebootstrap its metadata from the bootstrap servers.'],
  STREAMS_INVALID_TOPOLOGY: [130, false, 'The supplied topology is invalid.'],
  STREAMS_INVALID_TOPOLOGY_EPOCH: [131, false, 'The supplied topology epoch is invalid.'],
  STREAMS_TOPOLOGY_FENCED: [132, false, 'The supplied topology epoch is outdated.'],
  SHARE_SESSION_LIMIT_REACHED: [133, true, 'The limit of share sessions has been reached.'],
  GROUP_DELETION_FAILED: [134, false, 'DeleteGroups could not complete; see the error message on the per-group result for details.'],
} as const satisfies Record<string, readonly [number, boolean, string]>;

type ErrorName = keyof typeof catalog;

/** Error codes by Kafka's name: `ErrorCode.CORRUPT_MESSAGE === 2`. */
export const ErrorCode = Object.freeze(
  Object.fromEntries(Object.entries(catalog).map(([name, [code]]) => [name, code])),
) as { readonly [K in ErrorName]: (typeof catalog)[K][0] };
export type ErrorCode = (typeof ErrorCode)[ErrorName];

const byCode = new Map<number, KafkaError>(
  Object.entries(catalog).map(([name, [code, retriable, message]]) => [
    code,
    Object.freeze({ code, name, retriable, message }),
  ]),
);

/** Every known error, in code order. */
export const kafkaErrors: readonly KafkaError[] = [...byCode.values()].sort((a, b) => a.code - b.code);

/** The error with this code, or undefined for a code this catalog does not know. */
export function errorByCode(code: number): KafkaError | undefined {
  return byCode.get(code);
}

/** Kafka's name for a code (`UNKNOWN_ERROR_<n>` for a code this catalog does not know). */
export function errorName(code: number): string {
  return byCode.get(code)?.name ?? `UNKNOWN_ERROR_${code}`;
}

/** Whether Kafka clients retry on this code (false for unknown codes). */
export function isRetriable(code: number): boolean {
  return byCode.get(code)?.retriable ?? false;
}
