// What AlterConfigs and IncrementalAlterConfigs share: finding the resource a change targets
// (a topic, this node's dynamic broker config, or the cluster-wide dynamic defaults), its
// current set of values, checking a proposed new set, and replacing the set. Both APIs reduce
// to "compute the resource's new complete set, validate it, replace it" — the legacy API gives
// the set directly, the incremental one derives it with SET/DELETE/APPEND/SUBTRACT.
import { ErrorCode } from '../../protocol/errors.js';
import type { BrokerState } from '../broker-state.js';
import { storageOutcome } from '../topics/topic-service.js';
import { validateTopicOverrides, type DynamicScope } from './broker-config.js';
import { brokerConfigByName, topicConfigByName, type ConfigDefinition } from './definitions.js';
import { ConfigResourceType, brokerScope, isResourceError, resourceError, unsupportedResourceType, type ResourceError } from './resource-types.js';
import { groupConfigDefinition } from '../groups/group-configs.js';

export type AlterTarget = { kind: 'topic'; topic: string } | { kind: 'broker'; scope: DynamicScope } | { kind: 'group'; group: string };

export function alterTarget(broker: BrokerState, resourceType: number, resourceName: string): AlterTarget | ResourceError {
  switch (resourceType) {
    case ConfigResourceType.TOPIC:
      if (!broker.topics.get(resourceName)) return resourceError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${resourceName}' does not exist.`);
      return { kind: 'topic', topic: resourceName };
    case ConfigResourceType.BROKER: {
      const scope = brokerScope(resourceName, broker.nodeId);
      return isResourceError(scope) ? scope : { kind: 'broker', scope };
    }
    case ConfigResourceType.GROUP:
      // Group configs (KIP-848/KIP-932) of any group id, existing or not, as Kafka allows.
      if (resourceName === '') return resourceError(ErrorCode.INVALID_REQUEST, 'Group name must not be empty');
      return { kind: 'group', group: resourceName };
    default:
      return unsupportedResourceType(resourceType);
  }
}

/** The resource's current values: a topic's overrides, or a broker scope's dynamic values. */
export function currentValues(broker: BrokerState, target: AlterTarget): Record<string, string> {
  if (target.kind === 'topic') return { ...(broker.topics.get(target.topic)?.configs ?? {}) };
  if (target.kind === 'group') return broker.groups.configs.overrides(target.group);
  return broker.dynamicConfig.current(target.scope);
}

export function definitionFor(target: AlterTarget, name: string): ConfigDefinition | undefined {
  if (target.kind === 'group') return groupConfigDefinition(name);
  return target.kind === 'topic' ? topicConfigByName.get(name) : brokerConfigByName.get(name);
}

/** INVALID_CONFIG with the offending key and its allowed values, or null when `values` may replace the set. */
export function checkValues(broker: BrokerState, target: AlterTarget, values: Readonly<Record<string, string>>): ResourceError | null {
  const problem = target.kind === 'topic' ? validateTopicOverrides(values) : target.kind === 'group' ? broker.groups.configs.validate(values) : broker.dynamicConfig.validate(values);
  return problem ? resourceError(ErrorCode.INVALID_CONFIG, problem) : null;
}

/** Replaces the resource's whole set with `values` (already checked). */
export async function replaceValues(broker: BrokerState, target: AlterTarget, values: Readonly<Record<string, string>>): Promise<ResourceError | null> {
  try {
    if (target.kind === 'topic') await broker.logs.alterTopicConfig(target.topic, { ...values });
    else if (target.kind === 'group') await broker.groups.configs.replace(target.group, values);
    else await broker.dynamicConfig.replace(target.scope, values);
    return null;
  } catch (e) {
    const outcome = storageOutcome(e);
    return resourceError(outcome.errorCode, outcome.errorMessage ?? 'altering the config failed');
  }
}

/** Kafka rejects a request naming one resource twice (INVALID_REQUEST for each copy). */
export function duplicateResources(resources: readonly { resourceType: number; resourceName: string }[]): Set<string> {
  const counts = new Map<string, number>();
  for (const r of resources) counts.set(resourceKey(r), (counts.get(resourceKey(r)) ?? 0) + 1);
  return new Set([...counts].filter(([, n]) => n > 1).map(([k]) => k));
}

export function resourceKey(r: { resourceType: number; resourceName: string }): string {
  return `${r.resourceType}:${r.resourceName}`;
}

export interface AlterResponse {
  resourceType: number;
  resourceName: string;
  errorCode: number;
  errorMessage: string | null;
}

/**
 * The loop both APIs run: resources in order, each change after every other (also across
 * requests, see DynamicBrokerConfig.exclusive), a resource named twice rejected, and `change`
 * called with the resolved target. Returns one response per resource, in request order.
 */
export async function alterEachResource<R extends { resourceType: number; resourceName: string }>(
  broker: BrokerState,
  resources: readonly R[],
  change: (resource: R, target: AlterTarget) => Promise<ResourceError | null>,
): Promise<AlterResponse[]> {
  const duplicates = duplicateResources(resources);
  const responses: AlterResponse[] = [];
  for (const r of resources) {
    const outcome = await broker.dynamicConfig.exclusive(async () => {
      if (duplicates.has(resourceKey(r))) return resourceError(ErrorCode.INVALID_REQUEST, 'Each resource must appear at most once.');
      const target = alterTarget(broker, r.resourceType, r.resourceName);
      if (isResourceError(target)) return target;
      return change(r, target);
    });
    responses.push({ resourceType: r.resourceType, resourceName: r.resourceName, errorCode: outcome?.errorCode ?? ErrorCode.NONE, errorMessage: outcome?.errorMessage ?? null });
  }
  return responses;
}

/** Checks the resource's proposed complete set and, unless only validating, replaces it. */
export async function checkAndReplace(
  broker: BrokerState,
  target: AlterTarget,
  values: Readonly<Record<string, string>>,
  validateOnly: boolean,
): Promise<ResourceError | null> {
  const invalid = checkValues(broker, target, values);
  if (invalid || validateOnly) return invalid;
  return replaceValues(broker, target, values);
}
