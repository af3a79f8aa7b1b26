// Names of projected columns and which of them are the result's key. Unaliased expressions take
// their column's (or struct field's) name, or a generated KSQL_COL_n; a persistent query must
// project its key (the source key, the GROUP BY or PARTITION BY expressions, or the join key), or
// it fails with ksqlDB's "Key missing from projection" error.

import { RESERVED_COLUMN_NAMES, type Column } from '../catalog/data-source.js';
import { SqlError } from '../errors.js';
import type { Expression, SelectItem } from '../parser/ast.js';
import { formatType, type SqlType } from '../types/sql-type.js';
import type { QueryMode } from './analyzed-query.js';
import type { QueryScope } from './scope.js';
import type { TypedExpr } from './typed-expr.js';

export interface ProjectionItemLike {
  readonly expr: TypedExpr;
  readonly name: string;
  readonly canonical: string | undefined;
  readonly written: Expression | undefined;
}

export class NameAllocator {
  private next = 0;
  private readonly taken: Set<string>;

  constructor(scope: QueryScope) {
    this.taken = new Set(scope.allSlots().map((s) => s.name));
  }

  generated(): string {
    let name = `KSQL_COL_${this.next++}`;
    while (this.taken.has(name)) name = `KSQL_COL_${this.next++}`;
    this.taken.add(name);
    return name;
  }
}

/** The default name of an unaliased select expression. */
export function deriveName(e: Expression, names: NameAllocator): string {
  if (e.kind === 'column') return e.name;
  if (e.kind === 'deref') return e.field;
  return names.generated();
}

export function reservedAliasCheck(item: ProjectionItemLike, mode: QueryMode, select: readonly SelectItem[]): void {
  if (mode !== 'persistent' || !RESERVED_COLUMN_NAMES.has(item.name)) return;
  const aliased = select.some((s) => s.kind === 'expression' && s.alias === item.name);
  if (aliased) throw new SqlError(`\`${item.name}\` is a reserved column name. You cannot use it as an alias for a column.`);
  throw new SqlError(`Reserved column name in select: \`${item.name}\`. Please remove or alias the column.`);
}

export interface KeySpec {
  /** 'key column', 'grouping expression', 'partitioning expression' or 'join expression'. */
  readonly kind: string;
  /** How the key is written, for the error message. */
  readonly text: string;
  readonly type: SqlType;
  readonly matches: (item: ProjectionItemLike) => boolean;
}

function listText(texts: readonly string[]): string {
  if (texts.length <= 1) return texts.join('');
  return `${texts.slice(0, -1).join(', ')} and ${texts[texts.length - 1]}`;
}

export class KeyTracker {
  private specs: readonly KeySpec[] = [];

  constructor(
    private readonly mode: QueryMode,
    private readonly sinkName: string | undefined,
  ) {}

  expect(specs: readonly KeySpec[]): void {
    this.specs = specs;
  }

  split<T extends ProjectionItemLike>(items: readonly T[]): { keyItems: T[]; keyColumns: Column[]; valueColumns: Column[] } {
    const keyItems: T[] = [];
    const missing: KeySpec[] = [];
    for (const spec of this.specs) {
      const hit = items.find((it) => !keyItems.includes(it) && spec.matches(it));
      if (hit) keyItems.push(hit);
      else missing.push(spec);
    }
    if (missing.length > 0 && this.mode === 'persistent') {
      const kind = missing[0]!.kind;
      const texts = missing.map((m) => m.text);
      const plural = texts.length > 1 ? `${kind}s` : kind;
      const example = kind === 'join expression' ? texts[0]!.split(' or ')[0]! : texts.join(', ');
      const what = kind === 'join expression' && texts[0]!.includes(' or ') ? `join expressions ${texts[0]}` : `${plural} ${listText(texts)}`;
      throw new SqlError(
        `Key missing from projection (ie, SELECT). See https://cnfl.io/2LV7ouS.\nThe query used to build \`${this.sinkName ?? 'OUTPUT'}\` must include the ${what} in its projection (eg, SELECT ${example}...).`,
      );
    }
    const keyColumns: Column[] = keyItems.map((it) => ({ name: it.name, type: it.expr.type, kind: 'KEY' }));
    const valueColumns: Column[] = items.filter((it) => !keyItems.includes(it)).map((it) => ({ name: it.name, type: it.expr.type, kind: 'VALUE' }));
    const seen = new Map<string, Column>();
    for (const c of [...keyColumns, ...valueColumns]) {
      const prior = seen.get(c.name);
      if (prior) throw new SqlError(`Duplicate value columns found in schema: \`${c.name}\` ${formatType(c.type)}`);
      seen.set(c.name, c);
    }
    if (this.mode === 'persistent' && valueColumns.length === 0) throw new SqlError('The projection contains no value columns.');
    return { keyItems, keyColumns, valueColumns };
  }
}
