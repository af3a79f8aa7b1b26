-- Inventory from cart events: stock per product from restocks and cart additions and removals
-- (an addition reserves units, a removal releases them, a checkout changes nothing), and the
-- products whose stock went below zero (the brook/streams version: examples/inventory, which
-- also refuses the reservation; SQL reports the shortfall instead).

CREATE STREAM cart_events (cart_id STRING KEY, type STRING, cartId STRING, productId STRING, quantity INT)
  WITH (KAFKA_TOPIC = 'cart-events', VALUE_FORMAT = 'JSON', PARTITIONS = 1);

CREATE STREAM restocks (product_id STRING KEY, productId STRING, quantity INT)
  WITH (KAFKA_TOPIC = 'restocks', VALUE_FORMAT = 'JSON', PARTITIONS = 1);

CREATE STREAM stock_changes WITH (KAFKA_TOPIC = 'stock-changes') AS
  SELECT productId, CASE WHEN type = 'added' THEN -quantity ELSE quantity END AS change
  FROM cart_events
  WHERE type <> 'checked-out'
  PARTITION BY productId;

INSERT INTO stock_changes SELECT productId, quantity AS change FROM restocks PARTITION BY productId;

CREATE TABLE stock WITH (KAFKA_TOPIC = 'stock') AS
  SELECT productId, SUM(change) AS available
  FROM stock_changes
  GROUP BY productId;

CREATE TABLE stock_alerts WITH (KAFKA_TOPIC = 'stock-alerts') AS
  SELECT productId, SUM(change) AS available
  FROM stock_changes
  GROUP BY productId
  HAVING SUM(change) < 0;
