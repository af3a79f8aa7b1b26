// Group configs (KIP-848/KIP-932 "GROUP" config resources): per-group overrides of consumer-group
// (consumer.*) and share-group (share.*, errors.deadletterqueue.*) behaviour, read and changed with
// DescribeConfigs / IncrementalAlterConfigs on resource type 32, as `kafka-configs --entity-type
// groups` does. One store for every kind of group. Each key falls back to its broker synonym
// (group.consumer.*, group.share.*), and a group value must lie within the broker's min/max keys and
// keep the session timeout above the heartbeat interval, as Kafka's GroupConfig checks.
//
// Durable home: `<data-dir>/meta/group-configs`, replaced atomically (temp file, fdatasync,
// rename, fsync of meta/); UTF-8 JSON { "version": 1, "groups": { "<group>": { key: value } },
// "crc32c": n } with the CRC-32C of the JSON without that key. No `.json` suffix: the topic
// metadata store owns meta/*.json. A file that fails its CRC stops the broker at start rather than
// silently dropping an operator's settings.
import type { FileSystem } from '../../storage/index.js';
import { MetaFile } from '../../storage/meta-file.js';
import type { BrokerConfig } from '../config/broker-config.js';
import { ConfigType, type ConfigDefinition } from '../config/definitions.js';
import type { DescribedConfig, DescribeOptions } from '../config/described-config.js';
import { validateConfigValue } from '../config/validate.js';
import { parseAutoOffsetReset } from './share/auto-offset-reset.js';

export const GROUP_CONFIG_FILE = 'group-configs';

/** DescribeConfigs configSource for a group override (Kafka's ConfigSource.GROUP_CONFIG). */
const GROUP_CONFIG_SOURCE = 8;
const DEFAULT_CONFIG_SOURCE = 5;
const STATIC_BROKER_CONFIG_SOURCE = 4;

interface GroupConfigDefinition extends ConfigDefinition {
  /** The broker key whose value applies without an override. */
  brokerSynonym: string | null;
  /** Broker keys bounding a group value (Kafka validates share.* overrides against them). */
  bounds?: [string, string];
  check?: (value: string) => string | null;
}

function def(name: string, type: ConfigDefinition['type'], defaultValue: string | null, brokerSynonym: string | null, documentation: string, extra: Partial<GroupConfigDefinition> = {}): GroupConfigDefinition {
  return { name, type, defaultValue, brokerSynonym, documentation, ...extra };
}

