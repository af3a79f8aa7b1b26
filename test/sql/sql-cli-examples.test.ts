// `brook sql` against a live gateway: the examples under examples/sql run with -f, their outputs
// checked on real input; -e prints listings as tables and pull-query rows; a failing statement
// exits non-zero with ksqlDB's message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { run } from '../helpers/processes.js';
import { cliEntry, repoRoot } from '../helpers/paths.js';
import { ksql, produce, startSqlGateway, text, until, waitForRecords } from './sql-harness.js';

const MINUTE = 60_000;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % MINUTE);

test('brook sql runs the examples; their queries produce the expected records', async (t) => {
  const g = await startSqlGateway();
  t.after(() => g.close());
  const sql = (...args: string[]) => run(process.execPath, [cliEntry, 'sql', '--server', g.url, ...args], { limitMs: 60_000 });

  for (const example of ['orders-per-minute', 'order-numbering', 'payout-alerts', 'inventory']) {
    const r = await sql('-f', join(repoRoot, 'examples', 'sql', `${example}.sql`));
    assert.equal(r.code, 0, `${example}: ${r.stderr}`);
    assert.match(r.stdout, /Created query with ID/);
  }

  // Orders per minute: EMIT FINAL writes a window once stream time passes its end plus grace.
  await produce(g, 'orders', [
    { key: 'o1', value: '{"orderId":"o1","category":"books","amountCents":1200}', timestamp: T0 + 1000 },
    { key: 'o2', value: '{"orderId":"o2","category":"books","amountCents":800}', timestamp: T0 + 20_000 },
    { key: 'o3', value: '{"orderId":"o3","category":"games","amountCents":5000}', timestamp: T0 + 30_000 },
    { key: 'o4', value: '{"orderId":"o4","category":"books","amountCents":100}', timestamp: T0 + MINUTE + 15_000 },
  ]);
  const perMinute = await waitForRecords(g, 'orders-per-minute', 2);
  assert.deepEqual(
    perMinute.map((r) => [r.key!.subarray(0, r.key!.length - 8).toString(), Number(r.key!.readBigInt64BE(r.key!.length - 8)), JSON.parse(text(r.value)!)]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    [
      ['books', T0, { ORDERS: 2, REVENUECENTS: 2000 }],
      ['games', T0, { ORDERS: 1, REVENUECENTS: 5000 }],
    ],
  );

  // Order numbering: 1, 2, 3 per shop, each with the order that took the number.
  await produce(g, 'shop-orders', [
    { key: 'north', value: '{"orderId":"a"}' },
    { key: 'south', value: '{"orderId":"b"}' },
    { key: 'north', value: '{"orderId":"c"}' },
    { key: 'north', value: '{"orderId":"d"}' },
  ]);
  const numbered = await waitForRecords(g, 'numbered-orders', 4);
  assert.deepEqual(
    numbered.map((r) => [text(r.key), JSON.parse(text(r.value)!)]),
    [
      ['north', { NUMBER: 1, ORDERID: 'a' }],
      ['south', { NUMBER: 1, ORDERID: 'b' }],
      ['north', { NUMBER: 2, ORDERID: 'c' }],
      ['north', { NUMBER: 3, ORDERID: 'd' }],
    ],
  );

  // Inventory: restocks and cart events merge into stock per product; a shortfall is an alert.
  await produce(g, 'restocks', [{ key: 'p1', value: '{"productId":"p1","quantity":5}' }]);
  await produce(g, 'cart-events', [
    { key: 'c1', value: '{"type":"added","cartId":"c1","productId":"p1","quantity":2}' },
    { key: 'c1', value: '{"type":"checked-out","cartId":"c1","productId":"p1","quantity":2}' },
    { key: 'c2', value: '{"type":"added","cartId":"c2","productId":"p2","quantity":1}' },
  ]);
  await until('stock of p1 and p2', async () => {
    const r = await sql('-e', "SELECT productId, available FROM stock WHERE productId = 'p1' OR productId = 'p2';");
    return /p1\s+3/.test(r.stdout) && /p2\s+-1/.test(r.stdout) ? r : undefined;
  }, 60_000);
  // HAVING filters the table: a product shows once its stock is below zero.
  const alerts = (await waitForRecords(g, 'stock-alerts', 1)).filter((r) => r.value !== null);
  assert.deepEqual(alerts.map((r) => [text(r.key), JSON.parse(text(r.value)!)]), [['p2', { AVAILABLE: -1 }]]);

  // Payout alerts: the fourth payout in a window flags the policyholder.
  await produce(
    g,
    'payouts',
    [1, 2, 3, 4].map((i) => ({ key: `x${i}`, value: JSON.stringify({ payoutId: `x${i}`, policyholderId: 'h1', accountId: 'a1', amountCents: 100 }), timestamp: T0 + i * 1000 })),
  );
  // Each payout falls in 10 hopping windows (starts T0-9m .. T0): all 10 hold the four payouts.
  const flagged = async () => (await waitForRecords(g, 'payout-flags', 1)).filter((r) => r.value !== null);
  const flags = await until('10 flagged windows', async () => {
    const f = await flagged();
    return f.length >= 10 ? f : undefined;
  }, 60_000);
  assert.deepEqual(
    flags.map((r) => [r.key!.subarray(0, r.key!.length - 8).toString(), Number(r.key!.readBigInt64BE(r.key!.length - 8)) - T0, JSON.parse(text(r.value)!)]).sort((a, b) => Number(a[1]) - Number(b[1])),
    Array.from({ length: 10 }, (_v, i) => ['h1', (i - 9) * MINUTE, { PAYOUTS: 4, TOTALCENTS: 400, REASON: 'count' }]),
  );

  // Listings print as tables; errors exit non-zero with ksqlDB's message.
  const listed = await sql('-e', 'SHOW TABLES;');
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /Table Name\s+Kafka Topic\s+Key Format\s+Value Format\s+Windowed/);
  assert.match(listed.stdout, /ORDERS_PER_MINUTE\s+orders-per-minute\s+KAFKA\s+JSON\s+true/);
  const bad = await sql('-e', 'SELECT nope FROM orders;');
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /cannot be resolved/);
  const [queries] = await ksql(g, 'SHOW QUERIES;');
  assert.equal((queries!.queries as unknown[]).length, 7);
});
