// Analysis of a SELECT (push, pull or persistent): sources and joins, WHERE, GROUP BY with its
// aggregates and HAVING, PARTITION BY, the projection and the result schema. Validation follows
// ksqlDB, with its messages: non-aggregate expressions not in GROUP BY, keys missing from the
// projection of a persistent query, reserved column names, EMIT FINAL without windows, ...

import type { Column, WindowInfo } from '../catalog/data-source.js';
import { keyColumns } from '../catalog/data-source.js';
import type { MetaStore } from '../catalog/metastore.js';
import { SqlError } from '../errors.js';
import type { FunctionRegistry } from '../functions/registry.js';
import { walkExpression } from '../parser/ast-utils.js';
import type { AliasedSource, Expression, Query, SelectItem } from '../parser/ast.js';
import { formatExpression } from '../parser/formatter.js';
import type { SqlType } from '../types/sql-type.js';
import { analyzeAggregation, type AggregationResult } from './aggregation.js';
import type { AnalyzedJoin, AnalyzedQuery, OutputColumn, TableFunctionCall } from './analyzed-query.js';
import { tableFunctionSlot } from './analyzed-query.js';
import { ExpressionAnalyzer } from './expression-analyzer.js';
import { analyzeJoins } from './joins.js';
import { deriveName, KeyTracker, NameAllocator, reservedAliasCheck } from './projection.js';
import { canonical, locationPrefix, QueryScope, slotName, type SourceBinding } from './scope.js';
import type { TypedExpr } from './typed-expr.js';

import type { ProjectionItem, QueryMode } from './analyzed-query.js';

export type { ProjectionItem, QueryMode };

export interface QueryAnalysisOptions {
  readonly mode: QueryMode;
  readonly metastore: MetaStore;
  readonly registry: FunctionRegistry;
  /** The stream or table a persistent query builds (for messages). */
  readonly sinkName?: string;
}


function bind(metastore: MetaStore, a: AliasedSource): SourceBinding {
  const source = metastore.source(a.name);
  if (!source) throw new SqlError(`${locationPrefix(a.pos)}Source ${'`'}${a.name}${'`'} does not exist.`);
  return { alias: a.alias ?? a.name, source };
}

function prefixed(clause: string, f: () => TypedExpr): TypedExpr {
  try {
    return f();
  } catch (e) {
    if (e instanceof SqlError && !/cannot be resolved|^Line: |is ambiguous|not a valid stream/.test(e.message)) {
      throw new SqlError(`Error in ${clause} expression: ${e.message}`);
    }
    throw e;
  }
}

