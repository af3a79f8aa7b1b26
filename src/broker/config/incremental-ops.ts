// IncrementalAlterConfigs (KIP-339) operations applied to a resource's current values, giving
// the complete new set. Truth table:
//   SET (0)      value required          key = value
//   DELETE (1)   value ignored           key removed (falls back to the broker value / default)
//   APPEND (2)   LIST keys only          current (or default) list + new items, duplicates dropped
//   SUBTRACT (3) LIST keys only          current (or default) list without the given items
// Each key may appear once per resource.
import { ErrorCode } from '../../protocol/errors.js';
import type { ConfigDefinition } from './definitions.js';
import { resourceError, type ResourceError } from './resource-types.js';

export const AlterConfigOp = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

export interface ConfigChange {
  name: string;
  configOperation: number;
  value: string | null;
}

export function applyIncrementalOps(
  current: Readonly<Record<string, string>>,
  changes: readonly ConfigChange[],
  definitionFor: (name: string) => ConfigDefinition | undefined,
): Record<string, string> | ResourceError {
  const names = new Set<string>();
  for (const c of changes) {
    if (names.has(c.name)) return resourceError(ErrorCode.INVALID_REQUEST, `Error due to duplicate config keys: ${c.name}`);
    names.add(c.name);
  }
  const next: Record<string, string> = { ...current };
  for (const c of changes) {
    const definition = definitionFor(c.name);
    if (!definition) return resourceError(ErrorCode.INVALID_CONFIG, `Unknown config name: ${c.name}`);
    switch (c.configOperation) {
      case AlterConfigOp.SET:
        if (c.value === null) return resourceError(ErrorCode.INVALID_REQUEST, `Null value not supported for: ${c.name}`);
        next[c.name] = c.value;
        break;
      case AlterConfigOp.DELETE:
        delete next[c.name];
        break;
      case AlterConfigOp.APPEND:
      case AlterConfigOp.SUBTRACT: {
        const verb = c.configOperation === AlterConfigOp.APPEND ? 'append' : 'subtract';
        if (definition.type !== 'LIST') return resourceError(ErrorCode.INVALID_CONFIG, `Config value ${verb} is not allowed for config key: ${c.name} (not a list)`);
        if (c.value === null) return resourceError(ErrorCode.INVALID_REQUEST, `Null value not supported for: ${c.name}`);
        const base = splitList(current[c.name] ?? definition.defaultValue ?? '');
        const items = splitList(c.value);
        const result = verb === 'append' ? [...new Set([...base, ...items])] : base.filter((x) => !items.includes(x));
        next[c.name] = result.join(',');
        break;
      }
      default:
        return resourceError(ErrorCode.INVALID_REQUEST, `Unknown alter config operation ${c.configOperation} for ${c.name}`);
    }
  }
  return next;
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
