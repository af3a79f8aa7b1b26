// The ACL authorizer (authorizer.class.name set): decides each (principal, host, operation,
// resource) by the truth table in acl-model.ts, with super.users and allow.everyone.if.no.acl.found.
// Bindings are grouped by resource type once per ACL change, so a decision scans only its type's
// bindings; an unauthenticated broker with no authorizer never reaches this code (ALLOW_EVERYTHING).
import type { AuthorizationRequest, Authorizer, ResourceKind } from '../topics/authorized-operations.js';
import { allowImplies, Operation, Permission, patternCovers, ResourceType, WILDCARD, WILDCARD_PRINCIPAL, type AclBinding } from './acl-model.js';
import type { AclStore } from './acl-store.js';

const KIND_TYPE: Record<ResourceKind, number> = { topic: ResourceType.TOPIC, group: ResourceType.GROUP, cluster: ResourceType.CLUSTER, 'transactional-id': ResourceType.TRANSACTIONAL_ID };

export class AclAuthorizer implements Authorizer {
  private byType = new Map<number, AclBinding[]>();
  private seenVersion = -1;

  constructor(
    private readonly store: AclStore,
    private readonly superUsers: Set<string>,
    private readonly allowIfNoAcl: boolean,
  ) {}

  static superUsersFrom(text: string): Set<string> {
    return new Set(text.split(';').map((s) => s.trim()).filter((s) => s !== ''));
  }

  /** A principal allowed everything from now on, beside super.users (the broker's own internal clients). */
  addSuperUser(principal: string): void {
    this.superUsers.add(principal);
  }

  allows(request: AuthorizationRequest): boolean {
    if (this.superUsers.has(request.principal)) return true;
    if (this.seenVersion !== this.store.version) this.regroup();
    const host = request.host ?? '';
    let anyOnResource = false;
    let allowed = false;
    for (const b of this.byType.get(KIND_TYPE[request.resource]) ?? []) {
      if (!patternCovers(b, request.name)) continue;
      anyOnResource = true;
      if (b.principal !== request.principal && b.principal !== WILDCARD_PRINCIPAL) continue;
      if (b.host !== WILDCARD && b.host !== host) continue;
      if (b.permission === Permission.DENY) {
        if (b.operation === request.operation || b.operation === Operation.ALL) return false;
      } else if (allowImplies(b.operation, request.operation)) {
        allowed = true;
      }
    }
    return allowed || (!anyOnResource && this.allowIfNoAcl);
  }

  /**
   * Whether the principal holds some right inside a namespace of resource names (every name starting
   * with `prefix`, e.g. an AMQP vhost's `amqp:<vhost>:`): RabbitMQ's "has permissions in the vhost",
   * decided like Kafka's authorizeByResourceType but for one namespace instead of a whole type:
   *   super user                                                                  -> ALLOWED
   *   a matching DENY ALL over the whole namespace (LITERAL *, or PREFIXED on a prefix of it) -> DENIED
   *   a matching ALLOW (any operation) over the namespace, or on a pattern inside it -> ALLOWED
   *   no ACL over or inside the namespace at all, allow.everyone.if.no.acl.found  -> ALLOWED
   *   otherwise                                                                   -> DENIED
   * ("matching": the binding's principal is the request's or User:*, its host the request's or *.)
   */
  allowsWithin(request: { principal: string; host: string; resource: ResourceKind; prefix: string }): boolean {
    if (this.superUsers.has(request.principal)) return true;
    if (this.seenVersion !== this.store.version) this.regroup();
    let anyInNamespace = false;
    let allowed = false;
    for (const b of this.byType.get(KIND_TYPE[request.resource]) ?? []) {
      const over = patternCovers(b, request.prefix);
      if (!over && !(b.resourceName.startsWith(request.prefix) && b.resourceName !== WILDCARD)) continue;
      anyInNamespace = true;
      if (b.principal !== request.principal && b.principal !== WILDCARD_PRINCIPAL) continue;
      if (b.host !== WILDCARD && b.host !== request.host) continue;
      if (b.permission === Permission.DENY) {
        if (over && b.operation === Operation.ALL) return false;
      } else {
        allowed = true;
      }
    }
    return allowed || (!anyInNamespace && this.allowIfNoAcl);
  }

  private regroup(): void {
    this.byType = new Map();
    for (const b of this.store.all) {
      let list = this.byType.get(b.resourceType);
      if (!list) this.byType.set(b.resourceType, (list = []));
      list.push(b);
    }
    this.seenVersion = this.store.version;
  }
}
