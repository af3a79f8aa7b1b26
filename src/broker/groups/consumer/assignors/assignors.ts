// The server-side assignors a broker offers (group.consumer.assignors, KIP-848): the first is the
// default for groups whose members name none. Kafka accepts builtin names and class names; Brook
// offers its two builtins under either.
import { BUILTIN_ASSIGNOR_CLASSES, type PartitionAssignor } from './assignor.js';
import { RangeAssignor } from './range-assignor.js';
import { UniformAssignor } from './uniform-assignor.js';

const BUILTINS: Readonly<Record<string, () => PartitionAssignor>> = {
  uniform: () => new UniformAssignor(),
  range: () => new RangeAssignor(),
};

/** Builtin assignor name for a configured entry (name or Kafka class name), or undefined. */
export function builtinAssignorName(entry: string): string | undefined {
  const name = BUILTIN_ASSIGNOR_CLASSES[entry] ?? entry;
  return name in BUILTINS ? name : undefined;
}

export class AssignorRegistry {
  private readonly byName = new Map<string, PartitionAssignor>();
  readonly defaultName: string;

  /** `configured`: the group.consumer.assignors list, already validated. */
  constructor(configured: readonly string[]) {
    for (const entry of configured) {
      const name = builtinAssignorName(entry);
      if (name !== undefined && !this.byName.has(name)) this.byName.set(name, BUILTINS[name]!());
    }
    if (this.byName.size === 0) this.byName.set('uniform', new UniformAssignor());
    this.defaultName = this.byName.keys().next().value!;
  }

  get names(): string[] {
    return [...this.byName.keys()];
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  get(name: string | undefined): PartitionAssignor {
    return (name !== undefined ? this.byName.get(name) : undefined) ?? this.byName.get(this.defaultName)!;
  }
}
