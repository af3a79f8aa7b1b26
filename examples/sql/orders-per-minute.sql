-- Orders per minute: orders and revenue per category in 1-minute tumbling windows, one final row
-- per window once its grace period has passed (the brook/streams version: examples/orders-per-minute).
-- Run with `brook sql -f examples/sql/orders-per-minute.sql` against `brook start`.

CREATE STREAM orders (order_id STRING KEY, orderId STRING, category STRING, amountCents BIGINT)
  WITH (KAFKA_TOPIC = 'orders', VALUE_FORMAT = 'JSON', PARTITIONS = 1);

CREATE TABLE orders_per_minute WITH (KAFKA_TOPIC = 'orders-per-minute') AS
  SELECT category,
         COUNT(*) AS orders,
         SUM(amountCents) AS revenueCents
  FROM orders
  WINDOW TUMBLING (SIZE 1 MINUTE, GRACE PERIOD 10 SECONDS)
  GROUP BY category
  EMIT FINAL;
