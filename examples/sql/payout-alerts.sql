-- Payout alerts: flag a policyholder who receives more than 3 payouts, or more than 10,000.00 in
-- total, within any 10-minute window advancing every minute (the brook/streams version:
-- examples/payout-watch).

CREATE STREAM payouts (payout_id STRING KEY, payoutId STRING, policyholderId STRING, accountId STRING, amountCents BIGINT)
  WITH (KAFKA_TOPIC = 'payouts', VALUE_FORMAT = 'JSON', PARTITIONS = 1);

CREATE TABLE payout_flags WITH (KAFKA_TOPIC = 'payout-flags') AS
  SELECT policyholderId,
         COUNT(*) AS payouts,
         SUM(amountCents) AS totalCents,
         CASE WHEN COUNT(*) > 3 THEN 'count' ELSE 'total' END AS reason
  FROM payouts
  WINDOW HOPPING (SIZE 10 MINUTES, ADVANCE BY 1 MINUTE)
  GROUP BY policyholderId
  HAVING COUNT(*) > 3 OR SUM(amountCents) > 1000000
  EMIT CHANGES;
