// Aggregating a table (CREATE TABLE ... AS SELECT ... FROM a_table GROUP BY ...), as Kafka
// Streams' KGroupedTable does it: every change of a table row retracts the row's old version from
// its old group and adds the new version to its new group, so COUNT, SUM, AVG, COLLECT_LIST, ...
// stay right under updates and deletes. A change becomes up to two records on a stream: the old
// row flagged `false` (retract) and the new row flagged `true` (add), the flag one slot past the
// row. The prior version of each row lives in a store of this step (changelogged, so it survives
// restarts and rebalances).

import type { Serde, Stream, Table } from '../../streams/index.js';
import { keyValueStore } from '../../streams/index.js';
import type { AggregateCall } from '../analyzer/analyzed-query.js';
import { SqlError } from '../errors.js';
import type { Row } from '../formats/format.js';
import { internalRowSerde } from '../formats/internal-serdes.js';
import { BOOLEAN } from '../types/sql-type.js';
import type { RowLayout } from './row-layout.js';

/** ksqlDB's error for aggregate functions that cannot retract a row (MIN, MAX, LATEST_BY_OFFSET, ...). */
export function checkTableAggregates(aggregates: readonly AggregateCall[]): void {
  const names = [...new Set(aggregates.filter((a) => a.impl.undo === undefined).map((a) => a.name.toUpperCase()))];
  if (names.length === 0) return;
  const list = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  throw new SqlError(`The aggregation function${names.length === 1 ? '' : 's'} ${list} cannot be applied to a table source, only to a stream source.`);
}

/** The serde of a change record: the row's slots, then the add/retract flag. */
export function changeSerde(layout: RowLayout): Serde<Row> {
  return internalRowSerde([...layout.types, BOOLEAN]);
}

/** The table's changes as retract/add records (see above), keyed as the table is. */
export function tableChanges(table: Table<unknown, Row>, layout: RowLayout, keySerde: Serde<unknown>, store: string): Stream<unknown, Row> {
  const rowSerde = internalRowSerde(layout.types);
  return table.toStream().process<unknown, Row, { [store]: ReturnType<typeof keyValueStore<unknown, Row>> }>(
    async (records, ctx) => {
      const prior = ctx.store(store);
      for await (const r of records) {
        const old = prior.get(r.key);
        if (r.value === null) prior.delete(r.key);
        else prior.put(r.key, r.value);
        if (old !== undefined) ctx.forward(r.key, [...old, false]);
        if (r.value !== null) ctx.forward(r.key, [...r.value, true]);
      }
    },
    { stores: { [store]: keyValueStore(keySerde, rowSerde) } },
  );
}
