// The broker's configuration in layers, resolved the way Kafka resolves it:
//   topic override (DYNAMIC_TOPIC_CONFIG) > dynamic value for this node (DYNAMIC_BROKER_CONFIG)
//   > dynamic cluster-wide default (DYNAMIC_DEFAULT_BROKER_CONFIG, the broker resource named "")
//   > static broker value from flags/env/file (STATIC_BROKER_CONFIG) > default (DEFAULT_CONFIG).
// Topic keys fall back to their broker synonym; a few broker keys have unit variants
// (log.retention.ms > .minutes > .hours, log.roll.ms > .hours) which count as synonyms too.
import {
  BROKER_CONFIGS,
  TOPIC_CONFIGS,
  brokerConfigByName,
  topicConfigByName,
  type ConfigDefinition,
} from './definitions.js';
import { validateConfigValue } from './validate.js';

/** DescribeConfigs configSource codes (v1+). */
export const ConfigSource = {
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  /** A group's own config (KIP-848 group configs). */
  GROUP_CONFIG: 8,
} as const;
export type ConfigSourceName = keyof typeof ConfigSource;

export interface ResolvedConfig {
  name: string;
  value: string | null;
  source: ConfigSourceName;
  definition: ConfigDefinition;
  /** The values this one was chosen from, most specific first (DescribeConfigs synonyms). */
  synonyms: { name: string; value: string | null; source: ConfigSourceName }[];
}

/** Broker keys whose value is derived from unit variants, with the multiplier to milliseconds. */
const UNIT_VARIANTS: Record<string, { name: string; factor: number }[]> = {
  'log.retention.ms': [
    { name: 'log.retention.ms', factor: 1 },
    { name: 'log.retention.minutes', factor: 60_000 },
    { name: 'log.retention.hours', factor: 3_600_000 },
  ],
  'log.roll.ms': [
    { name: 'log.roll.ms', factor: 1 },
    { name: 'log.roll.hours', factor: 3_600_000 },
  ],
};

