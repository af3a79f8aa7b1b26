// DescribeConfigs entries for one resource, in Kafka's shape: a topic's every key resolved
// through its overrides and broker synonyms; this node's every broker key; or, for the broker
// resource "" (cluster-wide defaults), only the dynamic default values, as Kafka lists them.
import { ErrorCode } from '../../protocol/errors.js';
import type { BrokerState } from '../broker-state.js';
import { ConfigSource, type ResolvedConfig } from './broker-config.js';
import { ConfigType, brokerConfigByName } from './definitions.js';
import { ConfigResourceType, brokerScope, isResourceError, resourceError, unsupportedResourceType, type ResourceError } from './resource-types.js';

export type { DescribedConfig, DescribeOptions } from './described-config.js';
import type { DescribedConfig, DescribeOptions } from './described-config.js';


export function describeResource(broker: BrokerState, resourceType: number, resourceName: string, options: DescribeOptions): DescribedConfig[] | ResourceError {
  // Group configs (KIP-848/KIP-932): one store for every kind of group (groups/group-configs.ts).
  if (resourceType === ConfigResourceType.GROUP) {
    if (resourceName === '') return resourceError(ErrorCode.INVALID_REQUEST, 'Group name must not be empty');
    return broker.groups.configs.describe(resourceName, options);
  }
  const resolved = resolveResource(broker, resourceType, resourceName);
  if (isResourceError(resolved)) return resolved;
  const wanted = options.keys === null ? null : new Set(options.keys);
  return resolved.entries.filter((r) => wanted === null || wanted.has(r.name)).map((r) => describeOne(r, resolved.readOnly(r.name), options));
}

interface ResolvedResource {
  entries: ResolvedConfig[];
  readOnly(name: string): boolean;
}

function resolveResource(broker: BrokerState, resourceType: number, resourceName: string): ResolvedResource | ResourceError {
  switch (resourceType) {
    case ConfigResourceType.TOPIC: {
      const topic = broker.topics.get(resourceName);
      if (!topic) return resourceError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${resourceName}' does not exist.`);
      return { entries: broker.config.resolveAllTopic(topic.configs), readOnly: () => false };
    }
    case ConfigResourceType.BROKER: {
      const scope = brokerScope(resourceName, broker.nodeId);
      if (isResourceError(scope)) return scope;
      const readOnly = (name: string): boolean => !brokerConfigByName.get(name)?.dynamic;
      if (scope === 'node') return { entries: broker.config.resolveAllBroker(), readOnly };
      return { entries: clusterDefaults(broker), readOnly };
    }
    default:
      return unsupportedResourceType(resourceType);
  }
}

/** The broker resource "": each cluster-wide dynamic default, its own only synonym. */
function clusterDefaults(broker: BrokerState): ResolvedConfig[] {
  const out: ResolvedConfig[] = [];
  for (const [name, value] of broker.config.dynamicEntries('cluster-default')) {
    const definition = brokerConfigByName.get(name);
    if (!definition) continue;
    out.push({ name, value, source: 'DYNAMIC_DEFAULT_BROKER_CONFIG', definition, synonyms: [{ name, value, source: 'DYNAMIC_DEFAULT_BROKER_CONFIG' }] });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

function describeOne(r: ResolvedConfig, readOnly: boolean, options: DescribeOptions): DescribedConfig {
  const isSensitive = r.definition.type === 'PASSWORD';
  const hide = (v: string | null): string | null => (isSensitive ? null : v);
  return {
    name: r.name,
    value: hide(r.value),
    readOnly,
    // v0 only: the key has no value set anywhere but its built-in default.
    isDefault: r.source === 'DEFAULT_CONFIG',
    configSource: ConfigSource[r.source],
    isSensitive,
    // v1+ (KIP-226): only when asked for.
    synonyms: options.includeSynonyms ? r.synonyms.map((s) => ({ name: s.name, value: hide(s.value), source: ConfigSource[s.source] })) : [],
    configType: ConfigType[r.definition.type],
    // v3+ (KIP-569): only when asked for.
    documentation: options.includeDocumentation ? r.definition.documentation : null,
  };
}
