// The sources of a query (FROM and JOIN items) and how a column reference resolves among them.
// Every column of every source gets a slot named `ALIAS.COLUMN`; pseudo columns (ROWTIME,
// ROWPARTITION, ROWOFFSET) and the window bounds of windowed sources are slots too.

import { PSEUDO_COLUMNS, WINDOW_BOUNDS, type Column, type DataSource } from '../catalog/data-source.js';
import { SqlError } from '../errors.js';
import { mapExpression } from '../parser/ast-utils.js';
import type { Expression, Pos } from '../parser/ast.js';
import { formatExpression } from '../parser/formatter.js';
import type { SqlType } from '../types/sql-type.js';
import type { ResolvedColumn } from './expression-analyzer.js';

export interface SourceBinding {
  readonly alias: string;
  readonly source: DataSource;
}

/** A slot of a source row: a real column or a pseudo column. */
export interface SourceSlot {
  readonly slot: string;
  readonly name: string;
  readonly type: SqlType;
  readonly kind: Column['kind'] | 'PSEUDO' | 'WINDOW';
  readonly binding: SourceBinding;
}

export function slotName(alias: string, column: string): string {
  return `${alias}.${column}`;
}

/** Every slot of one source, in row order: columns as declared, then pseudo columns, then window bounds. */
export function sourceSlots(b: SourceBinding): SourceSlot[] {
  const out: SourceSlot[] = b.source.columns.map((c) => ({ slot: slotName(b.alias, c.name), name: c.name, type: c.type, kind: c.kind, binding: b }));
  for (const p of PSEUDO_COLUMNS) out.push({ slot: slotName(b.alias, p.name), name: p.name, type: p.type, kind: 'PSEUDO', binding: b });
  if (b.source.window) for (const w of WINDOW_BOUNDS) out.push({ slot: slotName(b.alias, w.name), name: w.name, type: w.type, kind: 'WINDOW', binding: b });
  return out;
}

export function locationPrefix(pos: Pos | undefined): string {
  return pos ? `Line: ${pos.line}, Col: ${pos.column}: ` : '';
}

export class QueryScope {
  private readonly slots: SourceSlot[];

  constructor(readonly bindings: readonly SourceBinding[]) {
    this.slots = bindings.flatMap(sourceSlots);
  }

  binding(alias: string): SourceBinding | undefined {
    return this.bindings.find((b) => b.alias === alias);
  }

  /**
   * The synthetic key of a join result (ROWKEY of a FULL OUTER join or a join on expressions,
   * joins/synthetic-keys.md): a key column of no source, its slot `$NAME`.
   */
  addSynthetic(name: string, type: SqlType): void {
    this.slots.push({ slot: `$${name}`, name, type, kind: 'KEY', binding: { alias: '', source: this.bindings[0]!.source } });
    this.synthetic = name;
  }

  /** The name of the synthetic key column, if the query has one. */
  synthetic: string | undefined;

  allSlots(): readonly SourceSlot[] {
    return this.slots;
  }

  slotsOf(alias: string): SourceSlot[] {
    return this.slots.filter((s) => s.binding.alias === alias);
  }

  /** Resolve `source.name` or `name`; `clause` prefixes the error ("SELECT column 'X' cannot be resolved."). */
  resolve(source: string | undefined, name: string, clause: string, pos?: Pos): ResolvedColumn & { readonly info: SourceSlot } {
    const written = source === undefined ? name : `${source}.${name}`;
    if (source !== undefined) {
      const b = this.binding(source);
      if (!b) throw new SqlError(`${locationPrefix(pos)}'${source}' is not a valid stream/table name or alias.`);
      const hit = this.slots.find((s) => s.binding === b && s.name === name);
      if (!hit) throw new SqlError(`${locationPrefix(pos)}${clause} column '${written}' cannot be resolved.`);
      return { slot: hit.slot, type: hit.type, info: hit };
    }
    const hits = this.slots.filter((s) => s.name === name);
    if (hits.length === 0) throw new SqlError(`${locationPrefix(pos)}${clause} column '${written}' cannot be resolved.`);
    // Pseudo columns and window bounds, unqualified, are the first source's.
    const real = hits.filter((h) => h.kind !== 'PSEUDO' && h.kind !== 'WINDOW');
    if (real.length > 1) {
      throw new SqlError(`${locationPrefix(pos)}Column '${name}' is ambiguous. Could be any of: ${real.map((h) => `${h.binding.alias}.${h.name}`).join(', ')}`);
    }
    const hit = real[0] ?? hits[0]!;
    return { slot: hit.slot, type: hit.type, info: hit };
  }
}

/** The text of an expression with every column qualified by its source: equal texts, equal expressions. */
export function canonical(e: Expression, scope: QueryScope): string {
  const qualified = mapExpression(e, (x) => {
    if (x.kind !== 'column') return undefined;
    try {
      const r = scope.resolve(x.source, x.name, '');
      return { ...x, source: r.info.binding.alias, name: r.info.name };
    } catch {
      return undefined;
    }
  });
  return formatExpression(qualified);
}
