// Checks one config value against its definition. Returns a sentence saying what is wrong
// (with the allowed range or values), or null when the value is acceptable.
import type { ConfigDefinition } from './definitions.js';

const INTEGER = /^-?\d+$/;
const RANGES = {
  SHORT: [-32768, 32767],
  INT: [-2147483648, 2147483647],
  LONG: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
} as const;
const LONG_MAX = '9223372036854775807';

export function validateConfigValue(definition: ConfigDefinition, value: string): string | null {
  const problem = validateByType(definition, value);
  if (problem !== null || !definition.supported) return problem;
  const { values, why } = definition.supported;
  return values.includes(value) ? null : `${definition.name}=${value} is not supported: ${why} (allowed: ${values.join(', ')})`;
}

function validateByType(definition: ConfigDefinition, value: string): string | null {
  const custom = definition.check?.(value);
  if (custom) return custom;
  const { name, type } = definition;
  switch (type) {
    case 'BOOLEAN':
      return value === 'true' || value === 'false' ? null : `${name} must be true or false, not "${value}"`;
    case 'SHORT':
    case 'INT':
    case 'LONG': {
      if (!INTEGER.test(value)) return `${name} must be a whole number, not "${value}"`;
      // Long.MAX_VALUE is Kafka's "never" and is accepted as such.
      if (type === 'LONG' && value === LONG_MAX) return null;
      const n = Number(value);
      const [lo, hi] = RANGES[type];
      return checkRange(definition, n, Math.max(lo, definition.min ?? lo), Math.min(hi, definition.max ?? hi));
    }
    case 'DOUBLE': {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n)) return `${name} must be a number, not "${value}"`;
      return checkRange(definition, n, definition.min ?? -Infinity, definition.max ?? Infinity);
    }
    case 'LIST': {
      if (!definition.allowed) return null;
      const items = value.split(',').map((s) => s.trim());
      const bad = items.find((item) => !definition.allowed!.includes(item));
      return bad === undefined ? null : `${name} must be a list of ${definition.allowed.join(', ')}; "${bad}" is not one`;
    }
    default:
      if (definition.allowed && !definition.allowed.includes(value)) {
        return `${name} must be one of ${definition.allowed.join(', ')}, not "${value}"`;
      }
      return null;
  }
}

function checkRange(definition: ConfigDefinition, n: number, lo: number, hi: number): string | null {
  if (n >= lo && n <= hi) return null;
  const range = hi === Number.MAX_SAFE_INTEGER || hi === 2147483647 || hi === Infinity ? `at least ${lo}` : `between ${lo} and ${hi}`;
  return `${definition.name} must be ${range}, not ${n}`;
}
