-- Order numbering: each order gets the next number of its shop (1, 2, 3, ...). The count per
-- shop, with the order that moved it, is the numbering; exactly-once processing makes it gap-free
-- and duplicate-free across crashes (the brook/streams version: examples/order-numbering).

SET 'processing.guarantee' = 'exactly_once_v2';

CREATE STREAM shop_orders (shop STRING KEY, orderId STRING)
  WITH (KAFKA_TOPIC = 'shop-orders', VALUE_FORMAT = 'JSON', PARTITIONS = 1);

CREATE TABLE numbered_orders WITH (KAFKA_TOPIC = 'numbered-orders') AS
  SELECT shop, COUNT(*) AS number, LATEST_BY_OFFSET(orderId) AS orderId
  FROM shop_orders
  GROUP BY shop
  EMIT CHANGES;
