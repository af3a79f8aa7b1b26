// What the analyser makes of a SELECT: resolved sources and joins, typed clauses, aggregates, the
// projection with its output names, and the result schema (key and value columns). The planner
// builds a topology from exactly this.

import type { Column, WindowInfo } from '../catalog/data-source.js';
import type { AggregateImpl } from '../functions/registry.js';
import type { Expression, JoinType, WindowClause, WithinClause } from '../parser/ast.js';
import type { SqlType } from '../types/sql-type.js';
import type { SourceBinding } from './scope.js';
import type { TypedExpr } from './typed-expr.js';

export type JoinKind = 'stream-stream' | 'stream-table' | 'table-table' | 'fk-table-table';

export interface AnalyzedJoin {
  readonly type: JoinType;
  readonly kind: JoinKind;
  readonly right: SourceBinding;
  /** The join key evaluated on the rows joined so far (left side). */
  readonly leftKey: TypedExpr;
  /** The join key evaluated on the right source's rows (its primary key for table joins). */
  readonly rightKey: TypedExpr;
  readonly keyType: SqlType;
  readonly within: WithinClause | undefined;
  /** The ON clause as written, for messages and EXPLAIN. */
  readonly text: string;
  /** The key column's name in the result (a column of either side, or the synthetic ROWKEY). */
  readonly keyName: string;
  /** Slots that stand for the key column in a projection (both sides' key columns, when columns). */
  readonly keySlots: readonly string[];
  /** The key is synthetic (ROWKEY): a FULL OUTER join, or a join on expressions (joins/synthetic-keys.md). */
  readonly synthetic: boolean;
}

export interface AggregateCall {
  readonly slot: string;
  readonly name: string;
  readonly impl: AggregateImpl;
  /** Per-row arguments, over the pre-aggregation row. */
  readonly args: readonly TypedExpr[];
  readonly text: string;
}

export interface TableFunctionCall {
  readonly slot: string;
  readonly impl: (...args: unknown[]) => unknown[];
  readonly args: readonly TypedExpr[];
  readonly type: SqlType;
}

export interface OutputColumn {
  readonly name: string;
  readonly type: SqlType;
  readonly expr: TypedExpr;
  /** This column is (one of) the result's key columns. */
  readonly isKey: boolean;
}

export interface AnalyzedQuery {
  readonly bindings: readonly SourceBinding[];
  readonly joins: readonly AnalyzedJoin[];
  readonly where: TypedExpr | undefined;
  readonly window: WindowClause | undefined;
  /** GROUP BY expressions over the pre-aggregation row; their values form the key. */
  readonly groupBy: readonly TypedExpr[] | undefined;
  /** PARTITION BY: the new key expressions, or null for PARTITION BY NULL (no key). */
  readonly partitionBy: readonly TypedExpr[] | null | undefined;
  readonly aggregates: readonly AggregateCall[];
  readonly tableFunctions: readonly TableFunctionCall[];
  /** Over the post-aggregation row (group keys, aggregates, window bounds). */
  readonly having: TypedExpr | undefined;
  /** The projection in SELECT order. */
  readonly select: readonly OutputColumn[];
  /** The result schema: key columns first, then value columns. */
  readonly keyColumns: readonly Column[];
  readonly valueColumns: readonly Column[];
  readonly resultType: 'STREAM' | 'TABLE';
  /** Set when the result is windowed (a windowed aggregation, or a query over a windowed source). */
  readonly resultWindow: WindowInfo | undefined;
  readonly emit: 'CHANGES' | 'FINAL';
  readonly limit: number | undefined;
  /** Names of the sources read. */
  readonly sourceNames: readonly string[];
}

/** Slots of the post-aggregation row. */
export const keySlot = (i: number): string => `$K${i}`;
export const aggregateSlot = (i: number): string => `$A${i}`;
export const tableFunctionSlot = (i: number): string => `$T${i}`;
export const WINDOWSTART_SLOT = '$WINDOWSTART';
export const WINDOWEND_SLOT = '$WINDOWEND';

export type QueryMode = 'persistent' | 'push' | 'pull';

/** One projection item before it is split into key and value columns. */
export interface ProjectionItem {
  readonly expr: TypedExpr;
  readonly name: string;
  /** Canonical text of the written expression (for matching GROUP BY / PARTITION BY expressions). */
  readonly canonical: string | undefined;
  readonly written: Expression | undefined;
}