export function analyzeQuery(q: Query, o: QueryAnalysisOptions): AnalyzedQuery {
  const bindings = [bind(o.metastore, q.from), ...q.joins.map((j) => bind(o.metastore, j.source))];
  const seen = new Set<string>();
  for (const b of bindings) {
    if (seen.has(b.alias)) throw new SqlError(`Can not join '${b.alias}' to '${b.alias}': self joins are not yet supported.`);
    seen.add(b.alias);
  }
  const scope = new QueryScope(bindings);
  const resolveType = (n: string): SqlType | undefined => o.metastore.type(n);
  const analyzer = (clause: string): ExpressionAnalyzer =>
    new ExpressionAnalyzer({
      registry: o.registry,
      resolveType,
      resolveColumn: (s, n) => scope.resolve(s, n, clause),
      aggregateError: `Aggregate functions can not be used in the ${clause} clause.`,
    });

  const joins: AnalyzedJoin[] = analyzeJoins({ scope, analyzer, bindings, clauses: q.joins });
  const finalJoin = joins[joins.length - 1];
  if (finalJoin?.synthetic) scope.addSynthetic(finalJoin.keyName, finalJoin.keyType);
  for (const b of bindings) {
    if (o.mode === 'persistent' && b.source.type === 'TABLE' && b.source.window) throw new SqlError('KSQL does not support persistent queries on windowed tables.');
  }
  const where = q.where ? prefixed('WHERE', () => analyzer('WHERE').boolean(q.where!)) : undefined;
  const isAggregate = (e: Expression): boolean => [...walkExpression(e)].some((x) => x.kind === 'call' && o.registry.isAggregate(x.name));
  const selectExprs = q.select.flatMap((s) => (s.kind === 'expression' ? [s.expression] : []));
  const aggregating = q.groupBy !== undefined || selectExprs.some(isAggregate) || (q.having !== undefined && isAggregate(q.having));
  if (q.window && !aggregating) throw new SqlError('WINDOW clause requires a GROUP BY clause.');
  if (q.having && q.groupBy === undefined) throw new SqlError('HAVING clause requires a GROUP BY clause.');

  const streamLike = bindings[0]!.source.type === 'STREAM' || joins.some((j) => j.kind === 'stream-table' || j.kind === 'stream-stream');
  const names = new NameAllocator(scope);
  const items: ProjectionItem[] = [];
  let aggregation: AggregationResult | undefined;
  const tableFunctions: TableFunctionCall[] = [];
  let partitionBy: TypedExpr[] | null | undefined;
  let partitionCanon: string[] = [];

  if (aggregating) {
    if (q.groupBy === undefined) {
      const first = selectExprs.flatMap((e) => [...walkExpression(e)]).find((x) => x.kind === 'call' && o.registry.isAggregate(x.name));
      throw new SqlError(
        `${o.sinkName !== undefined ? 'CREATE TABLE AS SELECT' : 'SELECT'} statement does not support aggregate function [${first ? formatExpression(first) : 'COUNT(*)'}] without a GROUP BY clause.`,
      );
    }
    if (q.partitionBy) throw new SqlError('PARTITION BY is not supported with GROUP BY: the grouping already sets the key.');
    const typeOf = (e: Expression): SqlType => analyzer('SELECT').analyze(e).type;
    aggregation = analyzeAggregation({ query: q, scope, analyzer, registry: o.registry, resolveType, names, expand: (s) => expandSelect(s, scope, joins.length > 0, o.mode, typeOf) });
    items.push(...aggregation.items);
  } else {
    if (q.partitionBy) {
      const an = analyzer('PARTITION BY');
      if (q.partitionBy.length === 1 && q.partitionBy[0]!.kind === 'literal' && q.partitionBy[0]!.literal.type === 'NULL') partitionBy = null;
      else {
        if (q.partitionBy.some((e) => e.kind === 'literal' && e.literal.type === 'NULL')) throw new SqlError('Cannot PARTITION BY multiple columns including NULL');
        partitionBy = q.partitionBy.map((e) => an.analyze(e));
        partitionCanon = q.partitionBy.map((e) => canonical(e, scope));
      }
      if (!streamLike) throw new SqlError('PARTITION BY is only supported for streams: a table is keyed by its PRIMARY KEY.');
    }
    const an = analyzer('SELECT');
    for (const item of q.select) {
      for (const e of expandSelect(item, scope, joins.length > 0, o.mode, (x) => an.analyze(x).type)) {
        const tf = tableFunctionCall(e.expression, o.registry);
        if (tf) {
          if (!streamLike) throw new SqlError('Table functions are only supported on streams.');
          const args = tf.args.map((a) => an.analyze(a));
          const fn = o.registry.table(tf.name)!;
          const resolved = fn.resolve(args.map((a) => a.type));
          if (!resolved) throw new SqlError(`Function '${tf.name}' does not accept parameters (${args.map((a) => a.type.base).join(', ')}).`);
          const slot = tableFunctionSlot(tableFunctions.length);
          tableFunctions.push({ slot, impl: resolved.impl, args, type: resolved.returns });
          items.push({ expr: { op: 'slot', type: resolved.returns, slot }, name: e.alias ?? names.generated(), canonical: undefined, written: e.expression });
          continue;
        }
        const expr = an.analyze(e.expression);
        items.push({ expr, name: e.alias ?? deriveName(e.expression, names), canonical: canonical(e.expression, scope), written: e.expression });
      }
    }
  }

  if (q.emit === 'FINAL' && !(aggregation && q.window)) throw new SqlError('EMIT FINAL is only supported for windowed aggregations.');
  for (const item of items) reservedAliasCheck(item, o.mode, q.select);

  // Which projection items are key columns, by the rule that decides the result's key.
  const keys = new KeyTracker(o.mode, o.sinkName);
  const lastJoin = joins[joins.length - 1];
  if (aggregation) {
    keys.expect(aggregation.groupBy.map((g, i) => ({ kind: 'grouping expression', text: formatExpression(q.groupBy![i]!), type: g.type, matches: (it) => it.expr.op === 'slot' && it.expr.slot === aggregation!.keySlots[i] })));
  } else if (partitionBy) {
    keys.expect(partitionBy.map((p, i) => ({ kind: 'partitioning expression', text: formatExpression(q.partitionBy![i]!), type: p.type, matches: (it) => it.canonical === partitionCanon[i] })));
  } else if (partitionBy === null) {
    keys.expect([]);
  } else if (lastJoin) {
    keys.expect([
      {
        kind: 'join expression',
        text: lastJoin.synthetic ? lastJoin.keyName : lastJoin.keySlots.map((s) => s).join(' or '),
        type: lastJoin.keyType,
        matches: (it) => it.expr.op === 'slot' && (lastJoin.keySlots.includes(it.expr.slot) || it.expr.slot === `$${lastJoin.keyName}`),
      },
    ]);
  } else {
    const b = bindings[0]!;
    keys.expect(keyColumns(b.source).map((k) => ({ kind: 'key column', text: k.name, type: k.type, matches: (it) => it.expr.op === 'slot' && it.expr.slot === slotName(b.alias, k.name) })));
  }
  const split = keys.split(items);
  const resultWindow: WindowInfo | undefined = aggregation && q.window ? { type: q.window.type, sizeMs: q.window.type === 'SESSION' ? undefined : q.window.sizeMs } : !aggregation && bindings.length === 1 ? bindings[0]!.source.window : undefined;
  const resultType: 'STREAM' | 'TABLE' = aggregation ? 'TABLE' : streamLike ? 'STREAM' : 'TABLE';
  const select: OutputColumn[] = items.map((it) => ({ name: it.name, type: it.expr.type, expr: it.expr, isKey: split.keyItems.includes(it) }));
  return {
    bindings,
    joins,
    where,
    window: q.window,
    groupBy: aggregation?.groupBy,
    partitionBy,
    aggregates: aggregation?.aggregates ?? [],
    tableFunctions,
    having: aggregation?.having,
    select,
    keyColumns: split.keyColumns,
    valueColumns: split.valueColumns,
    resultType,
    resultWindow,
    emit: q.emit ?? 'CHANGES',
    limit: q.limit,
    sourceNames: bindings.map((b) => b.source.name),
  };
}

