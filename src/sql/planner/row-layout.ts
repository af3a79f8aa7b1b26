// Row layouts: which slot sits at which position of the arrays that flow through a query's
// topology. A source row holds its source's columns, pseudo columns and window bounds; a join row
// is the left row followed by the right row; a post-aggregation row holds key slots, aggregate
// results and window bounds.

import type { CompileContext } from '../compile/expression-compiler.js';
import type { SqlType } from '../types/sql-type.js';

export class RowLayout implements CompileContext {
  private readonly index = new Map<string, number>();

  constructor(
    readonly slots: readonly string[],
    readonly types: readonly SqlType[],
  ) {
    slots.forEach((s, i) => this.index.set(s, i));
  }

  get length(): number {
    return this.slots.length;
  }

  has(slot: string): boolean {
    return this.index.has(slot);
  }

  slotIndex(slot: string): number {
    const i = this.index.get(slot);
    if (i === undefined) throw new RangeError(`slot ${slot} is not in this row (${this.slots.join(', ')})`);
    return i;
  }

  concat(other: RowLayout): RowLayout {
    return new RowLayout([...this.slots, ...other.slots], [...this.types, ...other.types]);
  }
}
