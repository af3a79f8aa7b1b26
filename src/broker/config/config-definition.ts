// The shape of one configuration key, shared by every list of keys (definitions.ts and the listener,
// security and share-group lists it spreads). It imports nothing, so those lists can use it without
// an import cycle through definitions.ts.
/** DescribeConfigs v3+ configType codes. */
export const ConfigType = {
  BOOLEAN: 1,
  STRING: 2,
  INT: 3,
  SHORT: 4,
  LONG: 5,
  DOUBLE: 6,
  LIST: 7,
  CLASS: 8,
  PASSWORD: 9,
} as const;
export type ConfigTypeName = keyof typeof ConfigType;

export interface ConfigDefinition {
  name: string;
  type: ConfigTypeName;
  /** Default as Kafka prints it; null when the key has no default. */
  defaultValue: string | null;
  /** Inclusive numeric range for INT/LONG/SHORT/DOUBLE. */
  min?: number;
  max?: number;
  /** Allowed values for enumerated STRING/LIST keys. */
  allowed?: readonly string[];
  /** Can be changed at run time (IncrementalAlterConfigs on the broker resource). */
  dynamic?: boolean;
  /**
   * The only values Brook honours, when Kafka allows more, and why: any other value is refused with
   * INVALID_CONFIG (or a start error) rather than accepted and ignored.
   */
  supported?: { values: readonly string[]; why: string };
  /** A check beyond type and range (a sentence when the value is refused). */
  check?: (value: string) => string | null;
  documentation: string;
}

/** One key, its options in `extra`. */
export function def(
  name: string,
  type: ConfigTypeName,
  defaultValue: string | null,
  documentation: string,
  extra: Partial<ConfigDefinition> = {},
): ConfigDefinition {
  return { name, type, defaultValue, documentation, ...extra };
}