/** Which dynamic layer a change targets: this node's, or the cluster-wide default (resource ""). */
export type DynamicScope = 'node' | 'cluster-default';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export class BrokerConfig {
  private readonly staticValues = new Map<string, string>();
  private readonly dynamicValues: Record<DynamicScope, Map<string, string>> = { node: new Map(), 'cluster-default': new Map() };
  /** Where a broker key's value comes from, highest precedence first (Kafka's order). */
  private readonly layerOrder: readonly { values: Map<string, string>; source: ConfigSourceName }[] = [
    { values: this.dynamicValues.node, source: 'DYNAMIC_BROKER_CONFIG' },
    { values: this.dynamicValues['cluster-default'], source: 'DYNAMIC_DEFAULT_BROKER_CONFIG' },
    { values: this.staticValues, source: 'STATIC_BROKER_CONFIG' },
  ];

  /** `values` are static settings (flags, environment, file); unknown keys are kept but ignored. */
  constructor(values: Record<string, string> = {}) {
    for (const [name, value] of Object.entries(values)) {
      const definition = brokerConfigByName.get(name);
      if (definition) {
        const problem = validateConfigValue(definition, value);
        if (problem) throw new ConfigError(problem);
      }
      this.staticValues.set(name, value);
    }
    // broker.id is Kafka's older name for node.id (KRaft): either may be given, and both must agree.
    const nodeId = this.staticValues.get('node.id');
    const brokerId = this.staticValues.get('broker.id');
    if (nodeId !== undefined && brokerId !== undefined && nodeId !== brokerId) {
      throw new ConfigError(`broker.id (${brokerId}) and node.id (${nodeId}) must be equal: they name the same id`);
    }
    if (brokerId !== undefined && nodeId === undefined) this.staticValues.set('node.id', brokerId);
    if (nodeId !== undefined && brokerId === undefined) this.staticValues.set('broker.id', nodeId);
  }

  /** Why `value` cannot be a dynamic value of `name`, or null when it can (null value: removal). */
  checkDynamic(name: string, value: string | null): string | null {
    const definition = brokerConfigByName.get(name);
    if (!definition) return `unknown broker config ${name}`;
    if (!definition.dynamic) return `${name} cannot be changed while the broker runs`;
    return value === null ? null : validateConfigValue(definition, value);
  }

  /** Sets (or with null, removes) a dynamic broker value. Returns an error sentence or null. */
  setDynamic(name: string, value: string | null, scope: DynamicScope = 'node'): string | null {
    const problem = this.checkDynamic(name, value);
    if (problem) return problem;
    if (value === null) this.dynamicValues[scope].delete(name);
    else this.dynamicValues[scope].set(name, value);
    return null;
  }

  dynamicEntries(scope: DynamicScope = 'node'): [string, string][] {
    return [...this.dynamicValues[scope].entries()];
  }

  /** Every layer that sets one broker key (without unit-variant fallback), most specific first. */
  private layers(name: string): { value: string; source: ConfigSourceName }[] {
    const out: { value: string; source: ConfigSourceName }[] = [];
    for (const layer of this.layerOrder) {
      const value = layer.values.get(name);
      if (value !== undefined) out.push({ value, source: layer.source });
    }
    return out;
  }

  /** Resolves a broker key, following unit variants (log.retention.ms from .hours, ...). */
  resolveBroker(name: string): ResolvedConfig {
    const definition = brokerConfigByName.get(name);
    if (!definition) throw new ConfigError(`unknown broker config ${name}`);
    const synonyms: ResolvedConfig['synonyms'] = [];
    let chosen: { value: string | null; source: ConfigSourceName } | undefined;
    const variants = UNIT_VARIANTS[name] ?? [{ name, factor: 1 }];
    for (const variant of variants) {
      for (const layered of this.layers(variant.name)) {
        synonyms.push({ name: variant.name, value: layered.value, source: layered.source });
        chosen ??= { value: scale(layered.value, variant.factor), source: layered.source };
      }
    }
    // Kafka lists the built-in defaults last (each unit variant's, when it has one).
    for (const variant of variants) {
      const fallback = defaultOf(variant.name);
      if (fallback !== null || variant.name === name) synonyms.push({ name: variant.name, value: fallback, source: 'DEFAULT_CONFIG' });
    }
    chosen ??= { value: defaultOf(name), source: 'DEFAULT_CONFIG' };
    return { name, value: chosen.value, source: chosen.source, definition, synonyms };
  }

  /** A static value by any name, known or not (per-listener overrides such as listener.name.ssl.ssl.keystore.location). */
  staticValue(name: string): string | undefined {
    return this.staticValues.get(name);
  }

  /**
   * resolveBroker(name).value without building its synonym list: some values are read per request
   * (fetch.max.bytes by every Fetch), where the list was garbage each time.
   */
  get(name: string): string | null {
    if (!brokerConfigByName.has(name)) throw new ConfigError(`unknown broker config ${name}`);
    for (const variant of UNIT_VARIANTS[name] ?? [{ name, factor: 1 }]) {
      for (const layer of this.layerOrder) {
        const value = layer.values.get(variant.name);
        if (value !== undefined) return scale(value, variant.factor);
      }
    }
    return defaultOf(name);
  }

  getNumber(name: string): number {
    const v = this.get(name);
    return v === null ? NaN : Number(v);
  }

  getBoolean(name: string): boolean {
    return this.get(name) === 'true';
  }

  /** Resolves a topic key given the topic's overrides. */
  resolveTopic(name: string, overrides: Readonly<Record<string, string>>): ResolvedConfig {
    const definition = topicConfigByName.get(name);
    if (!definition) throw new ConfigError(`unknown topic config ${name}`);
    const synonyms: ResolvedConfig['synonyms'] = [];
    const override = overrides[name];
    if (override !== undefined) synonyms.push({ name, value: override, source: 'DYNAMIC_TOPIC_CONFIG' });
    let fromBroker: ResolvedConfig | undefined;
    if (definition.brokerSynonym) {
      fromBroker = this.resolveBroker(definition.brokerSynonym);
      for (const s of fromBroker.synonyms) if (s.source !== 'DEFAULT_CONFIG') synonyms.push(s);
    }
    if (override !== undefined) return { name, value: override, source: 'DYNAMIC_TOPIC_CONFIG', definition, synonyms };
    if (fromBroker && fromBroker.source !== 'DEFAULT_CONFIG') {
      return { name, value: fromBroker.value, source: fromBroker.source, definition, synonyms };
    }
    synonyms.push({ name, value: definition.defaultValue, source: 'DEFAULT_CONFIG' });
    return { name, value: definition.defaultValue, source: 'DEFAULT_CONFIG', definition, synonyms };
  }

  /** Every topic key resolved for a topic with these overrides. */
  resolveAllTopic(overrides: Readonly<Record<string, string>>): ResolvedConfig[] {
    return TOPIC_CONFIGS.map((d) => this.resolveTopic(d.name, overrides));
  }

  resolveAllBroker(): ResolvedConfig[] {
    return BROKER_CONFIGS.map((d) => this.resolveBroker(d.name));
  }
}

/** Validates topic overrides (CreateTopics, AlterConfigs). Returns an error sentence or null. */
export function validateTopicOverrides(overrides: Readonly<Record<string, string | null>>): string | null {
  for (const [name, value] of Object.entries(overrides)) {
    const definition = topicConfigByName.get(name);
    if (!definition) return `unknown topic config ${name}`;
    if (value === null) continue;
    const problem = validateConfigValue(definition, value);
    if (problem) return problem;
  }
  return null;
}

function defaultOf(name: string): string | null {
  return brokerConfigByName.get(name)?.defaultValue ?? null;
}

function scale(value: string, factor: number): string {
  if (factor === 1) return value;
  const n = Number(value);
  return n < 0 ? String(n) : String(n * factor);
}
