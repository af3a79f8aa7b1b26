// Kafka's client quota model (KIP-55, KIP-257, KIP-546, KIP-612): entities, keys, validation and the
// precedence that decides which configured entity governs a client.
//
// An entity is a set of (type, name) pairs, each type at most once: `user`, `client-id` (alone or
// together) or `ip` (alone); a null name is the type's default ("<default>" in kafka-configs).
// Keys and their value types, as Kafka's QuotaConfig declares them:
//   user / client-id   producer_byte_rate (LONG), consumer_byte_rate (LONG), request_percentage
//                      (DOUBLE), controller_mutation_rate (DOUBLE)
//   ip                 connection_creation_rate (INT)
// Every value must be > 0; integral keys refuse fractions (ClientQuotaControlManager.validateQuotaKeyValue).
//
// Precedence (Kafka's DefaultQuotaCallback, docs "Quotas"), most specific first, per key:
//   (user, client-id) > (user, <default> client-id) > (user) > (<default> user, client-id)
//   > (<default> user, <default> client-id) > (<default> user) > (client-id) > (<default> client-id)
// The entity that wins also decides who shares the quota: a named level is shared by everyone it
// names, a <default> level gives each user (or client id) its own (the metric tags Kafka uses).
import { isIP } from 'node:net';

export const USER = 'user';
export const CLIENT_ID = 'client-id';
export const IP = 'ip';

export type QuotaKeyType = 'LONG' | 'DOUBLE' | 'INT';

export const CLIENT_QUOTA_KEYS: ReadonlyMap<string, QuotaKeyType> = new Map([
  ['producer_byte_rate', 'LONG'],
  ['consumer_byte_rate', 'LONG'],
  ['request_percentage', 'DOUBLE'],
  ['controller_mutation_rate', 'DOUBLE'],
]);
export const IP_QUOTA_KEYS: ReadonlyMap<string, QuotaKeyType> = new Map([['connection_creation_rate', 'INT']]);

/** One entity: type -> name (null: the default). */
export type QuotaEntity = ReadonlyMap<string, string | null>;

/** The entity's identity as a string: its pairs sorted by type, names JSON-quoted (null for default). */
export function entityKey(entity: QuotaEntity): string {
  return [...entity.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([t, n]) => `${t}=${JSON.stringify(n)}`)
    .join(',');
}

export class QuotaRequestError extends Error {
  override readonly name = 'QuotaRequestError';
}

/** Builds an entity from the wire's pairs, refusing what Kafka refuses (INVALID_REQUEST). */
export function entityFromWire(pairs: readonly { entityType: string; entityName: string | null }[]): Map<string, string | null> {
  if (pairs.length === 0) throw new QuotaRequestError('Invalid empty client quota entity');
  const out = new Map<string, string | null>();
  for (const { entityType, entityName } of pairs) {
    if (out.has(entityType)) throw new QuotaRequestError(`Invalid client quota entity, duplicate entity entry ${entityType}`);
    if (entityType !== USER && entityType !== CLIENT_ID && entityType !== IP) throw new QuotaRequestError(`Unhandled client quota entity type: ${entityType}`);
    if (entityName !== null && entityName === '') throw new QuotaRequestError(`Empty ${entityType} not supported`);
    out.set(entityType, entityName);
  }
  return out;
}

/** The keys an entity may carry; throws for a combination Kafka refuses. */
export function keysFor(entity: QuotaEntity): ReadonlyMap<string, QuotaKeyType> {
  if (entity.has(IP)) {
    if (entity.has(USER) || entity.has(CLIENT_ID)) {
      throw new QuotaRequestError('Invalid quota entity combination, IP entity should not be combined with User or ClientId');
    }
    const ip = entity.get(IP) ?? null;
    // Kafka also accepts a resolvable host name; Brook takes IP literals only (no DNS on this path).
    if (ip !== null && isIP(ip) === 0) throw new QuotaRequestError(`${ip} is not a valid IP or resolvable host.`);
    return IP_QUOTA_KEYS;
  }
  return CLIENT_QUOTA_KEYS;
}

