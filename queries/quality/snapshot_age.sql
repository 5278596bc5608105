-- name: No snapshots past the 30-day expiry
-- description: tables keeping snapshots committed more than 30 days before as_of, other than the current one (the expiry job is not running), from the $snapshots metadata tables
-- engine: any
-- param: as_of date = 2024-12-31
-- check: warn_above=0
-- tags: quality, health
WITH per_table AS (
SELECT 'market_data.us_stocks_price' AS table_name, COUNT(*) AS past_expiry, MIN(committed_at) AS oldest
FROM market_data."us_stocks_price$snapshots"
WHERE CAST(committed_at AS DATE) < CAST(:as_of AS DATE) - INTERVAL '30' DAY
  AND committed_at < (SELECT MAX(committed_at) FROM market_data."us_stocks_price$snapshots")
UNION ALL
SELECT 'market_data.kr_stocks_price' AS table_name, COUNT(*) AS past_expiry, MIN(committed_at) AS oldest
FROM market_data."kr_stocks_price$snapshots"
WHERE CAST(committed_at AS DATE) < CAST(:as_of AS DATE) - INTERVAL '30' DAY
  AND committed_at < (SELECT MAX(committed_at) FROM market_data."kr_stocks_price$snapshots")
UNION ALL
SELECT 'portfolio.tb_nav' AS table_name, COUNT(*) AS past_expiry, MIN(committed_at) AS oldest
FROM portfolio."tb_nav$snapshots"
WHERE CAST(committed_at AS DATE) < CAST(:as_of AS DATE) - INTERVAL '30' DAY
  AND committed_at < (SELECT MAX(committed_at) FROM portfolio."tb_nav$snapshots")
UNION ALL
SELECT 'portfolio.tb_rebalance' AS table_name, COUNT(*) AS past_expiry, MIN(committed_at) AS oldest
FROM portfolio."tb_rebalance$snapshots"
WHERE CAST(committed_at AS DATE) < CAST(:as_of AS DATE) - INTERVAL '30' DAY
  AND committed_at < (SELECT MAX(committed_at) FROM portfolio."tb_rebalance$snapshots")
UNION ALL
SELECT 'analytics.tb_metrics' AS table_name, COUNT(*) AS past_expiry, MIN(committed_at) AS oldest
FROM analytics."tb_metrics$snapshots"
WHERE CAST(committed_at AS DATE) < CAST(:as_of AS DATE) - INTERVAL '30' DAY
  AND committed_at < (SELECT MAX(committed_at) FROM analytics."tb_metrics$snapshots")
UNION ALL
SELECT 'analytics.tb_signals' AS table_name, COUNT(*) AS past_expiry, MIN(committed_at) AS oldest
FROM analytics."tb_signals$snapshots"
WHERE CAST(committed_at AS DATE) < CAST(:as_of AS DATE) - INTERVAL '30' DAY
  AND committed_at < (SELECT MAX(committed_at) FROM analytics."tb_signals$snapshots")
UNION ALL
SELECT 'reference.tb_macro_data' AS table_name, COUNT(*) AS past_expiry, MIN(committed_at) AS oldest
FROM reference."tb_macro_data$snapshots"
WHERE CAST(committed_at AS DATE) < CAST(:as_of AS DATE) - INTERVAL '30' DAY
  AND committed_at < (SELECT MAX(committed_at) FROM reference."tb_macro_data$snapshots")
UNION ALL
SELECT 'reference.tb_meta' AS table_name, COUNT(*) AS past_expiry, MIN(committed_at) AS oldest
FROM reference."tb_meta$snapshots"
WHERE CAST(committed_at AS DATE) < CAST(:as_of AS DATE) - INTERVAL '30' DAY
  AND committed_at < (SELECT MAX(committed_at) FROM reference."tb_meta$snapshots")
UNION ALL
SELECT 'reference.tb_calendar' AS table_name, COUNT(*) AS past_expiry, MIN(committed_at) AS oldest
FROM reference."tb_calendar$snapshots"
WHERE CAST(committed_at AS DATE) < CAST(:as_of AS DATE) - INTERVAL '30' DAY
  AND committed_at < (SELECT MAX(committed_at) FROM reference."tb_calendar$snapshots")
UNION ALL
SELECT 'reference.tb_exchange_rates' AS table_name, COUNT(*) AS past_expiry, MIN(committed_at) AS oldest
FROM reference."tb_exchange_rates$snapshots"
WHERE CAST(committed_at AS DATE) < CAST(:as_of AS DATE) - INTERVAL '30' DAY
  AND committed_at < (SELECT MAX(committed_at) FROM reference."tb_exchange_rates$snapshots")
)
SELECT table_name, past_expiry, oldest
FROM per_table
WHERE past_expiry > 0
ORDER BY table_name
