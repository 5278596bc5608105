-- name: No calendar gaps
-- description: open trading days (reference.tb_calendar) of the 31 days up to as_of, through the table's latest day, on which an active ticker (one with prices in the window) has no price row. Days after the latest day are the freshness check's business.
-- engine: any
-- param: as_of date = 2024-12-31
-- check: fail_above=0
-- tags: quality, calendar
WITH prices AS (
  SELECT 'market_data.us_stocks_price' AS table_name, 'US' AS market, meta_id, trade_date
  FROM market_data.us_stocks_price
  WHERE trade_date > CAST(:as_of AS DATE) - INTERVAL '31' DAY AND trade_date <= CAST(:as_of AS DATE)
  UNION ALL
  SELECT 'market_data.kr_stocks_price' AS table_name, 'KR' AS market, meta_id, trade_date
  FROM market_data.kr_stocks_price
  WHERE trade_date > CAST(:as_of AS DATE) - INTERVAL '31' DAY AND trade_date <= CAST(:as_of AS DATE)
), active AS (
  SELECT table_name, market, meta_id FROM prices GROUP BY table_name, market, meta_id
), latest AS (
  SELECT table_name, MAX(trade_date) AS last_date FROM prices GROUP BY table_name
), open_days AS (
  SELECT market, trade_date
  FROM reference.tb_calendar
  WHERE trade_date > CAST(:as_of AS DATE) - INTERVAL '31' DAY AND trade_date <= CAST(:as_of AS DATE)
    AND is_open
), expected AS (
  SELECT a.table_name, a.meta_id, o.trade_date
  FROM active a
  JOIN latest l ON l.table_name = a.table_name
  JOIN open_days o ON o.market = a.market AND o.trade_date <= l.last_date
)
SELECT e.table_name, e.meta_id, e.trade_date
FROM expected e
LEFT JOIN prices p ON p.table_name = e.table_name AND p.meta_id = e.meta_id AND p.trade_date = e.trade_date
WHERE p.meta_id IS NULL
ORDER BY e.table_name, e.trade_date, e.meta_id