export const GROUP_CONFIGS: readonly GroupConfigDefinition[] = [
  // KIP-848 consumer groups (read by groups/consumer/consumer-settings.ts).
  def('consumer.session.timeout.ms', 'INT', '45000', 'group.consumer.session.timeout.ms', 'The timeout to detect client failures when using the consumer group protocol.', { min: 1, bounds: ['group.consumer.min.session.timeout.ms', 'group.consumer.max.session.timeout.ms'] }),
  def('consumer.heartbeat.interval.ms', 'INT', '5000', 'group.consumer.heartbeat.interval.ms', 'The heartbeat interval given to the members of a consumer group.', { min: 1, bounds: ['group.consumer.min.heartbeat.interval.ms', 'group.consumer.max.heartbeat.interval.ms'] }),
  def('consumer.assignment.interval.ms', 'INT', '1000', 'group.consumer.assignment.interval.ms', 'The interval between assignment updates for a consumer group.', { min: 0, bounds: ['group.consumer.min.assignment.interval.ms', 'group.consumer.max.assignment.interval.ms'] }),
  // KIP-932 share groups.
  def('share.session.timeout.ms', 'INT', '45000', 'group.share.session.timeout.ms', 'The timeout to detect client failures when using the share group protocol.', { min: 1, bounds: ['group.share.min.session.timeout.ms', 'group.share.max.session.timeout.ms'] }),
  def('share.heartbeat.interval.ms', 'INT', '5000', 'group.share.heartbeat.interval.ms', 'The heartbeat interval given to the members of a share group.', { min: 1, bounds: ['group.share.min.heartbeat.interval.ms', 'group.share.max.heartbeat.interval.ms'] }),
  def('share.record.lock.duration.ms', 'INT', '30000', 'group.share.record.lock.duration.ms', 'The record acquisition lock duration in milliseconds for share groups.', { min: 1000, bounds: ['group.share.min.record.lock.duration.ms', 'group.share.max.record.lock.duration.ms'] }),
  def('share.delivery.count.limit', 'INT', '5', 'group.share.delivery.count.limit', 'The maximum number of delivery attempts for a record delivered to a share group.', { min: 2, bounds: ['group.share.min.delivery.count.limit', 'group.share.max.delivery.count.limit'] }),
  def('share.partition.max.record.locks', 'INT', '2000', 'group.share.partition.max.record.locks', 'Share-group record lock limit per share-partition.', { min: 100, bounds: ['group.share.min.partition.max.record.locks', 'group.share.max.partition.max.record.locks'] }),
  def('share.auto.offset.reset', 'STRING', 'latest', null, 'Where a share-partition starts when the group has no position in it: earliest, latest, or by_duration:<ISO-8601 duration> (that long before now).', { check: (v) => (parseAutoOffsetReset(v) ? null : `share.auto.offset.reset must be earliest, latest or by_duration:<ISO-8601 duration>, not "${v}"`) }),
  def('share.isolation.level', 'STRING', 'read_uncommitted', null, 'read_committed delivers only records of committed transactions; read_uncommitted delivers every record.', { allowed: ['read_committed', 'read_uncommitted'] }),
  def('share.renew.acknowledge.enable', 'BOOLEAN', 'true', null, 'Whether members may renew acquisition locks (Renew acknowledgements, KIP-1222).'),
  def('errors.deadletterqueue.topic.name', 'STRING', '', null, 'The dead-letter topic of this share group (KIP-1191); blank for none. Must start with errors.deadletterqueue.topic.name.prefix, not with "__", and the topic needs errors.deadletterqueue.group.enable=true.', { check: (v) => (v.startsWith('__') ? 'errors.deadletterqueue.topic.name: DLQ topic name must not start with \'__\'' : null) }),
  def('errors.deadletterqueue.copy.record.enable', 'BOOLEAN', 'false', null, 'Whether dead-letter records copy the original key, value and headers, or carry only the context headers.'),
  def('brook.share.dead.letter.topic', 'STRING', '', null, 'Brook: the dead-letter topic of this share group, created when missing; records are copied there with the context headers. Takes precedence over the topic-level setting of the same name.', { check: (v) => (v.startsWith('__') ? 'brook.share.dead.letter.topic must not start with "__"' : null) }),
];

const byName = new Map(GROUP_CONFIGS.map((d) => [d.name, d]));

export function groupConfigDefinition(name: string): ConfigDefinition | undefined {
  return byName.get(name);
}

export class GroupConfigStore {
  private groups = new Map<string, Record<string, string>>();
  private readonly file: MetaFile<FileV1>;

  constructor(
    fs: FileSystem,
    dataDir: string,
    private readonly broker: BrokerConfig,
  ) {
    this.file = new MetaFile(fs, dataDir, GROUP_CONFIG_FILE, 'group configs');
  }

  async load(): Promise<void> {
    const parsed = await this.file.read(1, (body) => (validGroups(body.groups) ? null : 'invalid fields'));
    if (parsed) this.groups = new Map(Object.entries(parsed.groups));
  }

  /** A group's overrides (a copy). */
  overrides(group: string): Record<string, string> {
    return { ...(this.groups.get(group) ?? {}) };
  }

  /** The value in force: the group's override, else the broker synonym, else the default. */
  get(group: string, name: string): string {
    const override = this.groups.get(group)?.[name];
    if (override !== undefined) return override;
    const d = byName.get(name);
    if (!d) throw new Error(`unknown group config ${name}`);
    if (d.brokerSynonym) return this.broker.get(d.brokerSynonym) ?? d.defaultValue ?? '';
    return d.defaultValue ?? '';
  }

  getNumber(group: string, name: string): number {
    return Number(this.get(group, name));
  }

