// Group configs (KIP-848): per-group overrides of the broker's group.consumer.* settings, set with
// IncrementalAlterConfigs (or AlterConfigs) on a GROUP resource and shown by DescribeConfigs, as
// kafka-configs --entity-type groups does. A key the group does not set falls back to its broker
// synonym. Values are checked as Kafka's GroupConfig checks them: whole numbers within the range the
// broker allows (group.consumer.min/max.*), and a session timeout above the heartbeat interval.
// Persisted in meta/group-configs (group-config-store.ts); read by consumer groups at each use.
import type { ConfigDefinition } from '../config/definitions.js';
import type { BrokerConfig } from '../config/broker-config.js';
import type { GroupConfigStore } from './group-config-store.js';

export interface GroupConfigDefinition extends ConfigDefinition {
  /** The broker key this one overrides. */
  brokerSynonym: string;
  /** Broker keys bounding the values a group may set. */
  minKey?: string;
  maxKey?: string;
}

function groupDef(name: string, brokerSynonym: string, documentation: string, bounds: { minKey?: string; maxKey?: string; min: number }): GroupConfigDefinition {
  return { name, type: 'INT', defaultValue: null, documentation, brokerSynonym, minKey: bounds.minKey, maxKey: bounds.maxKey, min: bounds.min };
}

export const GROUP_CONFIGS: readonly GroupConfigDefinition[] = [
  groupDef('consumer.session.timeout.ms', 'group.consumer.session.timeout.ms', 'The timeout to detect client failures when using the consumer group protocol.', {
    min: 1,
    minKey: 'group.consumer.min.session.timeout.ms',
    maxKey: 'group.consumer.max.session.timeout.ms',
  }),
  groupDef('consumer.heartbeat.interval.ms', 'group.consumer.heartbeat.interval.ms', 'The heartbeat interval given to the members of a consumer group.', {
    min: 1,
    minKey: 'group.consumer.min.heartbeat.interval.ms',
    maxKey: 'group.consumer.max.heartbeat.interval.ms',
  }),
  groupDef('consumer.assignment.interval.ms', 'group.consumer.assignment.interval.ms', 'The interval between assignment updates for a consumer group.', {
    min: 0,
    minKey: 'group.consumer.min.assignment.interval.ms',
    maxKey: 'group.consumer.max.assignment.interval.ms',
  }),
];

export const groupConfigByName: ReadonlyMap<string, GroupConfigDefinition> = new Map(GROUP_CONFIGS.map((d) => [d.name, d]));

export interface ResolvedGroupConfig {
  name: string;
  value: string;
  /** GROUP_CONFIG when the group sets it, else where the broker synonym's value comes from. */
  source: 'GROUP_CONFIG' | 'STATIC_BROKER_CONFIG' | 'DYNAMIC_BROKER_CONFIG' | 'DYNAMIC_DEFAULT_BROKER_CONFIG' | 'DEFAULT_CONFIG';
  definition: GroupConfigDefinition;
  synonyms: { name: string; value: string | null; source: ResolvedGroupConfig['source'] }[];
}

export class GroupConfigs {
  private groups = new Map<string, Record<string, string>>();

  constructor(
    private readonly config: BrokerConfig,
    private readonly store: GroupConfigStore | null,
  ) {}

  async load(): Promise<void> {
    if (this.store) this.groups = await this.store.load();
  }

  /** The group's own value of a key, or undefined. */
  value(groupId: string, name: string): string | undefined {
    return this.groups.get(groupId)?.[name];
  }

  current(groupId: string): Record<string, string> {
    return { ...(this.groups.get(groupId) ?? {}) };
  }

  /** A sentence saying why `values` may not be the group's set, or null (Kafka's GroupConfig.validate). */
  validate(values: Readonly<Record<string, string>>): string | null {
    const parsed = new Map<string, number>();
    for (const [name, raw] of Object.entries(values)) {
      const d = groupConfigByName.get(name);
      if (!d) return `Unknown group config name: ${name}`;
      if (!/^-?\d+$/.test(raw.trim())) return `Invalid value ${raw} for configuration ${name}: Not a number of type INT`;
      const n = Number(raw.trim());
      if (n < (d.min ?? 0) || n > 2147483647) return `Invalid value ${n} for configuration ${name}: Value must be at least ${d.min ?? 0}`;
      const lo = d.minKey ? this.config.getNumber(d.minKey) : (d.min ?? 0);
      const hi = d.maxKey ? this.config.getNumber(d.maxKey) : 2147483647;
      if (n < lo || n > hi) return `${name} must be in the range ${lo} to ${hi} inclusive.`;
      parsed.set(name, n);
    }
    if (parsed.has('consumer.session.timeout.ms') || parsed.has('consumer.heartbeat.interval.ms')) {
      const session = parsed.get('consumer.session.timeout.ms') ?? this.config.getNumber('group.consumer.session.timeout.ms');
      const heartbeat = parsed.get('consumer.heartbeat.interval.ms') ?? this.config.getNumber('group.consumer.heartbeat.interval.ms');
      if (session <= heartbeat) return 'consumer.session.timeout.ms must be greater than consumer.heartbeat.interval.ms';
    }
    return null;
  }

  /** Replaces the group's whole set (already validated) and persists every group's configs. */
  async replace(groupId: string, values: Readonly<Record<string, string>>): Promise<void> {
    const next = new Map(this.groups);
    if (Object.keys(values).length === 0) next.delete(groupId);
    else next.set(groupId, { ...values });
    await this.store?.save(next);
    this.groups = next;
  }

  resolveAll(groupId: string): ResolvedGroupConfig[] {
    return GROUP_CONFIGS.map((d) => {
      const broker = this.config.resolveBroker(d.brokerSynonym);
      const brokerSynonyms = broker.synonyms.map((s) => ({ name: s.name, value: s.value, source: s.source as ResolvedGroupConfig['source'] }));
      const own = this.value(groupId, d.name);
      if (own !== undefined) {
        return { name: d.name, value: own, source: 'GROUP_CONFIG', definition: d, synonyms: [{ name: d.name, value: own, source: 'GROUP_CONFIG' }, ...brokerSynonyms] };
      }
      return { name: d.name, value: broker.value ?? '', source: broker.source as ResolvedGroupConfig['source'], definition: d, synonyms: brokerSynonyms };
    });
  }
}
