// Authorized-operations bitfields (KIP-430) for Metadata (topics, cluster), DescribeCluster,
// DescribeGroups and DescribeTopicPartitions, computed from what the broker's authorizer actually
// allows: one bit per operation that applies to the resource type (Kafka's AclOperation codes and
// its per-type operation lists, AclEntry.supportedOperations) and that the authorizer permits for
// the connection's principal. INT32_MIN is Kafka's "not requested" value.
//
// Without authorizer.class.name the authorizer in force, ALLOW_EVERYTHING, permits every operation and
// the bitfields say so truthfully; with it, the ACL authorizer (security/acl-authorizer.ts) answers for
// the connection's principal and host, and the bitfields follow the ACLs.

/** Kafka's AclOperation codes (clients/.../acl/AclOperation.java). */
export const AclOperation = {
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
} as const;
export type AclOperationCode = (typeof AclOperation)[keyof typeof AclOperation];

export type ResourceKind = 'topic' | 'group' | 'cluster' | 'transactional-id';

/** The operations that apply to each resource type, as Kafka lists them. */
const APPLICABLE: Record<ResourceKind, readonly AclOperationCode[]> = {
  topic: [AclOperation.READ, AclOperation.WRITE, AclOperation.CREATE, AclOperation.DESCRIBE, AclOperation.DELETE, AclOperation.ALTER, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS],
  // DESCRIBE_CONFIGS / ALTER_CONFIGS since group configs exist (Kafka 4, KIP-848 / KIP-932).
  group: [AclOperation.READ, AclOperation.DESCRIBE, AclOperation.DELETE, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS],
  cluster: [AclOperation.CREATE, AclOperation.CLUSTER_ACTION, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS, AclOperation.IDEMPOTENT_WRITE, AclOperation.ALTER, AclOperation.DESCRIBE],
  'transactional-id': [AclOperation.DESCRIBE, AclOperation.WRITE],
};

export interface AuthorizationRequest {
  principal: string;
  operation: AclOperationCode;
  resource: ResourceKind;
  /** The resource's name ("kafka-cluster" for the cluster, as Kafka names it). */
  name: string;
  /** The client's address (ACL host entries); absent: any host matches only "*". */
  host?: string;
}

/** Decides whether a principal may perform an operation on a resource. */
export interface Authorizer {
  allows(request: AuthorizationRequest): boolean;
}

/** The authorizer while Brook has no ACLs: every principal may do everything (and is told so). */
export const ALLOW_EVERYTHING: Authorizer = { allows: () => true };

/** Every connection's principal until authentication exists (Kafka's name for an unauthenticated user). */
export const ANONYMOUS = 'User:ANONYMOUS';

export const NOT_REQUESTED = -2147483648;
export const CLUSTER_RESOURCE_NAME = 'kafka-cluster';

/** The KIP-430 bitfield of the operations `authorizer` allows `principal` on one resource. */
export function authorizedOperations(authorizer: Authorizer, principal: string, resource: ResourceKind, name: string, host?: string): number {
  let bits = 0;
  for (const operation of APPLICABLE[resource]) if (authorizer.allows({ principal, operation, resource, name, ...(host !== undefined ? { host } : {}) })) bits |= 1 << operation;
  return bits;
}

/** The bitfield when the request asked for it (`included`), else Kafka's "not requested" value. */
export function requestedOperations(included: boolean, authorizer: Authorizer, principal: string, resource: ResourceKind, name: string, host?: string): number {
  return included ? authorizedOperations(authorizer, principal, resource, name, host) : NOT_REQUESTED;
}
