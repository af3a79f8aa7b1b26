// CREATE OR REPLACE of an existing stream or table (ksqlDB's in-place upgrades): the new schema
// must keep every existing column, in order, with its type and kind; it may only add columns at
// the end. The type of source and its windowing cannot change.

import type { AnalyzedQuery } from '../analyzer/analyzed-query.js';
import { formatSchema, type Column, type DataSource } from '../catalog/data-source.js';
import { SqlError } from '../errors.js';
import { typesEqual } from '../types/sql-type.js';

function same(a: Column, b: Column): boolean {
  return a.name === b.name && a.kind === b.kind && typesEqual(a.type, b.type);
}

/** Throws ksqlDB's "Cannot upgrade data source" error when `next` cannot replace `existing`. */
export function checkUpgrade(existing: DataSource, next: DataSource): void {
  if (existing.type !== next.type) {
    throw new SqlError(`Cannot upgrade data source: DataSource '\`${existing.name}\`' has type = ${existing.type} which is not upgradeable to ${next.type}.`);
  }
  const changed = existing.columns.filter((c, i) => next.columns[i] === undefined || !same(c, next.columns[i]!));
  const nextKeys = next.columns.filter((c) => c.kind === 'KEY').length;
  const keysAdded = nextKeys !== existing.columns.filter((c) => c.kind === 'KEY').length;
  if (changed.length > 0 || keysAdded) {
    throw new SqlError(
      `Cannot upgrade data source: DataSource '\`${existing.name}\`' has schema = ${formatSchema(existing.columns)} which is not upgradeable to ${formatSchema(next.columns)}. (The following columns are changed, missing or reordered: [${formatSchema(changed)}])`,
    );
  }
  if ((existing.window?.type ?? 'none') !== (next.window?.type ?? 'none')) {
    throw new SqlError(`Cannot upgrade data source: DataSource '\`${existing.name}\`' has windowing ${existing.window?.type ?? 'none'} which is not upgradeable to ${next.window?.type ?? 'none'}.`);
  }
}

const JOIN_STEP: Record<string, string> = {
  'stream-stream': 'StreamStreamJoin',
  'stream-table': 'StreamTableJoin',
  'table-table': 'TableTableJoin',
  'fk-table-table': 'ForeignKeyTableTableJoin',
};

/**
 * Whether a running query can be replaced by `next` in place (its state stores reused): as in
 * ksqlDB, stateless queries freely, aggregations when they keep their grouping and aggregate
 * calls (only filters and projections change), joins and windowed aggregations not at all.
 */
export function checkQueryUpgrade(old: AnalyzedQuery, next: AnalyzedQuery): void {
  for (const q of [old, next]) {
    const join = q.joins[0];
    if (join) throw new SqlError(`Upgrades not yet supported for ${JOIN_STEP[join.kind]}`);
    if (q.window) throw new SqlError(`Upgrades not yet supported for ${q.window.type === 'SESSION' ? 'StreamSessionWindowedAggregate' : 'StreamWindowedAggregate'}`);
  }
  if (old.sourceNames.join() !== next.sourceNames.join()) throw new SqlError(`Upgrades not yet supported for changing the source of a query: [${old.sourceNames.join(', ')}] vs. [${next.sourceNames.join(', ')}]`);
  const aggregating = (q: AnalyzedQuery): boolean => q.groupBy !== undefined;
  if (aggregating(old) !== aggregating(next)) throw new SqlError(`Upgrades not yet supported for ${aggregating(old) ? 'removing' : 'adding'} an aggregation`);
  if (!aggregating(old)) return;
  const calls = (q: AnalyzedQuery): string[] => q.aggregates.map((a) => a.text);
  if (calls(old).join('\n') !== calls(next).join('\n')) {
    throw new SqlError(`StreamAggregate must have matching aggregate functions. Values differ: [${calls(old).join(', ')}] vs. [${calls(next).join(', ')}]`);
  }
  const groups = (q: AnalyzedQuery): string[] => (q.groupBy ?? []).map((g) => JSON.stringify(g));
  if (groups(old).join('\n') !== groups(next).join('\n')) throw new SqlError('StreamAggregate must have matching grouping expressions.');
}