  /** Why `values` cannot be the group's override set, or null. */
  validate(values: Readonly<Record<string, string>>): string | null {
    for (const [name, value] of Object.entries(values)) {
      const d = byName.get(name);
      if (!d) return `Unknown group config name: ${name}`;
      const problem = validateConfigValue(d, value) ?? d.check?.(value) ?? null;
      if (problem) return problem;
      if (d.bounds) {
        const lo = this.broker.getNumber(d.bounds[0]);
        const hi = this.broker.getNumber(d.bounds[1]);
        const n = Number(value);
        if (n < lo || n > hi) return `${name} must be between ${lo} and ${hi} (${d.bounds[0]} and ${d.bounds[1]}), not ${value}`;
      }
    }
    if (values['consumer.session.timeout.ms'] !== undefined || values['consumer.heartbeat.interval.ms'] !== undefined) {
      const session = Number(values['consumer.session.timeout.ms'] ?? this.broker.get('group.consumer.session.timeout.ms'));
      const heartbeat = Number(values['consumer.heartbeat.interval.ms'] ?? this.broker.get('group.consumer.heartbeat.interval.ms'));
      if (heartbeat >= session) return 'consumer.session.timeout.ms must be greater than consumer.heartbeat.interval.ms';
    }
    const session = Number(values['share.session.timeout.ms'] ?? this.broker.get('group.share.session.timeout.ms'));
    const heartbeat = Number(values['share.heartbeat.interval.ms'] ?? this.broker.get('group.share.heartbeat.interval.ms'));
    if (heartbeat >= session) return 'share.session.timeout.ms must be greater than share.heartbeat.interval.ms';
    return null;
  }

  /** Replaces the group's overrides (already validated) and persists every group's. */
  async replace(group: string, values: Readonly<Record<string, string>>): Promise<void> {
    const next = new Map(this.groups);
    if (Object.keys(values).length === 0) next.delete(group);
    else next.set(group, { ...values });
    await this.file.write({ version: 1, groups: Object.fromEntries(next) });
    this.groups = next;
  }

  /** Whether the group has overrides (they outlive the group, as in Kafka, until removed). */
  has(group: string): boolean {
    return this.groups.has(group);
  }

  /** DescribeConfigs entries for a group, in Kafka's shape. */
  describe(group: string, options: DescribeOptions): DescribedConfig[] {
    const wanted = options.keys === null ? null : new Set(options.keys);
    const overrides = this.groups.get(group) ?? {};
    const out: DescribedConfig[] = [];
    for (const d of GROUP_CONFIGS) {
      if (wanted && !wanted.has(d.name)) continue;
      const synonyms: DescribedConfig['synonyms'] = [];
      const override = overrides[d.name];
      if (override !== undefined) synonyms.push({ name: d.name, value: override, source: GROUP_CONFIG_SOURCE });
      const brokerValue = d.brokerSynonym ? this.broker.resolveBroker(d.brokerSynonym) : null;
      if (brokerValue && brokerValue.source !== 'DEFAULT_CONFIG') synonyms.push({ name: d.brokerSynonym!, value: brokerValue.value, source: STATIC_BROKER_CONFIG_SOURCE });
      synonyms.push({ name: d.brokerSynonym ?? d.name, value: d.defaultValue, source: DEFAULT_CONFIG_SOURCE });
      const value = this.get(group, d.name);
      const source = override !== undefined ? GROUP_CONFIG_SOURCE : brokerValue && brokerValue.source !== 'DEFAULT_CONFIG' ? STATIC_BROKER_CONFIG_SOURCE : DEFAULT_CONFIG_SOURCE;
      out.push({
        name: d.name,
        value,
        readOnly: false,
        isDefault: source === DEFAULT_CONFIG_SOURCE,
        configSource: source,
        isSensitive: false,
        synonyms: options.includeSynonyms ? synonyms : [],
        configType: ConfigType[d.type],
        documentation: options.includeDocumentation ? d.documentation : null,
      });
    }
    return out;
  }
}

interface FileV1 {
  version: 1;
  groups: Record<string, Record<string, string>>;
}

function validGroups(groups: unknown): groups is Record<string, Record<string, string>> {
  if (typeof groups !== 'object' || groups === null) return false;
  return Object.values(groups).every((values) => typeof values === 'object' && values !== null && Object.values(values as object).every((v) => typeof v === 'string'));
}