/** Checks one key and value for an entity (Kafka's validateQuotaKeyValue). */
export function checkQuotaValue(keys: ReadonlyMap<string, QuotaKeyType>, key: string, value: number): void {
  const type = keys.get(key);
  if (type === undefined) throw new QuotaRequestError(`Invalid configuration key ${key}`);
  if (!(value > 0)) throw new QuotaRequestError(`Quota ${key} must be greater than 0`);
  if (type === 'DOUBLE') return;
  if (type === 'INT' && value > 2147483647) throw new QuotaRequestError(`Proposed value for ${key} is too large for an INT.`);
  if (Math.abs(value % 1) > 1e-6) throw new QuotaRequestError(`${key} cannot be a fractional value.`);
}

/** A filter component of DescribeClientQuotas: match 0 = exact name, 1 = the default, 2 = any specified name. */
export interface QuotaFilterComponent {
  entityType: string;
  matchType: number;
  match: string | null;
}

export const MATCH_EXACT = 0;
export const MATCH_DEFAULT = 1;
export const MATCH_SPECIFIED = 2;

/** Checks a DescribeClientQuotas filter as Kafka does (duplicate types, ip with user/client-id). */
export function checkFilter(components: readonly QuotaFilterComponent[]): void {
  const seen = new Set<string>();
  for (const c of components) {
    if (c.entityType !== USER && c.entityType !== CLIENT_ID && c.entityType !== IP) throw new QuotaRequestError(`Custom entity type '${c.entityType}' not supported`);
    if (seen.has(c.entityType)) throw new QuotaRequestError(`Duplicate ${c.entityType} filter component entity type`);
    seen.add(c.entityType);
    if (c.matchType !== MATCH_EXACT && c.matchType !== MATCH_DEFAULT && c.matchType !== MATCH_SPECIFIED) throw new QuotaRequestError(`Unknown match type ${c.matchType}`);
    if (c.matchType === MATCH_EXACT && (c.match === null || c.match === '')) throw new QuotaRequestError(`Exact ${c.entityType} match needs a name`);
  }
  if (seen.has(IP) && (seen.has(USER) || seen.has(CLIENT_ID))) {
    throw new QuotaRequestError('Invalid entity filter component combination, IP filter component should not be used with user or clientId filter component.');
  }
}

/** Whether an entity passes a filter (every component matches; strict: no other types). */
export function filterMatches(components: readonly QuotaFilterComponent[], strict: boolean, entity: QuotaEntity): boolean {
  if (strict && entity.size !== components.length) return false;
  for (const c of components) {
    if (!entity.has(c.entityType)) return false;
    const name = entity.get(c.entityType) ?? null;
    if (c.matchType === MATCH_EXACT && name !== c.match) return false;
    if (c.matchType === MATCH_DEFAULT && name !== null) return false;
    if (c.matchType === MATCH_SPECIFIED && name === null) return false;
  }
  return true;
}

/** The entity levels tried for (user, clientId), most specific first, with the tags of each level. */
export function precedence(user: string, clientId: string): { entity: string; tags: string }[] {
  const e = (u: string | null | undefined, c: string | null | undefined): string => {
    const m = new Map<string, string | null>();
    if (u !== undefined) m.set(USER, u);
    if (c !== undefined) m.set(CLIENT_ID, c);
    return entityKey(m);
  };
  const both = `${user}\u0000${clientId}`;
  return [
    { entity: e(user, clientId), tags: both },
    { entity: e(user, null), tags: both },
    { entity: e(user, undefined), tags: `${user}\u0000` },
    { entity: e(null, clientId), tags: both },
    { entity: e(null, null), tags: both },
    { entity: e(null, undefined), tags: `${user}\u0000` },
    { entity: e(undefined, clientId), tags: `\u0000${clientId}` },
    { entity: e(undefined, null), tags: `\u0000${clientId}` },
  ];
}
