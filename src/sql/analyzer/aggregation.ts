// GROUP BY, aggregates and HAVING. After aggregation a row holds only the grouping values ($K0..),
// the aggregate results ($A0..) and, for windowed aggregations, the window bounds; SELECT and
// HAVING are typed against that row: a GROUP BY expression (matched by its canonical text) stands
// for its key slot, an aggregate call for its result slot, and any other column is an error
// ("Non-aggregate SELECT expression(s) not part of GROUP BY: ...").

import { SqlError } from '../errors.js';
import type { AggregateFunction, FunctionRegistry } from '../functions/registry.js';
import type { Expression, Query, SelectItem } from '../parser/ast.js';
import { walkExpression } from '../parser/ast-utils.js';
import { formatExpression } from '../parser/formatter.js';
import { BIGINT, formatType, type SqlType } from '../types/sql-type.js';
import { aggregateSlot, keySlot, WINDOWEND_SLOT, WINDOWSTART_SLOT, type AggregateCall } from './analyzed-query.js';
import { ExpressionAnalyzer, type ResolvedColumn } from './expression-analyzer.js';
import { deriveName, type NameAllocator } from './projection.js';
import type { ProjectionItem } from './analyzed-query.js';
import { canonical, type QueryScope } from './scope.js';
import type { TypedExpr } from './typed-expr.js';

export interface AggregationInput {
  readonly query: Query;
  readonly scope: QueryScope;
  readonly analyzer: (clause: string) => ExpressionAnalyzer;
  readonly registry: FunctionRegistry;
  readonly resolveType: (name: string) => SqlType | undefined;
  readonly names: NameAllocator;
  readonly expand: (item: SelectItem) => ReadonlyArray<{ readonly expression: Expression; readonly alias: string | undefined }>;
}

export interface AggregationResult {
  readonly items: ProjectionItem[];
  readonly groupBy: TypedExpr[];
  readonly keySlots: string[];
  readonly aggregates: AggregateCall[];
  readonly having: TypedExpr | undefined;
}

/** Thrown (and caught per SELECT item) when an expression reads a column outside GROUP BY. */
class NonAggregateColumn extends Error {}

export function analyzeAggregation(input: AggregationInput): AggregationResult {
  const { query: q, scope, registry } = input;
  const groupAnalyzer = input.analyzer('GROUP BY');
  const groupExprs = q.groupBy!;
  for (const g of groupExprs) {
    const agg = [...walkExpression(g)].find((x) => x.kind === 'call' && registry.isAggregate(x.name));
    if (agg && agg.kind === 'call') throw new SqlError(`GROUP BY does not support aggregate functions: ${agg.name.toUpperCase()} is an aggregate function.`);
  }
  const groupBy = groupExprs.map((g) => groupAnalyzer.analyze(g));
  const groupCanon = groupExprs.map((g) => canonical(g, scope));
  groupCanon.forEach((c, i) => {
    if (groupCanon.indexOf(c) !== i) throw new SqlError(`Duplicate GROUP BY expression: ${c}`);
  });
  const keySlots = groupBy.map((_g, i) => keySlot(i));
  const windowed = q.window !== undefined;

  const aggregates: AggregateCall[] = [];
  const preAggregate = new ExpressionAnalyzer({
    registry,
    resolveType: input.resolveType,
    resolveColumn: (s, n) => scope.resolve(s, n, 'SELECT'),
  });
  const nestedError = (outer: string): ExpressionAnalyzer =>
    new ExpressionAnalyzer({ ...preAggregate.ctx, aggregate: (inner) => {
      throw new SqlError(`Aggregate functions can not be nested: ${outer}(${formatExpression(inner)})`);
    } });

  const registerAggregate = (call: Extract<Expression, { kind: 'call' }>): ResolvedColumn => {
    const text = canonical(call, scope);
    const existing = aggregates.find((a) => a.text === text);
    if (existing) return { slot: existing.slot, type: existing.impl.returns };
    const fn: AggregateFunction = registry.aggregate(call.name)!;
    const name = call.name.toUpperCase();
    const an = nestedError(name);
    const columnCount = call.star ? 0 : (fn.columnArgs?.(call.args.length) ?? Math.min(1, call.args.length));
    const args = call.args.slice(0, columnCount).map((a) => an.analyze(a));
    const literals = call.args.slice(columnCount).map((a) => {
      const v = an.analyze(a);
      if (v.op !== 'const') throw new SqlError(`The arguments of ${name} after the first must be literals: ${formatExpression(call)}`);
      return v.value;
    });
    const impl = fn.resolve(
      args.map((a) => a.type),
      literals,
    );
    if (!impl) {
      throw new SqlError(`Function '${call.name}' does not accept parameters (${args.map((a) => formatType(a.type)).join(', ')}).\nValid alternatives are:\n${fn.signatures.join('\n')}`);
    }
    const slot = aggregateSlot(aggregates.length);
    aggregates.push({ slot, name, impl, args, text });
    return { slot, type: impl.returns };
  };

  const postAggregate = new ExpressionAnalyzer({
    registry,
    resolveType: input.resolveType,
    resolveColumn: () => {
      throw new NonAggregateColumn();
    },
    aggregate: registerAggregate,
    substitute: (e) => {
      if (e.kind === 'column' && e.source === undefined && windowed && (e.name === 'WINDOWSTART' || e.name === 'WINDOWEND')) {
        return { slot: e.name === 'WINDOWSTART' ? WINDOWSTART_SLOT : WINDOWEND_SLOT, type: BIGINT };
      }
      if (e.kind === 'literal') return undefined;
      const i = groupCanon.indexOf(canonical(e, scope));
      return i < 0 ? undefined : { slot: keySlots[i]!, type: groupBy[i]!.type };
    },
  });

  const items: ProjectionItem[] = [];
  const offending: string[] = [];
  for (const item of q.select) {
    for (const e of input.expand(item)) {
      try {
        const expr = postAggregate.analyze(e.expression);
        items.push({ expr, name: e.alias ?? deriveName(e.expression, input.names), canonical: canonical(e.expression, scope), written: e.expression });
      } catch (err) {
        if (!(err instanceof NonAggregateColumn)) throw err;
        offending.push(formatExpression(e.expression));
      }
    }
  }
  if (offending.length > 0) {
    throw new SqlError(`Non-aggregate SELECT expression(s) not part of GROUP BY: ${offending.join(', ')}\nEither add the column(s) to the GROUP BY or remove them from the SELECT.`);
  }
  let having: TypedExpr | undefined;
  if (q.having) {
    try {
      having = postAggregate.boolean(q.having);
    } catch (err) {
      if (err instanceof NonAggregateColumn) throw new SqlError(`Non-aggregate HAVING expression not part of GROUP BY: ${formatExpression(q.having)}`);
      if (err instanceof SqlError) throw new SqlError(`Error in HAVING expression: ${err.message}`);
      throw err;
    }
  }
  if (aggregates.length === 0) throw new SqlError('GROUP BY requires aggregate functions in either the SELECT or HAVING clause.');
  return { items, groupBy, keySlots, aggregates, having };
}
