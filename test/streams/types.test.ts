// Type-level tests: generics flow from source to sink, and wrong types are rejected at compile
// time (each @ts-expect-error line must be an error, or the build fails).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { App, int32, json, string, tumbling, type Stream, type Table, type Windowed } from '../../src/streams/index.js';

interface Order {
  id: string;
  amount: number;
}

test('types flow from source to sink', () => {
  const app = new App({ appId: 'types' });
  const orders: Stream<string, Order> = app.stream('orders', { key: string, value: json<Order>() });
  const amounts: Stream<string, number> = orders.mapValues((o) => o.amount);
  amounts.to('amounts', { value: int32 });
  // @ts-expect-error a string serde cannot write number values
  amounts.to('bad', { value: string });
  // @ts-expect-error Order has no field 'total'
  orders.mapValues((o) => o.total);
  const counts: Table<Windowed<string>, number> = orders.groupByKey().windowedBy(tumbling('1m')).count();
  // @ts-expect-error windowed keys are not plain strings
  const wrong: Table<string, number> = counts;
  void wrong;
  // @ts-expect-error groupBy needs the new key's serde to match the selected key type
  orders.groupBy((_k, o) => o.amount, { key: string });
  const table = app.table('customers', { key: string, value: json<{ name: string }>() });
  const joined: Stream<string, string> = orders.join(table, (o, c) => `${c.name}:${o.amount}`);
  void joined;
  assert.ok(true);
});