interface ExpandedItem {
  readonly expression: Expression;
  readonly alias: string | undefined;
}

/** `*`, `alias.*` and `struct->*` to one item per column or field. */
export function expandSelect(item: SelectItem, scope: QueryScope, joined: boolean, mode: QueryMode, typeOf: (e: Expression) => SqlType): ExpandedItem[] {
  if (item.kind === 'expression') return [{ expression: item.expression, alias: item.alias }];
  if (item.kind === 'structAll') {
    const t = typeOf(item.base);
    if (t.base !== 'STRUCT') throw new SqlError(`Can't dereference a non-STRUCT expression: ${formatExpression(item.base)}`);
    return t.fields.map((f) => ({ expression: { kind: 'deref', base: item.base, field: f.name, pos: item.pos } as Expression, alias: undefined }));
  }
  const bindings: readonly SourceBinding[] = item.source === undefined ? scope.bindings : [scope.binding(item.source) ?? missingAlias(item.source)];
  const out: ExpandedItem[] = [];
  // `*` over a join with a synthetic key starts with that key (joins/synthetic-keys.md).
  if (item.source === undefined && scope.synthetic !== undefined) out.push({ expression: { kind: 'column', source: undefined, name: scope.synthetic, pos: item.pos }, alias: undefined });
  for (const b of bindings) {
    const cols: Column[] = [...b.source.columns];
    const windowBounds = b.source.window !== undefined && mode !== 'persistent';
    const keyCount = cols.filter((c) => c.kind === 'KEY').length;
    const names = cols.map((c) => c.name);
    if (windowBounds) names.splice(keyCount, 0, 'WINDOWSTART', 'WINDOWEND');
    for (const name of names) {
      out.push({
        expression: { kind: 'column', source: b.alias, name, pos: item.pos },
        alias: joined ? `${b.alias}_${name}` : undefined,
      });
    }
  }
  return out;
}

function missingAlias(alias: string): never {
  throw new SqlError(`'${alias}' is not a valid stream/table name or alias.`);
}

function tableFunctionCall(e: Expression, registry: FunctionRegistry): Extract<Expression, { kind: 'call' }> | undefined {
  return e.kind === 'call' && registry.table(e.name) ? e : undefined;
}

