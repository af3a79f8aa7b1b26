// Kafka's ACL model (KIP-11, KIP-290 prefixed patterns), with Kafka's wire codes:
//   binding  (resource type, resource name, pattern type) + (principal, host, operation, permission)
//   pattern  LITERAL: the name itself, or "*" for every resource of the type; PREFIXED: every name
//            starting with it
//   filters  (Describe/DeleteAcls) ANY matches every value, MATCH (pattern type) matches every binding
//            that would apply to the named resource; null strings match anything.
// Truth table of one decision (StandardAuthorizer, KIP-11):
//   super user                                                    -> ALLOWED
//   a matching DENY for the operation (or ALL)                    -> DENIED
//   a matching ALLOW for the operation, ALL, or one implying it   -> ALLOWED
//   no ACL at all on the resource, allow.everyone.if.no.acl.found -> ALLOWED
//   otherwise                                                     -> DENIED
// Implied operations: READ, WRITE, DELETE and ALTER imply DESCRIBE; ALTER_CONFIGS implies DESCRIBE_CONFIGS.

export const ResourceType = { UNKNOWN: 0, ANY: 1, TOPIC: 2, GROUP: 3, CLUSTER: 4, TRANSACTIONAL_ID: 5, DELEGATION_TOKEN: 6, USER: 7 } as const;
export const PatternType = { UNKNOWN: 0, ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 } as const;
export const Operation = {
  UNKNOWN: 0, ANY: 1, ALL: 2, READ: 3, WRITE: 4, CREATE: 5, DELETE: 6, ALTER: 7, DESCRIBE: 8, CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10, ALTER_CONFIGS: 11, IDEMPOTENT_WRITE: 12, CREATE_TOKENS: 13, DESCRIBE_TOKENS: 14, TWO_PHASE_COMMIT: 15,
} as const;
export const Permission = { UNKNOWN: 0, ANY: 1, DENY: 2, ALLOW: 3 } as const;

export const WILDCARD = '*';
export const WILDCARD_PRINCIPAL = 'User:*';

export interface AclBinding {
  resourceType: number;
  resourceName: string;
  patternType: number;
  principal: string;
  host: string;
  operation: number;
  permission: number;
}

export interface AclFilter {
  resourceType: number;
  resourceName: string | null;
  patternType: number;
  principal: string | null;
  host: string | null;
  operation: number;
  permission: number;
}

const nameOf = (table: Record<string, number>, code: number): string => Object.entries(table).find(([, c]) => c === code)?.[0] ?? String(code);
export const resourceTypeName = (c: number): string => nameOf(ResourceType, c);
export const operationName = (c: number): string => nameOf(Operation, c);
export const permissionName = (c: number): string => nameOf(Permission, c);
export const patternTypeName = (c: number): string => nameOf(PatternType, c);

/** Why a binding cannot be created (CreateAcls INVALID_REQUEST), or null. */
export function invalidBinding(b: AclBinding): string | null {
  if (b.resourceType <= ResourceType.ANY || b.resourceType > ResourceType.USER) return 'the resource type must be a concrete type';
  if (b.patternType !== PatternType.LITERAL && b.patternType !== PatternType.PREFIXED) return 'the pattern type must be LITERAL or PREFIXED';
  if (b.operation <= Operation.ANY || b.operation > Operation.TWO_PHASE_COMMIT) return 'the operation must be a concrete operation';
  if (b.permission !== Permission.ALLOW && b.permission !== Permission.DENY) return 'the permission must be ALLOW or DENY';
  if (b.resourceName === '') return 'the resource name must not be empty';
  if (b.resourceType === ResourceType.CLUSTER && b.resourceName !== 'kafka-cluster') return 'the cluster resource is named kafka-cluster';
  if (!/^[^:]+:.+$/.test(b.principal)) return `the principal "${b.principal}" is not Type:name`;
  if (b.patternType === PatternType.PREFIXED && b.resourceName === WILDCARD) return 'a PREFIXED pattern cannot be *';
  return null;
}

/** Whether a binding's resource pattern covers the resource named `name`. */
export function patternCovers(b: { patternType: number; resourceName: string }, name: string): boolean {
  if (b.patternType === PatternType.LITERAL) return b.resourceName === name || b.resourceName === WILDCARD;
  return b.patternType === PatternType.PREFIXED && name.startsWith(b.resourceName);
}

/** Describe/DeleteAcls filter matching (AclBindingFilter.matches). */
export function filterMatches(f: AclFilter, b: AclBinding): boolean {
  if (f.resourceType !== ResourceType.ANY && f.resourceType !== b.resourceType) return false;
  if (f.patternType === PatternType.MATCH) {
    if (f.resourceName !== null && !patternCovers(b, f.resourceName)) return false;
  } else {
    if (f.patternType !== PatternType.ANY && f.patternType !== b.patternType) return false;
    if (f.resourceName !== null && f.resourceName !== b.resourceName) return false;
  }
  if (f.principal !== null && f.principal !== b.principal) return false;
  if (f.host !== null && f.host !== b.host) return false;
  if (f.operation !== Operation.ANY && f.operation !== b.operation) return false;
  return f.permission === Permission.ANY || f.permission === b.permission;
}

/** Whether an ALLOW for `granted` allows `wanted` (equal, ALL, or implied). */
export function allowImplies(granted: number, wanted: number): boolean {
  if (granted === wanted || granted === Operation.ALL) return true;
  if (wanted === Operation.DESCRIBE) return granted === Operation.READ || granted === Operation.WRITE || granted === Operation.DELETE || granted === Operation.ALTER;
  if (wanted === Operation.DESCRIBE_CONFIGS) return granted === Operation.ALTER_CONFIGS;
  return false;
}

export function sameBinding(a: AclBinding, b: AclBinding): boolean {
  return a.resourceType === b.resourceType && a.resourceName === b.resourceName && a.patternType === b.patternType && a.principal === b.principal && a.host === b.host && a.operation === b.operation && a.permission === b.permission;
}
